"""Finding services: the staff search page and the service page.

Who may use them: anyone signed in with an active membership (access.can_view_directory); the
directory is shared across organisations. A signed-in user with no membership gets 403 on the
search page (the page is not a secret; the message tells them why) and 404 on a service page
(access.get_service_for_user never reveals whether a listing exists).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.services import audit_access
from linkwell.directory import access
from linkwell.directory.harvest.selectors import listing_sources, merged_into
from linkwell.directory.models import Service
from linkwell.directory.presentation import capacity_text, cost_text, miles, schedules_of
from linkwell.directory.presentation import schedule_text as _schedule_text
from linkwell.directory.quality import quality_summary
from linkwell.directory.search_forms import STAFF_STATUSES, ServiceSearchForm
from linkwell.directory.selectors import (
    SearchPage,
    ServiceFilters,
    located_services,
    search_services,
    service_detail_for_user,
)

PER_PAGE = 20


def _row(service: Service) -> dict[str, Any]:
    """What one result shows, computed from prefetched data only (no queries)."""
    sessions = [_schedule_text(s) for s in schedules_of(service)]
    first_location = next(iter(service.service_at_locations.all()), None)
    address = None
    if first_location is not None:
        address = next(iter(first_location.location.addresses.all()), None)
    return {
        "service": service,
        "distance": miles(getattr(service, "distance_km", None)),
        "sessions": sessions[:2],
        "more_sessions": max(0, len(sessions) - 2),
        "cost": cost_text(service.cost_options.all()),
        "capacity": capacity_text(service),
        "quality": quality_summary(service.organization.quality_checks.all()),
        "stale": service.is_stale(),
        "address": address,
    }


def _page_links(request: HttpRequest, page: SearchPage) -> list[dict[str, Any]]:
    params = request.GET.copy()
    links: list[dict[str, Any]] = []
    for number in range(1, page.total_pages + 1):
        if number not in (1, page.total_pages) and abs(number - page.page) > 2:
            if links and not links[-1].get("ellipsis"):
                links.append({"ellipsis": True})
            continue
        params["page"] = str(number)
        links.append(
            {"number": number, "href": "?" + params.urlencode(), "current": number == page.page}
        )
    return links


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_view_directory(user):
        raise PermissionDenied("You need an active membership of an organisation to search.")
    form = ServiceSearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "searched": False}
    if request.GET and not form.is_valid():
        return render(request, "directory/search.html", context)
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    # No parameters: list every active service (a first look at what is there).
    filters = form.filters() if request.GET else ServiceFilters(statuses=STAFF_STATUSES)
    page = search_services(filters=filters, page=page_number, per_page=PER_PAGE)
    context.update(
        searched=bool(request.GET) and form.has_query,
        page=page,
        rows=[_row(s) for s in page.items],
        page_links=_page_links(request, page),
        markers=located_services(page.items),
        map_tile_url=settings.MAP_TILE_URL,
        map_tile_attribution=settings.MAP_TILE_ATTRIBUTION,
        point=filters.point,
    )
    if page.has_previous or page.has_next:
        params = request.GET.copy()
        if page.has_previous:
            params["page"] = str(page.page - 1)
            context["previous_url"] = "?" + params.urlencode()
        if page.has_next:
            params["page"] = str(page.page + 1)
            context["next_url"] = "?" + params.urlencode()
    return render(request, "directory/search.html", context)


@login_required
def service_detail(request: AuthenticatedHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    user = request.user
    service = service_detail_for_user(user=user, service_id=service_id)
    org = service.organization
    locations = list(service.service_at_locations.all())
    contacts = list(service.contacts.all()) + [c for sal in locations for c in sal.contacts.all()]
    if not contacts:
        contacts = list(org.contacts.all())
    if any(c.name for c in contacts):
        # Named people are personal data: log who looked (DESIGN: every read is audited).
        audit_access(actor=user, obj=service, detail={"reason": "contact details viewed"})
    now = timezone.now()
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "organization": org,
            "locations": locations,
            "sessions": [_schedule_text(s) for s in schedules_of(service)],
            "cost": cost_text(service.cost_options.all()),
            "cost_options": list(service.cost_options.all()),
            "capacity": capacity_text(service),
            "contacts": contacts,
            "phones": list(service.phones.all()),
            "languages": list(service.languages.all()),
            "service_areas": list(service.service_areas.all()),
            "quality": quality_summary(org.quality_checks.all()),
            "quality_checks": sorted(
                org.quality_checks.all(), key=lambda c: (c.kind, c.expires_on)
            ),
            "show_quality_detail": access.can_see_quality_detail(user, org),
            "show_staff_notes": access.can_see_staff_notes(user, org),
            "stale": service.is_stale(now),
            "can_edit": access.can_edit_organization(user, org),
            "feed_sources": listing_sources(service),
            "merged_into": merged_into(service),
        },
    )
