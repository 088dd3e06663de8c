"""Reads for the public pages. No user: everything here is what the directory publishes.

Search is `directory.selectors.search_services` with the public statuses forced; the service
page loads only running services (anything else is 404, as if it did not exist) with the
public parts prefetched. Staff notes, quality checks, verification fields and the owning
tenant are never selected for display here (directory README, "Invariants"); the templates
name only public fields.
"""

from __future__ import annotations

import dataclasses
import uuid

from django.db.models import Prefetch
from django.http import Http404

from linkwell.directory.models import Contact, CostOption, Phone, Schedule, Service
from linkwell.directory.models import ServiceAtLocation as SAL
from linkwell.directory.selectors import SearchPage, ServiceFilters, search_services
from linkwell.public.forms import PUBLIC_STATUSES


def public_search(*, filters: ServiceFilters, page: int = 1, per_page: int = 20) -> SearchPage:
    """One page of running services matching `filters`; other statuses never reach the public,
    whatever the filters say."""
    return search_services(
        filters=dataclasses.replace(filters, statuses=PUBLIC_STATUSES), page=page, per_page=per_page
    )


def public_service_detail(*, service_id: uuid.UUID) -> Service:
    """A running service with everything the public page shows, in a fixed number of queries.
    Raises Http404 for unknown or not running services."""
    contacts = Contact.objects.prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("pk"))
    ).order_by("pk")
    locations = SAL.objects.select_related("location").prefetch_related(
        "location__addresses",
        "location__accessibility",
        "location__languages",
        Prefetch("location__phones", queryset=Phone.objects.order_by("pk")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
        Prefetch("contacts", queryset=contacts),
    )
    found = (
        Service.objects.filter(uuid=service_id, status__in=PUBLIC_STATUSES)
        .select_related("organization")
        .prefetch_related(
            Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
            Prefetch("cost_options", queryset=CostOption.objects.order_by("pk")),
            Prefetch("service_at_locations", queryset=locations.order_by("pk")),
            Prefetch("contacts", queryset=contacts),
            Prefetch("phones", queryset=Phone.objects.filter(contact__isnull=True).order_by("pk")),
            "languages",
            "service_areas",
            Prefetch("organization__contacts", queryset=contacts),
        )
        .first()
    )
    if found is None:
        raise Http404("No such service")
    return found


def public_services(*, service_ids: list[str]) -> dict[str, Service]:
    """Running services by uuid (as text), with what a result row shows prefetched."""
    wanted = []
    for value in service_ids:
        try:
            wanted.append(uuid.UUID(value))
        except ValueError:
            continue
    locations = SAL.objects.select_related("location").prefetch_related(
        "location__addresses",
        Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
    )
    rows = (
        Service.objects.filter(uuid__in=wanted, status__in=PUBLIC_STATUSES)
        .select_related("organization")
        .prefetch_related(
            Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
            Prefetch("cost_options", queryset=CostOption.objects.order_by("pk")),
            Prefetch("service_at_locations", queryset=locations.order_by("pk")),
        )
    )
    return {str(s.uuid): s for s in rows}
