"""Safeguarding concerns for the lead: the list of open (and resolved) concerns, and the page
where the lead records the outcome and resolves one. Thin: access -> selector/service -> render.

Who sees what (casework/access.py for cases):
- The list is for team managers (and administrators) of a link-worker service, who see every
  concern raised in their teams' cases, and for anyone a concern was escalated to by name, who
  sees those. Other team members get 403 (they see a concern's existence on the case page);
  people outside every link-worker team get 404; only writable memberships count.
- A concern's page is for its named lead and the case team's managers: outsiders 404 (as for the
  case), read-only members and other link workers 403.
Every read is logged as an access event for the person concerned, as the case page does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwell.accounts.models import User
from linkwell.audit.access_log import log_access
from linkwell.audit.context import current as audit_context_current
from linkwell.audit.models import AuditEvent, Kind
from linkwell.casework import services
from linkwell.casework.access import case_team_ids, get_case_for_user, is_team_manager
from linkwell.casework.forms import copy_errors
from linkwell.casework.models import SafeguardingConcern
from linkwell.casework.selectors import case_reference, managed_team_ids
from linkwell.core.exceptions import ValidationFailed

RESOLVED_PER_PAGE = 50
RESOLVED_ACTION = "casework.safeguarding_concern_resolved"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- Reads -------------------------------------------------------------------------------------


def _concerns_for_lead(user: User) -> QuerySet[SafeguardingConcern] | None:
    """The concerns this user handles as a safeguarding lead, or None when the page is not for
    them. Raises Http404 for people in no link-worker team, so the page does not exist for them.
    """
    if not case_team_ids(user):
        raise Http404("No such page")
    writable = case_team_ids(user, write=True)
    managed = sorted(set(managed_team_ids(user)) & set(writable))
    scope = Q(case__link_worker_service_id__in=managed) | Q(
        lead=user, case__link_worker_service_id__in=writable
    )
    concerns = SafeguardingConcern.objects.filter(scope)
    if not managed and not concerns.exists():
        return None
    return concerns.select_related("case__person", "raised_by", "lead")


@dataclass
class ConcernRow:
    concern: SafeguardingConcern
    reference: str
    days_open: int
    escalated_to_me: bool
    resolved_by: str = ""


def _days(start: dt.datetime, end: dt.datetime) -> int:
    return max((end - start).days, 0)


def _resolvers(concerns: list[SafeguardingConcern]) -> dict[str, str]:
    """Who resolved each concern, from its audit row (the model keeps no resolver): one query."""
    if not concerns:
        return {}
    events = AuditEvent.objects.filter(
        action=RESOLVED_ACTION, object_id__in=[str(c.uuid) for c in concerns]
    ).values_list("object_id", "actor_label")
    return dict(events)


def _log_list_access(request: HttpRequest, user: User, concerns: list[SafeguardingConcern]) -> None:
    """One access event per concern listed, in one INSERT so the page's query count does not
    grow with the list (the same fields `audit_access` writes; cf. views/caseload.py)."""
    if not concerns:
        return
    ctx = audit_context_current()
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=now,
            kind=Kind.ACCESS,
            actor_id=user.pk,
            actor_label=user.email[:255],
            action="access",
            channel=ctx.channel,
            object_type=SafeguardingConcern._meta.label_lower,
            object_id=str(concern.uuid),
            object_repr=f"Safeguarding concern on case {concern.case.uuid}"[:255],
            person_id=str(concern.case.person.uuid),
            changes={},
            detail={"path": request.path, "method": request.method, "list": "safeguarding"},
            request_id=ctx.request_id,
            ip_address=ctx.ip_address,
        )
        for concern in concerns
    )


@login_required
def safeguarding_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scoped = _concerns_for_lead(user)
    if scoped is None:
        raise PermissionDenied(
            "The safeguarding concerns page is for team managers and safeguarding leads."
        )
    show_resolved = request.GET.get("show") == "resolved"
    now = timezone.now()
    page: Page[SafeguardingConcern] | None = None
    if show_resolved:
        paginator = Paginator(
            scoped.filter(resolved_at__isnull=False).order_by("-resolved_at", "-pk"),
            RESOLVED_PER_PAGE,
        )
        page = paginator.get_page(request.GET.get("page"))
        concerns = list(page.object_list)
        resolvers = _resolvers(concerns)
    else:
        concerns = list(scoped.filter(resolved_at__isnull=True).order_by("created_at", "pk"))
        resolvers = {}
    rows = [
        ConcernRow(
            concern=c,
            reference=case_reference(c.case),
            days_open=_days(c.created_at, c.resolved_at or now),
            escalated_to_me=c.lead_id == user.pk,
            resolved_by=resolvers.get(str(c.uuid), ""),
        )
        for c in concerns
    ]
    _log_list_access(request, user, concerns)
    open_count = len(rows) if not show_resolved else scoped.filter(resolved_at__isnull=True).count()
    return render(
        request,
        "casework/safeguarding/list.html",
        {
            "rows": rows,
            "show_resolved": show_resolved,
            "page": page,
            "open_count": open_count,
            "mine_count": sum(1 for r in rows if r.escalated_to_me and not r.concern.resolved_at),
        },
    )


# --- The concern and its outcome ---------------------------------------------------------------


def get_concern_for_user(user: User, concern_id: uuid.UUID) -> SafeguardingConcern:
    """The concern, for someone who may resolve it: its named lead or a manager of the case's
    team. Outsiders 404 (get_case_for_user), read-only members and other link workers 403."""
    concern = (
        SafeguardingConcern.objects.select_related("case", "raised_by", "lead")
        .filter(uuid=concern_id)
        .first()
    )
    if concern is None:
        raise Http404("No such concern")
    case = get_case_for_user(user, concern.case.uuid, write=True)
    if concern.lead_id != user.pk and not is_team_manager(user, case):
        raise PermissionDenied(
            "Only the named safeguarding lead or a team manager can resolve this concern."
        )
    concern.case = case
    return concern


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        help_text=(
            "What was done and decided: for example, referred to adult social care (with the "
            "reference), discussed with the GP, or no further action and why."
        ),
        max_length=services.MAX_NOTE_LENGTH,
        error_messages={
            "required": "Enter the outcome: what was done about the concern",
            "max_length": f"Use {services.MAX_NOTE_LENGTH:,} characters or fewer",
        },
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": "6"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_resolve(request: HttpRequest, concern_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    concern = get_concern_for_user(user, concern_id)
    case = concern.case
    log_access(request, concern, person_id=str(case.person.uuid))
    status = 200
    if request.method == "POST":
        form = ResolveForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.safeguarding_concern_resolve(
                    actor=user, concern=concern, outcome=form.cleaned_data["outcome"]
                )
            except ValidationFailed as exc:
                copy_errors(exc, form)
                concern.refresh_from_db(fields=["resolved_at", "outcome", "updated_at"])
                if concern.resolved_at is not None:
                    status = 409  # resolved by someone else first: show what they recorded
            else:
                messages.success(request, "The concern has been resolved and the outcome saved.")
                return redirect("casework:safeguarding_list")
    else:
        form = ResolveForm()
    resolved_by = _resolvers([concern]).get(str(concern.uuid), "") if concern.resolved_at else ""
    context: dict[str, Any] = {
        "concern": concern,
        "case": case,
        "person": case.person,
        "reference": case_reference(case),
        "days_open": _days(concern.created_at, concern.resolved_at or timezone.now()),
        "resolved_by": resolved_by,
        "form": form,
    }
    return render(request, "casework/safeguarding/resolve.html", context, status=status)
