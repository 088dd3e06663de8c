"""ServiceDocs from the application database (the plan screen and "what could help me").

`service_docs_from_db()` reads the running (active) services with everything the engine uses, in
a constant number of queries whatever the directory's size (tested): services with their
organisation, schedules, costs, languages, phones, venues (addresses, access, languages,
schedules), provider quality checks; then taxonomy attributes in one query and open referrals in
one query.

`open_referrals` counts referrals sent to the provider and not yet answered (`requested`): they
will take places the provider's published `capacity_available` does not yet reflect (accepted
ones are the provider's to count). The same rules as the file loader (`documents.py`) apply, so a
service ranks the same whether it comes from the database or from `linkwell directory export`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.directory.models import (
    Attribute,
    AttributeLinkEntity,
    Location,
    ReferralMode,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from linkwell.directory.quality import QAStatus, quality_summary
from linkwell.matching.documents import (
    Place,
    ServiceDoc,
    Session,
    cost_from_options,
    language_code,
    mentions_transport,
    sessions_from_schedule,
)
from linkwell.matching.engine import Matcher


def services_for_matching(queryset: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """Running services with the joins and prefetches `service_doc_from_model` reads."""
    qs = queryset if queryset is not None else Service.objects.all()
    return (
        qs.filter(status=ServiceStatus.ACTIVE)
        .select_related("organization")
        .prefetch_related(
            "organization__quality_checks",
            "schedules",
            "cost_options",
            "languages",
            "phones",
            "service_areas",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "schedules",
                    "location__addresses",
                    "location__accessibility",
                    "location__languages",
                ),
            ),
        )
        .order_by("pk")
    )


def service_docs_from_db(
    *, at: dt.datetime | None = None, queryset: QuerySet[Service] | None = None
) -> list[ServiceDoc]:
    """Running services as ServiceDocs (ids are the services' public uuids, as in exports).
    `at` is the date quality assurance is judged on (default: now)."""
    today = (at or timezone.now()).date()
    services = list(services_for_matching(queryset))
    if not services:
        return []
    uuids = [s.uuid for s in services]
    terms: dict[uuid.UUID, list[tuple[str, str]]] = defaultdict(list)
    attributes = (
        Attribute.objects.filter(link_entity=AttributeLinkEntity.SERVICE, link_uuid__in=uuids)
        .select_related("taxonomy_term")
        .order_by("pk")
    )
    for attribute in attributes:
        term = attribute.taxonomy_term
        terms[attribute.link_uuid].append((term.name, term.code))
    waiting = dict(
        Connection.objects.filter(
            service__in=[s.pk for s in services],
            kind=ConnectionKind.REFERRAL,
            status=ConnectionStatus.REQUESTED,
        )
        .values_list("service_id")
        .annotate(n=Count("pk"))
        .values_list("service_id", "n")
    )
    return [
        service_doc_from_model(
            s, terms=terms.get(s.uuid, []), open_referrals=waiting.get(s.pk, 0), today=today
        )
        for s in services
    ]


def _session_rows(service: Service) -> list[Any]:
    rows = list(service.schedules.all())
    for sal in service.service_at_locations.all():
        rows.extend(x for x in sal.schedules.all() if x.service_id in (None, service.pk))
    seen: set[int] = set()
    out = []
    for row in rows:
        if row.pk not in seen:
            seen.add(row.pk)
            out.append(row)
    return out


def service_doc_from_model(
    service: Service,
    *,
    terms: list[tuple[str, str]],
    open_referrals: int = 0,
    today: dt.date | None = None,
) -> ServiceDoc:
    """One prefetched Service -> ServiceDoc (no queries)."""
    places: list[Place] = []
    access: list[str] = []
    languages: list[str] = []
    transport_texts: list[str] = []
    for sal in service.service_at_locations.all():
        location = sal.location
        if location.location_type == Location.LocationType.VIRTUAL:
            continue
        addresses = list(location.addresses.all())
        address = addresses[0] if addresses else None
        places.append(
            Place(
                latitude=location.latitude,
                longitude=location.longitude,
                address=str(address) if address else location.name,
                postcode=address.postal_code if address else "",
                transportation=location.transportation,
                name=location.name,
            )
        )
        access.extend(
            " ".join(p for p in (a.description, a.details) if p)
            for a in location.accessibility.all()
        )
        languages.extend(language_code(x.code or x.name) for x in location.languages.all())
        transport_texts.append(location.transportation)
    languages = [
        *dict.fromkeys(
            [*(language_code(x.code or x.name) for x in service.languages.all()), *languages]
        )
    ]
    sessions: list[Session] = []
    for row in _session_rows(service):
        sessions.extend(
            sessions_from_schedule(
                {
                    "byday": row.byday,
                    "interval": row.interval,
                    "opens_at": row.opens_at.isoformat() if row.opens_at else "",
                    "closes_at": row.closes_at.isoformat() if row.closes_at else "",
                    "valid_from": str(row.valid_from or row.dtstart or ""),
                    "valid_to": str(row.valid_to or row.until or ""),
                }
            )
        )
    free, amount, cost_text = cost_from_options(
        [(o.amount, f"{o.option} {o.amount_description}") for o in service.cost_options.all()],
        service.fees_description,
    )
    checks = list(service.organization.quality_checks.all())
    quality: bool | None = None
    if checks:
        quality = quality_summary(checks, today=today).status != QAStatus.LAPSED
    elif service.assured_date:
        quality = True
    names = [name for name, _ in terms]
    phones = list(service.phones.all())
    modified = service.source_last_modified or service.updated_at
    return ServiceDoc(
        id=str(service.uuid),
        name=service.name,
        description=service.description,
        organization=service.organization.name,
        taxonomy_terms=tuple(dict.fromkeys(names)),
        taxonomy_codes=tuple(dict.fromkeys(code for _, code in terms if code)),
        status=service.status,
        min_age=service.minimum_age,
        max_age=service.maximum_age,
        eligibility=service.eligibility_description,
        locations=tuple(places),
        schedules=tuple(sessions),
        free=free,
        cost_amount=amount,
        cost_text=cost_text,
        accessibility=tuple(a for a in access if a),
        languages=tuple(c for c in languages if c),
        interpretation=bool(service.interpretation_services.strip()),
        capacity_available=service.capacity_available,
        capacity_maximum=service.capacity_maximum,
        open_referrals=open_referrals,
        accepts_referrals=service.referral_mode == ReferralMode.ACCEPTS_REFERRALS,
        last_verified=service.last_verified_at.date() if service.last_verified_at else None,
        last_modified=modified.date() if modified else None,
        quality_assured=quality,
        provides_transport=mentions_transport(
            [service.description, service.eligibility_description, *transport_texts, *names]
        ),
        url=service.url,
        email=service.email,
        phone=phones[0].number if phones else "",
        extra_text=tuple(t for t in transport_texts if t),
        areas=tuple(
            text
            for area in service.service_areas.all()
            for text in (area.name, area.description)
            if text
        ),
    )


def matcher_from_db(*, at: dt.datetime | None = None) -> Matcher:
    """A Matcher over the running services, with the default encoder. Service vectors are cached
    in the process (`engine._service_vectors`), so building one per request re-encodes only new
    or edited listings — but the first build embeds every listing and blocks for it: web views
    use `linkwell.matching.cache.matcher()` instead, which embeds a cold directory in the
    background."""
    return Matcher(service_docs_from_db(at=at))
