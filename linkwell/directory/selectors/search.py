"""Reads over the directory: the one search every surface uses (staff search page, ORUK API,
matching). Works the same on SQLite and PostgreSQL: portable lookups and `Exists()` subqueries,
plus the text index's own query for each database (`search_index`, same results on both);
distance is computed in Python after an indexable bounding-box prefilter.

Filter semantics (the contract other apps rely on):

- `text`: every word must appear (case-insensitive substring) in the service name, description,
  provider name or the name of a taxonomy term linked to the service (HSDS attribute).
  Apostrophes are ignored on both sides, a plural word matches by its singular stem and a few
  joined forms also match split ("foodbank" finds "Food Bank"): see `text_search`. The first
  three fields are searched through a substring index the database keeps (`search_index`).
- `organization_id`: services of that provider (DirectoryOrganization uuid).
- `taxonomy_term_ids`: services linked to any of the terms; `taxonomy_id`: to any term of that
  taxonomy. The two referral-mode terms of the "Linkwell" taxonomy select by `referral_mode`
  (the export cites them on every service instead of storing attribute rows).
- Ages. `age=A` is the person's age (the staff and public search pages): services open to
  someone aged A, i.e. `(minimum_age <= A or null) and (maximum_age >= A or null)`.
  `minimum_age=X` and `maximum_age=Y` are ORUK's service-range filters: services whose own
  minimum age is at least X (`service.minimum_age >= X`; a service without a minimum counts as
  minimum 0) and whose own maximum age is at most Y (`service.maximum_age <= Y`; a service without
  a maximum has none, so never matches).
- `point` + `within_km`: services with a location (through service_at_location) whose
  coordinates are within the radius; `distance_km` is to the nearest such location. With a point
  and no radius every service is returned, nearest first, unlocated ones last. Services with no
  located location are excluded when a radius is given (online-only services have no place).
- `day` ("MO".."SU"): a schedule (on the service or one of its service_at_locations) whose
  `byday` names that day and that has not ended (`valid_to` null or today or later);
  with `start_time`/`end_time` (the search pages' time-of-day windows), its session must overlap
  [start, end) (null opens/closes count as open).
- `opens_from`/`closes_by` (ORUK `start_time`/`end_time`, with or without `day`): one current
  schedule (of that day, when `day` is given) that opens at or after `opens_from` and closes at or
  before `closes_by`; a session without that time does not match.
- `free_only`: "free" means the service has a cost option with amount 0 or whose option/amount
  text says "free", and no cost option with amount > 0. A service with no cost options is not
  known to be free and is excluded.
- `accessible_only`: one of its locations has an accessibility record with a description or
  details (HSDS accessibility, e.g. "Wheelchair accessible").
- `accepts_referrals`: True -> referral_mode "referral"; False -> signposting only.
- `modified_after`: our own `updated_at` is at or after it (ORUK: "modified on or after").
- `statuses`: allowed statuses; () means any status.

Ordering: by distance (then name, id) when a point is given; otherwise, when there is text,
services whose name contains the whole text first, then by name, then id; otherwise name, id.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.directory import search_index, text_search
from linkwell.directory.access import get_service_for_user
from linkwell.directory.exchange.hsds import LINKWELL_TAXONOMY, REFERRAL_MODE_BY_TERM_ID
from linkwell.directory.models import (
    Accessibility,
    Attribute,
    AttributeLinkEntity,
    Contact,
    CostOption,
    Location,
    Phone,
    QualityCheck,
    ReferralMode,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from linkwell.directory.postcodes import bounding_box, haversine_km

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class ServiceFilters:
    text: str = ""
    # People searching (the public and staff directories) also get the related terms of the
    # shared text analysis ("lonely" finds befriending); the ORUK API's `search` stays literal
    # for the machines that call it.
    related_terms: bool = False
    taxonomy_term_ids: tuple[uuid.UUID, ...] = ()
    taxonomy_id: uuid.UUID | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    age: int | None = None
    point: tuple[float, float] | None = None  # (lat, lon)
    within_km: float | None = None
    day: str | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    opens_from: dt.time | None = None
    closes_by: dt.time | None = None
    free_only: bool = False
    accessible_only: bool = False
    accepts_referrals: bool | None = None
    modified_after: dt.datetime | None = None
    organization_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ("active",)


@dataclass
class SearchPage:
    items: list[Service]  # each has `distance_km: float | None`
    total_items: int
    page: int
    per_page: int
    total_pages: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.total_pages


def _service_terms(**term_filter: Any) -> Exists:
    return Exists(
        Attribute.objects.filter(
            link_entity=AttributeLinkEntity.SERVICE, link_uuid=OuterRef("uuid"), **term_filter
        )
    )


def _has_any_term(term_ids: tuple[uuid.UUID, ...]) -> Q:
    """Linked to one of the terms. The Linkwell referral-mode terms are not attribute rows: they
    stand for `Service.referral_mode` (see `exchange.hsds.referral_attribute`)."""
    matches = Q(_service_terms(taxonomy_term__uuid__in=term_ids))
    modes = {REFERRAL_MODE_BY_TERM_ID.get(str(term_id)) for term_id in term_ids} - {None}
    if ReferralMode.ACCEPTS_REFERRALS in modes:
        matches |= Q(referral_mode=ReferralMode.ACCEPTS_REFERRALS)
    if ReferralMode.SIGNPOST_ONLY in modes:
        matches |= ~Q(referral_mode=ReferralMode.ACCEPTS_REFERRALS)
    return matches


def _clause_matches(alternatives: tuple[tuple[str, ...], ...]) -> Q:
    """A service's name, description or organisation, or the name of one of its terms, has
    one of `alternatives`. The first three are looked up in the search index (`search_index`),
    never by scanning services."""
    matches = search_index.document_matches_any(alternatives)
    # Terms are few: find the matching ones once. Then their services by `uuid IN (...)`, not a
    # correlated EXISTS.
    term_ids = list(
        TaxonomyTerm.objects.filter(text_search.matches_any(("name",), alternatives)).values_list(
            "pk", flat=True
        )
    )
    if not term_ids:
        return matches
    linked = Service.objects.filter(
        uuid__in=Attribute.objects.filter(
            link_entity=AttributeLinkEntity.SERVICE, taxonomy_term_id__in=term_ids
        ).values("link_uuid")
    )
    # One `id IN (... UNION ALL ...)`, not two lists joined by OR: PostgreSQL makes it a
    # semi-join, built once, where OR left two hashed lists that each parallel worker rebuilt.
    indexed = Service.objects.filter(matches)
    return Q(pk__in=indexed.order_by().values("pk").union(linked.order_by().values("pk"), all=True))


def filter_services(filters: ServiceFilters) -> QuerySet[Service]:
    """Every service matching `filters` (module docstring), unordered and unpaginated, ignoring
    `point`/`within_km` (distance is applied by `search_services`; a radius only changes how
    the day filter is checked, not what it finds: `_runs_on`). The ORUK API builds its
    service_at_location list on it."""
    qs = Service.objects.all()
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.organization_id is not None:
        qs = qs.filter(organization__uuid=filters.organization_id)
    for clause in text_search.query_terms(filters.text, related=filters.related_terms).clauses:
        qs = qs.filter(_clause_matches(clause.alternatives))
    if filters.taxonomy_term_ids:
        qs = qs.filter(_has_any_term(filters.taxonomy_term_ids))
    if filters.taxonomy_id is not None and str(filters.taxonomy_id) != LINKWELL_TAXONOMY["id"]:
        # (Every service has one of the Linkwell taxonomy's two referral-mode terms.)
        qs = qs.filter(_service_terms(taxonomy_term__taxonomy__uuid=filters.taxonomy_id))
    if filters.age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=filters.age))
        qs = qs.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=filters.age))
    if filters.minimum_age is not None:
        at_least = Q(minimum_age__gte=filters.minimum_age)
        qs = qs.filter(
            at_least | Q(minimum_age__isnull=True) if filters.minimum_age <= 0 else at_least
        )
    if filters.maximum_age is not None:
        qs = qs.filter(maximum_age__lte=filters.maximum_age)
    if filters.day or filters.opens_from is not None or filters.closes_by is not None:
        qs = qs.filter(
            _runs_on(
                filters.day,
                filters.start_time,
                filters.end_time,
                opens_from=filters.opens_from,
                closes_by=filters.closes_by,
                probe=filters.point is not None and filters.within_km is not None,
            )
        )
    if filters.free_only:
        costs = CostOption.objects.filter(service=OuterRef("pk"))
        qs = qs.filter(
            Exists(
                costs.filter(
                    Q(amount=0)
                    | Q(option__icontains="free")
                    | Q(amount_description__icontains="free")
                )
            )
        ).exclude(Exists(costs.filter(amount__gt=0)))
    if filters.accessible_only:
        accessible = Accessibility.objects.exclude(description="", details="").values("location")
        qs = qs.filter(
            Exists(
                ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__in=accessible)
            )
        )
    if filters.accepts_referrals is not None:
        mode = ReferralMode.ACCEPTS_REFERRALS if filters.accepts_referrals else None
        qs = (
            qs.filter(referral_mode=mode)
            if mode
            else qs.exclude(referral_mode=ReferralMode.ACCEPTS_REFERRALS)
        )
    if filters.modified_after is not None:
        qs = qs.filter(updated_at__gte=filters.modified_after)
    return qs


def _runs_on(
    day: str | None,
    start: dt.time | None,
    end: dt.time | None,
    *,
    opens_from: dt.time | None = None,
    closes_by: dt.time | None = None,
    probe: bool = False,
) -> Q:
    """Services with a current session matching the day and times. `probe`: checked service by
    service (correlated `EXISTS`), for when other filters leave few services (a radius: the
    indexed bounding box comes first); else one list of the services with such a session. Both
    give the same services."""
    sessions = Schedule.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate())
    )
    if day is not None:
        day = day.upper()
        if day not in DAYS:
            raise ValueError(f"day must be one of {', '.join(DAYS)}")
        sessions = sessions.filter(byday__icontains=day)
    if end is not None:
        sessions = sessions.filter(Q(opens_at__isnull=True) | Q(opens_at__lt=end))
    if start is not None:
        sessions = sessions.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=start))
    if opens_from is not None:
        sessions = sessions.filter(opens_at__gte=opens_from)
    if closes_by is not None:
        sessions = sessions.filter(closes_at__lte=closes_by)
    if probe:
        return Q(Exists(sessions.filter(service=OuterRef("pk")))) | Q(
            Exists(sessions.filter(service_at_location__service=OuterRef("pk")))
        )
    # One uncorrelated list of the services with such a session (PostgreSQL: a semi-join),
    # computed once, instead of probing the schedules service by service: on its own, "Wednesday
    # 10-12" took ~1 s at 100,000 services that way, against ~0.25 s (BENCHMARKS.md).
    on_service = sessions.filter(service__isnull=False).values("service_id")
    at_location = sessions.filter(service_at_location__isnull=False).values(
        "service_at_location__service_id"
    )
    return Q(pk__in=on_service.union(at_location, all=True))


def _distances(
    qs: QuerySet[Service], point: tuple[float, float], within_km: float | None
) -> dict[int, tuple[float, str]]:
    """Service pk -> (km to its nearest located location, name), within the radius if given.

    The bounding box uses the indexed Location.latitude/longitude so that only nearby rows
    reach Python, where the exact haversine decides."""
    # Exists() (not `service__in`): the planner can start from the indexed bounding box and
    # check each nearby service, instead of materialising every matching service first.
    links = ServiceAtLocation.objects.filter(
        Exists(qs.filter(pk=OuterRef("service_id"))),
        location__latitude__isnull=False,
        location__longitude__isnull=False,
    )
    if within_km is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(point, within_km)
        links = links.filter(
            location__latitude__range=(min_lat, max_lat),
            location__longitude__range=(min_lon, max_lon),
        )
    nearest: dict[int, tuple[float, str]] = {}
    rows = links.values_list(
        "service_id", "service__name", "location__latitude", "location__longitude"
    )
    for service_id, name, lat, lon in rows.iterator(chunk_size=5000):
        if lat is None or lon is None:  # excluded in SQL; keeps the types honest
            continue
        km = haversine_km(point, (lat, lon))
        if within_km is not None and km > within_km:
            continue
        if service_id not in nearest or km < nearest[service_id][0]:
            nearest[service_id] = (km, name)
    return nearest


def _with_display_data(
    qs: QuerySet[Service], locations: QuerySet[ServiceAtLocation] | None = None
) -> QuerySet[Service]:
    """Everything a result row shows, in a fixed number of queries (no N+1)."""
    if locations is None:
        locations = ServiceAtLocation.objects.prefetch_related("location__addresses", "schedules")
    return qs.select_related("organization").prefetch_related(
        Prefetch("organization__quality_checks", queryset=QualityCheck.objects.all()),
        Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
        Prefetch("cost_options", queryset=CostOption.objects.order_by("pk")),
        Prefetch(
            "service_at_locations",
            queryset=locations.select_related("location").order_by("pk"),
        ),
    )


def _page_bounds(total: int, page: int, per_page: int) -> tuple[int, int]:
    total_pages = max(1, math.ceil(total / per_page))
    return min(max(1, page), total_pages), total_pages


def _sort_key(name: str, pk: int) -> tuple[str, str, int]:
    # Mirrors the SQL order (Lower(name), name, pk) so both paths sort alike.
    return (name.lower(), name, pk)


def search_services(*, filters: ServiceFilters, page: int = 1, per_page: int = 25) -> SearchPage:
    """One page of services matching `filters` (see the module docstring for semantics).

    Page numbers past the end are clamped to the last page."""
    per_page = max(1, per_page)
    qs = filter_services(filters)
    if filters.point is not None:
        nearest = _distances(qs, filters.point, filters.within_km)
        ranked: list[tuple[float, tuple[str, str, int]]] = [
            (km, _sort_key(name, pk)) for pk, (km, name) in nearest.items()
        ]
        if filters.within_km is None:
            # Unlocated services come last, by name.
            ranked += [
                (math.inf, _sort_key(name, pk))
                for pk, name in qs.values_list("pk", "name").iterator(chunk_size=5000)
                if pk not in nearest
            ]
        ranked.sort()
        total = len(ranked)
        page, total_pages = _page_bounds(total, page, per_page)
        ids = [key[2] for _, key in ranked[(page - 1) * per_page : page * per_page]]
        by_id = {s.pk: s for s in _with_display_data(Service.objects.filter(pk__in=ids))}
        items = [by_id[pk] for pk in ids]
        for service in items:
            found = nearest.get(service.pk)
            service.distance_km = found[0] if found else None  # type: ignore[attr-defined]
        return SearchPage(items, total, page, per_page, total_pages)

    order: list[Any] = [Lower("name"), "name", "pk"]
    query = text_search.query_terms(filters.text, related=filters.related_terms)
    phrase = query.phrase
    if phrase:
        qs = qs.annotate(
            _name_rank=Case(
                When(text_search.contains("name", phrase), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        order = ["_name_rank", *order]
        if query.widened:
            # What the person typed first; what only related terms found after it.
            direct = Q()
            for clause in query.clauses:
                direct &= _clause_matches(clause.direct)
            qs = qs.annotate(
                _direct_rank=Case(
                    When(direct, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            order = ["_name_rank", "_direct_rank", *order[1:]]
        # Evaluate the text match once: the ordered ids of every match give the total and the
        # page, instead of a COUNT and then a page query that both consult the index.
        ids = list(qs.order_by(*order).values_list("pk", flat=True))
        page, total_pages = _page_bounds(len(ids), page, per_page)
        start = (page - 1) * per_page
        wanted = ids[start : start + per_page]
        by_id = {s.pk: s for s in _with_display_data(Service.objects.filter(pk__in=wanted))}
        items = [by_id[pk] for pk in wanted]
        for service in items:
            service.distance_km = None  # type: ignore[attr-defined]
        return SearchPage(items, len(ids), page, per_page, total_pages)
    total = qs.count()
    page, total_pages = _page_bounds(total, page, per_page)
    start = (page - 1) * per_page
    items = list(_with_display_data(qs.order_by(*order))[start : start + per_page])
    for service in items:
        service.distance_km = None  # type: ignore[attr-defined]
    return SearchPage(items, total, page, per_page, total_pages)


def service_detail_for_user(*, user: User, service_id: uuid.UUID) -> Service:
    """A service with everything the detail page shows prefetched. 404 for users who may not see
    the directory (access.get_service_for_user)."""
    get_service_for_user(user, service_id)
    locations = ServiceAtLocation.objects.prefetch_related(
        "location__addresses",
        "location__accessibility",
        "location__languages",
        Prefetch("location__phones", queryset=Phone.objects.order_by("pk")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
        Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones").order_by("pk")),
        "phones",
    )
    return (
        _with_display_data(Service.objects.filter(uuid=service_id), locations)
        .select_related("last_verified_by")
        .prefetch_related(
            Prefetch(
                "contacts", queryset=Contact.objects.prefetch_related("phones").order_by("pk")
            ),
            Prefetch("phones", queryset=Phone.objects.filter(contact__isnull=True).order_by("pk")),
            "languages",
            "service_areas",
            Prefetch(
                "organization__contacts",
                queryset=Contact.objects.prefetch_related("phones").order_by("pk"),
            ),
        )
        .get()
    )


def located_services(items: list[Service]) -> list[dict[str, Any]]:
    """Map markers for a result page: one per located location of each service."""
    markers = []
    for service in items:
        for sal in service.service_at_locations.all():
            loc: Location = sal.location
            if loc.latitude is None or loc.longitude is None:
                continue
            markers.append(
                {
                    "name": service.name,
                    "url": reverse("directory:service_detail", args=[service.uuid]),
                    "lat": round(loc.latitude, 6),
                    "lon": round(loc.longitude, 6),
                }
            )
    return markers
