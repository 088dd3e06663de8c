"""Plan and "send the plan to the person" pages. Thin: access -> form -> service."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.access_log import log_access
from linkwell.casework.access import get_case_for_user
from linkwell.casework.followup import follow_ups_for_case
from linkwell.casework.journey_forms import (
    ActionFormSet,
    AgreeForm,
    GoalFormSet,
    PlanForm,
    plan_input_from,
)
from linkwell.casework.plan import (
    action_set_done,
    get_plan,
    plan_agree,
    plan_print_context,
    plan_save,
    plan_send_to_person,
)
from linkwell.casework.review import reviews_for_case
from linkwell.casework.views.review import can_write_case, case_url
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import apply_errors
from linkwell.core.notify import NotifyError


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
def plan_detail(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id)
    plan = get_plan(case)
    log_access(request, plan or case, person_id=str(case.person.uuid))
    context = plan_print_context(case, plan)
    context.update(
        {
            "follow_ups": list(follow_ups_for_case(case)),
            "reviews": list(reviews_for_case(case)[:5]),
            "can_write": can_write_case(user, case),
            "agree_form": AgreeForm(
                initial={"version": plan.version if plan else 0, "agreed_on": timezone.localdate()}
            ),
            "case_url": case_url(case),
        }
    )
    return render(request, "casework/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    plan = get_plan(case)
    log_access(request, plan or case, person_id=str(case.person.uuid))
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        goals = GoalFormSet(request.POST, prefix="goal")
        actions = ActionFormSet(request.POST, prefix="action")
        if form.is_valid() and goals.is_valid() and actions.is_valid():
            try:
                plan_save(
                    actor=user,
                    case=case,
                    data=plan_input_from(form, goals, actions),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, "The plan has been saved.")
                return redirect("casework:plan_detail", case_id=case.uuid)
    else:
        form = PlanForm(
            initial={
                "version": plan.version if plan else None,
                "moving_forward": plan.moving_forward if plan else "",
            }
        )
        goals = GoalFormSet(
            prefix="goal",
            initial=[
                {"id": g.uuid, "text": g.text, "target_date": g.target_date, "status": g.status}
                for g in (plan.goals.order_by("created_at", "pk") if plan else [])
            ],
        )
        actions = ActionFormSet(
            prefix="action",
            initial=[
                {
                    "id": a.uuid,
                    "text": a.text,
                    "owner": a.owner,
                    "due_on": a.due_on,
                    "done": a.done_at is not None,
                }
                for a in (plan.actions.order_by("created_at", "pk") if plan else [])
            ],
        )
    has_errors = bool(
        form.errors or any(f.errors for f in goals.forms) or any(f.errors for f in actions.forms)
    )
    return render(
        request,
        "casework/plan_form.html",
        {
            "case": case,
            "person": case.person,
            "plan": plan,
            "form": form,
            "goals": goals,
            "actions": actions,
            "has_errors": has_errors,
            "case_url": case_url(case),
        },
        status=400 if has_errors and status == 200 else status,
    )


@login_required
@require_POST
def plan_agree_view(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    plan = get_plan(case)
    form = AgreeForm(request.POST)
    if plan is None:
        messages.error(request, "Write the plan before recording that it is agreed.")
    elif not form.is_valid():
        for field_errors in form.errors.values():
            for form_error in field_errors:
                messages.error(request, str(form_error))
    else:
        try:
            plan_agree(
                actor=user,
                plan=plan,
                agreed_on=form.cleaned_data["agreed_on"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            for errors in exc.errors.values():
                for error in errors:
                    messages.error(request, error)
        except ConcurrentEditError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, "The plan is agreed. Follow-ups are scheduled and the referrer is told."
            )
    return redirect("casework:plan_detail", case_id=case.uuid)


@login_required
@require_POST
def plan_action_done(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, action_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    plan = get_plan(case)
    version = _version(request)
    if plan is None or version is None:
        messages.error(request, "That action is no longer on the plan. Reload the page.")
    else:
        try:
            action = action_set_done(
                actor=user,
                plan=plan,
                action_id=action_id,
                done=request.POST.get("done") == "1",
                expected_version=version,
            )
        except ConcurrentEditError as exc:
            messages.error(request, str(exc))
        else:
            state = "done" if action.done_at else "not done"
            messages.success(request, f"“{action.text}” is marked as {state}.")
    return redirect("casework:plan_detail", case_id=case.uuid)


@login_required
def plan_print(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The plain-language plan for the person; `?large=1` for large print."""
    user = request.user
    case = get_case_for_user(user, case_id)
    plan = get_plan(case)
    log_access(request, plan or case, person_id=str(case.person.uuid), detail={"print": True})
    context: dict[str, Any] = plan_print_context(case, plan)
    context["large"] = request.GET.get("large") == "1"
    context["case_url"] = case_url(case)
    return render(request, "casework/plan_print.html", context)


@login_required
@require_POST
def plan_send(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    plan = get_plan(case)
    if plan is None:
        messages.error(request, "Write the plan before sending it.")
        return redirect("casework:plan_detail", case_id=case.uuid)
    try:
        result = plan_send_to_person(actor=user, plan=plan)
    except (ValidationFailed, NotifyError) as exc:
        text = (
            " ".join(m for ms in exc.errors.values() for m in ms)
            if isinstance(exc, ValidationFailed)
            else str(exc)
        )
        messages.error(request, text)
    else:
        if result.method == "email" and result.sent:
            messages.success(request, f"The plan has been emailed to {result.to}.")
        elif result.method == "letter" and result.sent:
            messages.success(
                request,
                f"The plan has been sent to GOV.UK Notify to print and post to {result.to}.",
            )
        elif result.method in ("email", "letter"):
            messages.warning(
                request,
                f"The plan was not {'emailed' if result.method == 'email' else 'posted'} to "
                f"{result.to}: {result.outcome}. "
                "Print it and give it to them.",
            )
        else:
            messages.success(
                request,
                f"The plan is marked to be posted to {result.to}. "
                "Print the large-print version and post it.",
            )
    return redirect("casework:plan_detail", case_id=case.uuid)
