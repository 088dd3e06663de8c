"""Programme set-up checklists (/practice/rollouts/...): starting one (administrators), and
the programme manager's checklist with progress per stage. Thin: access helper -> service or
selector -> render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Area
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import run_form
from linkwell.practice.access import (
    get_rollout_for_user,
    get_task_for_user,
    manager_org_ids,
    organisations_for_new_rollout,
)
from linkwell.practice.forms import RolloutForm, TaskForm
from linkwell.practice.models import Rollout, RolloutTask
from linkwell.practice.selectors.rollouts import rollout_progress
from linkwell.practice.services.rollouts import rollout_start, rollout_task_update


@login_required
def rollout_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = organisations_for_new_rollout(request.user)
    areas = list(Area.objects.order_by("name"))
    form = RolloutForm(
        request.POST or None,
        organisations=[(str(o.uuid), o.name) for o in organisations],
        areas=[(str(a.uuid), a.name) for a in areas],
    )
    if request.method == "POST":

        def service(data: dict[str, Any]) -> Rollout:
            organisation = next((o for o in organisations if o.uuid == data["organisation"]), None)
            if organisation is None:
                raise ValidationFailed({"organisation": ["Choose the organisation"]})
            area = next((a for a in areas if a.uuid == data["area"]), None)
            if data["area"] and area is None:
                raise ValidationFailed({"area": ["Choose an area from the list"]})
            return rollout_start(
                actor=request.user, name=data["name"], organisation=organisation, area=area
            )

        done = run_form(form, service)
        if done.ok and done.result is not None:
            messages.success(request, "Checklist started.")
            return redirect("practice:rollout", rollout_id=done.result.uuid)
        return render(request, "practice/rollout_new.html", {"form": form}, status=done.status)
    return render(request, "practice/rollout_new.html", {"form": form})


def _render(
    request: AuthenticatedHttpRequest,
    rollout: Rollout,
    *,
    failed: TaskForm | None = None,
    failed_task: uuid.UUID | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "progress": rollout_progress(rollout=rollout),
        "can_write": rollout.organisation_id in manager_org_ids(request.user, write=True),
        "failed": failed,
        "failed_task": failed_task,
    }
    return render(request, "practice/rollout.html", context, status=status)


@login_required
def rollout(request: AuthenticatedHttpRequest, rollout_id: uuid.UUID) -> HttpResponse:
    return _render(request, get_rollout_for_user(request.user, rollout_id))


@login_required
@require_POST
def task_update(request: AuthenticatedHttpRequest, task_id: uuid.UUID) -> HttpResponse:
    task = get_task_for_user(request.user, task_id, write=True)
    form = TaskForm(request.POST, auto_id=f"t-{task.uuid}-%s")

    def service(data: dict[str, Any]) -> RolloutTask:
        return rollout_task_update(
            actor=request.user,
            task=task,
            owner=data["owner"],
            evidence_note=data["evidence_note"],
            evidence_link=data["evidence_link"],
            evidence_file=data["evidence_file"],
            done=data["done"],
        )

    done = run_form(form, service)
    if not done.ok:
        return _render(
            request, task.stage.rollout, failed=form, failed_task=task.uuid, status=done.status
        )
    messages.success(request, f"Saved: {task.title}.")
    return redirect("practice:rollout", rollout_id=task.stage.rollout.uuid)
