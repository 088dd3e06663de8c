"""Safeguarding concerns for the lead: the list of open (and resolved) concerns, and the page
where the lead records the outcome and resolves one. Thin: access -> selector/service -> render.

Who sees what:
- The list is for team managers (and administrators) of a link-worker service, who see every
  concern raised in their teams' cases, and for anyone a concern was escalated to by name, who
  sees those. Other team members get 403 (they see a concern's existence on the case page);
  people outside every link-worker team get 404; only writable memberships count
  (selectors.safeguarding_concerns_for_lead).
- A concern's page is for its named lead and the case team's managers: outsiders 404 (as for the
  case), read-only members and other link workers 403 (access.get_concern_for_user).
Every read is logged as an access event for the person concerned, as the case page does.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.access_log import log_access, log_list_access
from linkwell.casework import services
from linkwell.casework.access import get_concern_for_user
from linkwell.casework.forms import SafeguardingResolveForm
from linkwell.casework.selectors import (
    case_reference,
    concern_days_open,
    safeguarding_concern_list,
    safeguarding_concerns_for_lead,
)
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import apply_errors


@login_required
def safeguarding_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    scoped = safeguarding_concerns_for_lead(user=user)
    if scoped is None:
        raise PermissionDenied(
            "The safeguarding concerns page is for team managers and safeguarding leads."
        )
    show_resolved = request.GET.get("show") == "resolved"
    listing = safeguarding_concern_list(
        user=user, concerns=scoped, show_resolved=show_resolved, page_number=request.GET.get("page")
    )
    log_list_access(
        request,
        listing.concerns,
        list_name="safeguarding",
        person_id=lambda concern: str(concern.case.person.uuid),
        object_repr=lambda concern: f"Safeguarding concern on case {concern.case.uuid}",
    )
    return render(
        request,
        "casework/safeguarding/list.html",
        {
            "rows": listing.rows,
            "show_resolved": show_resolved,
            "page": listing.page,
            "open_count": listing.open_count,
            "mine_count": listing.mine_count,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_resolve(request: AuthenticatedHttpRequest, concern_id: uuid.UUID) -> HttpResponse:
    user = request.user
    concern = get_concern_for_user(user, concern_id, resolve=True)
    case = concern.case
    log_access(request, concern, person_id=str(case.person.uuid))
    status = 200
    if request.method == "POST":
        form = SafeguardingResolveForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.safeguarding_concern_resolve(
                    actor=user, concern=concern, outcome=form.cleaned_data["outcome"]
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
                concern.refresh_from_db(
                    fields=["resolved_at", "resolved_by", "outcome", "updated_at"]
                )
                if concern.resolved_at is not None:
                    status = 409  # resolved by someone else first: show what they recorded
            else:
                messages.success(request, "The concern has been resolved and the outcome saved.")
                return redirect("casework:safeguarding_list")
    else:
        form = SafeguardingResolveForm()
    context: dict[str, Any] = {
        "concern": concern,
        "case": case,
        "person": case.person,
        "reference": case_reference(case),
        "days_open": concern_days_open(concern, timezone.now()),
        "form": form,
    }
    return render(request, "casework/safeguarding/resolve.html", context, status=status)
