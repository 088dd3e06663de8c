"""The suggestions page linked from the plan screen (`/matching/cases/<case>/suggestions/`).

Thin: case access helper (casework.access: other teams and outsiders 404, read-only members 403 —
the page is for acting on, like the connect search) -> selector/service -> render or redirect.
The person's record is read (and logged) by `case_profile`.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.casework.access import get_case_for_user
from linkwell.casework.views.review import case_url
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.access import get_service_for_user
from linkwell.matching.suggestions import (
    MAX_REASON,
    case_suggestions,
    get_run_for_case,
    suggestion_dismiss,
    suggestion_refer,
    suggestion_signpost,
)

ACTIONS = ("signpost", "refer", "dismiss")


@login_required
def suggestions_page(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    found = case_suggestions(actor=user, case=case, request=request)
    return render(
        request,
        "matching/case_suggestions.html",
        {
            "case": case,
            "person": case.person,
            "profile": found.case_profile,
            "run": found.run,
            "rows": found.rows,
            "words_only": found.words_only,
            "case_url": case_url(case),
            "max_reason": MAX_REASON,
        },
    )


@login_required
@require_POST
def suggestion_action(
    request: AuthenticatedHttpRequest,
    case_id: uuid.UUID,
    run_id: uuid.UUID,
    service_id: uuid.UUID,
    action: str,
) -> HttpResponse:
    user = request.user
    if action not in ACTIONS:
        raise Http404("No such action")
    case = get_case_for_user(user, case_id, write=True)
    run = get_run_for_case(case, run_id)
    service = get_service_for_user(user, service_id)
    try:
        if action == "signpost":
            suggestion_signpost(actor=user, run=run, service=service)
            messages.success(request, f"Recorded: you gave details of {service.name}.")
        elif action == "refer":
            suggestion_refer(
                actor=user,
                run=run,
                service=service,
                confirm_full=request.POST.get("confirm_full") == "1",
            )
            messages.success(request, f"Referral sent to {service.name}. They have been emailed.")
        else:
            suggestion_dismiss(
                actor=user, run=run, service=service, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                f"{service.name} is marked as not suitable and will not be suggested again.",
            )
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("matching:case_suggestions", case_id=case.uuid)
