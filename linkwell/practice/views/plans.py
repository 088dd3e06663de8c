"""A practice's action plan (/practice/<practice>/plan/): its own figures beside the agreed
actions, each with its owner, due date, status and dated reviews. Thin: access helper ->
service or selector -> render."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Organisation
from linkwell.core.forms import run_form
from linkwell.practice.access import PracticeAccess, get_action_for_user, get_practice_for_user
from linkwell.practice.forms import ActionForm, ReviewForm
from linkwell.practice.selectors.figures import practice_figures
from linkwell.practice.selectors.plans import practice_actions
from linkwell.practice.services.plans import practice_action_add, practice_action_review


def _render(
    request: AuthenticatedHttpRequest,
    practice: Organisation,
    access: PracticeAccess,
    *,
    failed: forms.Form | None = None,
    failed_action: uuid.UUID | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "practice": practice,
        "figures": practice_figures(practice=practice, suppressed=access.is_practice_staff_only),
        "actions": practice_actions(practice=practice),
        "can_write": access.writable,
        "action_form": failed if isinstance(failed, ActionForm) else ActionForm(),
        "failed": failed,
        "failed_action": failed_action,
        "review_form": ReviewForm(),
    }
    return render(request, "practice/plan.html", context, status=status)


@login_required
def plan(request: AuthenticatedHttpRequest, practice_id: uuid.UUID) -> HttpResponse:
    practice, access = get_practice_for_user(request.user, practice_id)
    return _render(request, practice, access)


@login_required
@require_POST
def action_new(request: AuthenticatedHttpRequest, practice_id: uuid.UUID) -> HttpResponse:
    practice, access = get_practice_for_user(request.user, practice_id, write=True)
    form = ActionForm(request.POST)
    done = run_form(
        form,
        lambda d: practice_action_add(
            actor=request.user,
            practice=practice,
            title=d["title"],
            owner=d["owner"],
            due_on=d["due_on"],
            why=d["why"],
        ),
    )
    if not done.ok:
        return _render(request, practice, access, failed=form, status=done.status)
    messages.success(request, "Action added to the plan.")
    return redirect("practice:plan", practice_id=practice.uuid)


@login_required
@require_POST
def action_review(request: AuthenticatedHttpRequest, action_id: uuid.UUID) -> HttpResponse:
    action, access = get_action_for_user(request.user, action_id, write=True)
    form = ReviewForm(request.POST, auto_id=f"r-{action.uuid}-%s")
    done = run_form(
        form,
        lambda d: practice_action_review(
            actor=request.user,
            action=action,
            reviewed_on=d["reviewed_on"],
            status=d["status"],
            notes=d["notes"],
        ),
    )
    if not done.ok:
        return _render(
            request,
            action.practice,
            access,
            failed=form,
            failed_action=action.uuid,
            status=done.status,
        )
    messages.success(request, "Review recorded.")
    return redirect("practice:plan", practice_id=action.practice.uuid)
