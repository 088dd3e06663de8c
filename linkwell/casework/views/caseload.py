"""The caseload (a link worker's day), the team page (a manager's view of load) and the .ics
calendar feed. Thin: access -> selector -> render."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import User
from linkwell.audit.access_log import log_list_access
from linkwell.audit.services import audit_access
from linkwell.casework.access import case_team_ids
from linkwell.casework.calendar import build_calendar
from linkwell.casework.caseload_forms import CaseloadFilterForm, in_sentence
from linkwell.casework.models import Case
from linkwell.casework.selectors import (
    SORT_URGENT,
    CaseloadFilters,
    calendar_appointments,
    calendar_token,
    caseload_cases,
    caseload_page,
    caseload_practices,
    due_choices,
    failed_deliveries,
    has_caseload,
    managed_team_ids,
    open_concern_count_for_lead,
    safe_level,
    team_caseloads,
    user_for_calendar_token,
    worker_visible_to,
)


def _filter_query(filters: CaseloadFilters, worker_id: str | None) -> str:
    """The query string of the applied filters (not the ignored values, not the page), for the
    page links and the links that remove one filter. The default order is left out."""
    params = {
        "worker": worker_id or "",
        "q": filters.q,
        "status": filters.status,
        "due": filters.due,
        "complexity": filters.complexity,
        "practice": filters.practice,
        "flag": filters.flag,
        "sort": "" if filters.sort == SORT_URGENT else filters.sort,
    }
    return urlencode({name: value for name, value in params.items() if value})


def _selects(form: CaseloadFilterForm, filters: CaseloadFilters) -> list[dict[str, Any]]:
    """The form's selects, showing the values applied (an ignored value shows as "Any")."""
    return [
        {"name": name, "label": label, "choices": choices, "selected": getattr(filters, name)}
        for name, label, choices in form.selects
    ]


def _applied(
    form: CaseloadFilterForm, filters: CaseloadFilters, worker_id: str | None
) -> list[dict[str, str]]:
    """Each search or filter applied, with the address of the list without it (the empty
    result offers these to loosen the search)."""
    out = []
    if filters.q:
        out.append(
            {
                "label": f"the search “{filters.q}”",
                "href": "?" + _filter_query(replace(filters, q=""), worker_id),
            }
        )
    for name, label, choices in form.selects:
        value = getattr(filters, name)
        if value and name != "sort":
            out.append(
                {
                    "label": f"{in_sentence(label)}: {dict(choices).get(value, value)}",
                    "href": "?" + _filter_query(replace(filters, **{name: ""}), worker_id),
                }
            )
    return out


def _pagination(page: Page[Case], query: str) -> dict[str, Any]:
    """The NHS.UK numbered pagination: previous and next, and the first, last and current
    pages with the current page's neighbours (ellipses between). Links keep the filters."""
    prefix = f"?{query}&" if query else "?"
    items: list[dict[str, Any]] = [
        {
            "number": number,
            "href": f"{prefix}page={number}",
            "current": number == page.number,
        }
        if isinstance(number, int)
        else {"ellipsis": True}
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    return {
        "items": items,
        "previous": f"{prefix}page={page.previous_page_number()}" if page.has_previous() else "",
        "next": f"{prefix}page={page.next_page_number()}" if page.has_next() else "",
    }


@login_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    team_ids = case_team_ids(user)
    if not team_ids:
        raise PermissionDenied("The caseload is for link workers and their team managers.")
    worker = user
    worker_id = request.GET.get("worker")
    if worker_id:
        try:
            worker = User.objects.get(uuid=uuid.UUID(worker_id))
        except (ValueError, User.DoesNotExist) as exc:
            raise Http404("No such worker") from exc
        if not worker_visible_to(user, worker):
            raise Http404("No such worker")
    now = timezone.now()
    today = timezone.localdate(now)
    cases = caseload_cases(user=user, worker=worker, today=today, now=now, team_ids=team_ids)
    form = CaseloadFilterForm(
        request.GET, practices=caseload_practices(cases), due_choices=due_choices()
    )
    filters, ignored = form.applied()
    listing = caseload_page(
        cases, filters=filters, page_number=request.GET.get("page"), today=today
    )
    log_list_access(
        request,
        [row.case for row in listing.rows],
        list_name="caseload",
        person_id=lambda case: str(case.person.uuid),
    )
    # The referrals needing attention and the outcome measures due are sections the apps above
    # casework add in the template (connections_sections, outcomes_sections).
    feed_url = None
    if worker == user:
        feed_url = request.build_absolute_uri(
            reverse("casework:calendar_feed", kwargs={"token": calendar_token(user)})
        )
    query = _filter_query(filters, worker_id if worker != user else None)
    worker_query = urlencode({"worker": worker_id}) if worker != user else ""
    return render(
        request,
        "casework/caseload.html",
        {
            "summary": listing.summary,
            "listing": listing,
            "form": form,
            "filters": filters,
            "ignored": ignored,
            "selects": _selects(form, filters),
            "applied": _applied(form, filters, worker_id if worker != user else None),
            "worker_query": worker_query,
            "pagination": _pagination(listing.page, query),
            "worker": worker,
            "worker_id": worker_id if worker != user else "",
            "own": worker == user,
            "feed_url": feed_url,
        },
    )


FAILED_DELIVERIES_SHOWN = 50


@login_required
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    team_ids = managed_team_ids(user)
    if not team_ids:
        raise PermissionDenied("The team page is for team managers.")
    undelivered = list(failed_deliveries(team_ids)[:FAILED_DELIVERIES_SHOWN])
    # Each row names a person: a read of each letter shown (at most FAILED_DELIVERIES_SHOWN).
    log_list_access(
        request,
        [delivery.letter for delivery in undelivered],
        list_name="team_failed_deliveries",
        person_id=lambda letter: str(letter.case.person.uuid),
    )
    return render(
        request,
        "casework/team.html",
        {
            "teams": team_caseloads(user=user),
            "safe_level": safe_level(),
            "open_concerns": open_concern_count_for_lead(user=user),
            "undelivered": undelivered,
        },
    )


@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 5545 feed of the worker's contacts. No session: the signed token is the credential
    (calendar apps cannot sign in); a wrong or revoked token gets a plain 404."""
    user = user_for_calendar_token(token)
    if user is None or not has_caseload(user):
        raise Http404("No such calendar")
    appointments = list(calendar_appointments(user=user))
    with transaction.atomic():
        # One event for the fetch, not one per person: apps poll every few minutes and the feed
        # shows initials and a case reference only (calendar.py says why).
        audit_access(
            actor=user,
            object_type="casework.calendar_feed",
            object_id=str(user.uuid),
            object_repr=f"Calendar feed of {user}",
            detail={"path": request.path, "events": len(appointments)},
        )
    body = build_calendar(
        appointments,
        name=f"Linkwell: {user}",
        now=timezone.now(),
        case_url=lambda case: request.build_absolute_uri(
            reverse("casework:case_detail", kwargs={"case_id": case.uuid})
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="linkwell.ics"'
    return response
