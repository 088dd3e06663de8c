"""Reads behind the public ORUK API. There is no acting user: everything here is public, so the
scoping rule is "what may anyone see", written once here and nowhere else.

Service visibility (see linkwell/api/README.md):
- lists show services a person could use now or soon: `active` and `temporarily closed`;
- with `modified_after` (the incremental-sync parameter) lists show every status, so an
  aggregator learns that a service it copied is now `inactive` or `defunct`;
- `/services/{id}` serves any status: the `status` field says whether it runs.
Private fields (staff notes, QA evidence, verification) are never read into the output: the
serialisers in `linkwell.directory.exchange.hsds` are the single list of what is published.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from linkwell.directory.exchange import hsds
from linkwell.directory.models import (
    Contact,
    DirectoryOrganization,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.postcodes import bounding_box, haversine_km
from linkwell.directory.selectors import ServiceFilters, filter_services

if TYPE_CHECKING:
    from linkwell.api.oruk.params import Proximity

LISTED_STATUSES: tuple[str, ...] = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)
ALL_STATUSES: tuple[str, ...] = tuple(ServiceStatus.values)


def listed_statuses(*, syncing: bool) -> tuple[str, ...]:
    return ALL_STATUSES if syncing else LISTED_STATUSES


def as_uuid(value: str) -> uuid.UUID | None:
    """Path ids that are not UUIDs cannot match anything: the caller answers 404, not 400,
    so an id from another system gets the same answer as one we never held."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def taxonomies(*, search: str | None = None) -> QuerySet[Taxonomy]:
    queryset = Taxonomy.objects.order_by("name", "pk")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return queryset


def taxonomy_terms(
    *,
    search: str | None = None,
    taxonomy_id: uuid.UUID | None = None,
    parent_id: uuid.UUID | None = None,
    top_only: bool = False,
) -> QuerySet[TaxonomyTerm]:
    queryset = TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by(
        "taxonomy__name", "name", "pk"
    )
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(code__iexact=search)
        )
    if taxonomy_id is not None:
        queryset = queryset.filter(taxonomy__uuid=taxonomy_id)
    if parent_id is not None:
        # A parent may be held as a row or, for feeds that cite terms we lack, only as an id.
        queryset = queryset.filter(Q(parent__uuid=parent_id) | Q(parent_uuid=parent_id))
    if top_only:
        queryset = queryset.filter(parent__isnull=True, parent_uuid__isnull=True)
    return queryset


def taxonomy_with_terms(taxonomy_id: uuid.UUID) -> Taxonomy | None:
    return (
        Taxonomy.objects.filter(uuid=taxonomy_id)
        .prefetch_related(
            Prefetch(
                "terms",
                queryset=TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by(
                    "name", "pk"
                ),
            )
        )
        .first()
    )


def taxonomy_term(term_id: uuid.UUID) -> TaxonomyTerm | None:
    return TaxonomyTerm.objects.select_related("taxonomy", "parent").filter(uuid=term_id).first()


def organizations(*, search: str | None = None) -> QuerySet[DirectoryOrganization]:
    queryset = DirectoryOrganization.objects.order_by("name", "pk")
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search)
            | Q(alternate_name__icontains=search)
            | Q(description__icontains=search)
        )
    return queryset


def organization(organization_id: uuid.UUID) -> DirectoryOrganization | None:
    """An organization with everything `organization_to_hsds(full=True)` reads. Its services
    are the listed ones (the same rule as `/services`)."""
    contacts = Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones__languages"))
    phones = Prefetch("phones", queryset=Phone.objects.prefetch_related("languages"))
    org = (
        DirectoryOrganization.objects.filter(uuid=organization_id)
        .prefetch_related(
            contacts,
            phones,
            "quality_checks",
            Prefetch(
                "locations",
                queryset=Location.objects.prefetch_related(
                    "languages", "addresses", contacts, "accessibility", phones, "schedules"
                ),
            ),
            Prefetch("services", queryset=Service.objects.filter(status__in=LISTED_STATUSES)),
        )
        .first()
    )
    if org is not None:
        hsds.attach_organization_attributes([org])
    return org


def minimal_service_page(
    *, filters: ServiceFilters, offset: int, limit: int
) -> tuple[list[tuple[uuid.UUID, dt.datetime | None, dt.datetime]], int]:
    """`minimal=true`: (uuid, source_last_modified, updated_at) of one page of matching
    services in list order (name, id), and the total. Two queries, whatever the page size."""
    services = filter_services(filters)
    rows = list(
        services.order_by(Lower("name"), "name", "pk").values_list(
            "uuid", "source_last_modified", "updated_at"
        )[offset : offset + limit]
    )
    return rows, services.count()


def service_at_location_page(
    *,
    filters: ServiceFilters,
    proximity: Proximity | None,
    offset: int,
    limit: int,
) -> tuple[list[int], int]:
    """(pks of one page of service_at_location rows, total) for services matching `filters`.

    Distance is measured from each row's own location (a SAL is a place), with the same rules
    as the directory search: a radius excludes unlocated rows; a postcode alone orders nearest
    first with unlocated rows last. Ordered by service name otherwise."""
    services = filter_services(replace(filters, point=None, within_km=None))
    queryset = ServiceAtLocation.objects.filter(service__in=services.values("pk"))
    if proximity is None:
        total = queryset.count()
        ids = list(
            queryset.order_by("service__name", "service_id", "pk").values_list("pk", flat=True)[
                offset : offset + limit
            ]
        )
        return ids, total
    point = (proximity.latitude, proximity.longitude)
    if proximity.within_km is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(point, proximity.within_km)
        queryset = queryset.filter(
            location__latitude__range=(min_lat, max_lat),
            location__longitude__range=(min_lon, max_lon),
        )
    ranked: list[tuple[float, str, int]] = []
    for pk, lat, lon, name in queryset.values_list(
        "pk", "location__latitude", "location__longitude", "service__name"
    ).iterator(chunk_size=5000):
        km = math.inf if lat is None or lon is None else haversine_km(point, (lat, lon))
        if proximity.within_km is not None and km > proximity.within_km:
            continue
        ranked.append((km, name, pk))
    ranked.sort()
    return [pk for _, _, pk in ranked[offset : offset + limit]], len(ranked)
