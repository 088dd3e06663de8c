"""Follow-up pages (the 4-week review and the check-ins): record one, read one. Thin: access
helper -> form -> service (follow_up_review.py) -> render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.access_log import log_access
from linkwell.casework.access import get_case_for_user
from linkwell.casework.follow_up_review import follow_up_record, follow_up_review_record, plan_goals
from linkwell.casework.followup import (
    follow_up_reminder_status,
    get_follow_up_for_case,
    next_contact_offer,
)
from linkwell.casework.journey_forms import FollowUpCompleteForm
from linkwell.casework.plan import get_plan
from linkwell.casework.views.review import can_write_case, case_url
from linkwell.core.forms import run_form


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_complete_view(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, follow_up_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    follow_up = get_follow_up_for_case(case, follow_up_id)
    log_access(request, follow_up, person_id=str(case.person.uuid))
    if follow_up.completed_at is not None:
        messages.info(request, f"The {follow_up.get_kind_display()} is already recorded.")
        return redirect("casework:follow_up_detail", case_id=case.uuid, follow_up_id=follow_up.uuid)
    plan = get_plan(case)
    goals = plan_goals(plan)
    status = 200
    if request.method == "POST":
        form = FollowUpCompleteForm(request.POST, goals=goals)
        submission = run_form(
            form,
            lambda data: follow_up_review_record(
                actor=user,
                follow_up=follow_up,
                data=form.to_input(),
                expected_version=data.get("version"),
                plan_version=data.get("plan_version"),
            ),
        )
        if submission.ok:
            messages.success(request, f"The {follow_up.get_kind_display()} has been recorded.")
            return redirect(
                "casework:follow_up_detail", case_id=case.uuid, follow_up_id=follow_up.uuid
            )
        # A stale form keeps the versions the user started from (it is bound to what they
        # sent), so resubmitting it is refused again until they reload.
        status = submission.status
    else:
        initial = FollowUpCompleteForm.initial_for(
            follow_up,
            plan.version if plan is not None else None,
            next_contact_offer(case, after=follow_up),
        )
        form = FollowUpCompleteForm(initial=initial, goals=goals)
    return render(
        request,
        "casework/plan_follow_up_complete.html",
        {
            "case": case,
            "person": case.person,
            "follow_up": follow_up,
            "plan": plan,
            "form": form,
            "case_url": case_url(case),
            "reminder": follow_up_reminder_status(follow_up),
        },
        status=status,
    )


@login_required
def follow_up_detail(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, follow_up_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id)
    follow_up = get_follow_up_for_case(case, follow_up_id)
    log_access(request, follow_up, person_id=str(case.person.uuid))
    can_write = can_write_case(user, case)
    if follow_up.completed_at is None and can_write:
        return redirect(
            "casework:follow_up_complete", case_id=case.uuid, follow_up_id=follow_up.uuid
        )
    return render(
        request,
        "casework/follow_up_detail.html",
        {
            "case": case,
            "person": case.person,
            "record": follow_up_record(follow_up),
            "follow_up": follow_up,
            "can_write": can_write,
            "case_url": case_url(case),
            "reminder": follow_up_reminder_status(follow_up),
        },
    )
