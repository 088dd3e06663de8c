from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from linkwell.accounts.audit_trail import audit_events_for_user, can_view_audit_trail
from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import User
from linkwell.accounts.selectors import memberships_for_user
from linkwell.audit.models import Kind
from linkwell.casework.access import case_team_ids
from linkwell.casework.selectors import caseload_cases, caseload_summary
from linkwell.population.access import invite_team_ids, practice_ids
from linkwell.referrals.selectors import triage_waiting
from linkwell.volunteering.access import volunteer_members

AUDIT_PAGE_SIZE = 100


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = memberships_for_user(user=request.user)
    # A volunteer (no staff role, a community member record) starts on their own page.
    if not memberships and volunteer_members(request.user).exists():
        return redirect("volunteering:my_volunteering")
    return render(
        request, "web/home.html", {"memberships": memberships, **_work_today(request.user)}
    )


def _work_today(user: User) -> dict[str, Any]:
    """A link worker's day at a glance: referrals waiting in their teams' triage, and their own
    caseload's figures (new, to contact today, overdue), each a link to the list it counts."""
    team_ids = case_team_ids(user)
    if not team_ids:
        return {}
    now = timezone.now()
    cases = caseload_cases(
        user=user, worker=user, today=timezone.localdate(now), now=now, team_ids=team_ids
    )
    return {"caseload": caseload_summary(cases), "triage": triage_waiting(user)}


@login_required
def population_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """/population/: the invite lists this user works with, by role."""
    if invite_team_ids(request.user):
        return redirect("population:invite_lists")
    if practice_ids(request.user):
        return redirect("population:practice_invites")
    raise PermissionDenied(
        "Invite lists from proactive case finding are for link-worker teams and GP practice staff."
    )


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Administrators see the whole trail; team managers their organisations'; others 403."""
    if not can_view_audit_trail(user=request.user):
        raise PermissionDenied("The audit trail is for administrators and team managers.")
    events = audit_events_for_user(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        events = events.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/audit.html",
        {"page": page, "events": page.object_list, "kinds": Kind.choices, "kind": kind},
    )
