"""One self-assessment: its page, the form that fills it in (save as a draft, or complete),
completing or discarding a draft, and its actions.
Thin: parse -> access helper -> service/selector -> render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.coproduction.access import TeamAccess, get_action_for_user, get_assessment_for_user
from linkwell.coproduction.forms import ActionForm, ActionStatusForm, AssessmentForm, VersionForm
from linkwell.coproduction.models import ActionStatus, Assessment, AssessmentStatus
from linkwell.coproduction.questions import SCALE, Principle, question_set
from linkwell.coproduction.selectors.assessments import assessment_sections
from linkwell.coproduction.selectors.records import (
    RecordsEvidence,
    ShownEvidence,
    records_evidence,
    shown_evidence,
)
from linkwell.coproduction.services import (
    action_add,
    action_set_status,
    assessment_complete,
    assessment_discard,
    assessment_save,
)
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import INVALID, STALE, error_text, run_form

# The principles Linkwell's own figures are shown beside.
EVIDENCE_PRINCIPLES = (Principle.NETWORKS.value, Principle.BLURRING_ROLES.value)


def _figures(assessment: Assessment, access: TeamAccess) -> ShownEvidence | None:
    """Completed: the snapshot taken on completion. Draft: today's figures, as they would be
    snapshotted now."""
    if assessment.status == AssessmentStatus.COMPLETED:
        snapshot = RecordsEvidence.from_snapshot(assessment.records_snapshot)
    else:
        snapshot = records_evidence(
            organisation=assessment.organisation,
            on=min(assessment.held_on, timezone.localdate()),
        )
    return shown_evidence(snapshot, inside=access.inside) if snapshot else None


def _page(assessment: Assessment, access: TeamAccess, **extra: Any) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "access": access,
        "team": assessment.organisation,
        "question_set": question_set(assessment.question_set_version),
        "figures": _figures(assessment, access),
        "evidence_principles": EVIDENCE_PRINCIPLES,
        "scale": SCALE,
        "action_statuses": ActionStatus.choices,
        **extra,
    }


def _render_detail(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    access: TeamAccess,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "coproduction/detail.html",
        _page(
            assessment,
            access,
            sections=assessment_sections(assessment),
            version_form=VersionForm(initial={"version": assessment.version}),
            error=error,
        ),
        status=status,
    )


def _refused(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    access: TeamAccess,
    exc: ValidationFailed | ConcurrentEditError,
) -> HttpResponse:
    """A button's write refused: the page again with the reason, 409 when the record changed
    since the page was shown, else 400 (as `core.forms.run_form` answers forms)."""
    assessment.refresh_from_db()
    status = STALE if isinstance(exc, ConcurrentEditError) else INVALID
    return _render_detail(request, assessment, access, error=error_text(exc), status=status)


@require_GET
@login_required
def detail(request: AuthenticatedHttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment, access = get_assessment_for_user(request.user, assessment_id)
    return _render_detail(request, assessment, access)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: AuthenticatedHttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Fill in a draft. "Save draft" keeps partial answers; "Save and complete" completes it or,
    when something is missing, saves nothing and lists it."""
    assessment, access = get_assessment_for_user(request.user, assessment_id, write=True)
    if assessment.status != AssessmentStatus.DRAFT:
        messages.info(request, "This self-assessment is completed and can no longer be changed.")
        return redirect("coproduction:detail", assessment_id=assessment.uuid)
    qs = question_set(assessment.question_set_version)
    initial: dict[str, Any] = {
        "version": assessment.version,
        "held_on": assessment.held_on,
        "staff_count": assessment.staff_count or None,
        "staff_names": assessment.staff_names,
        "people_count": assessment.people_count or None,
        "people_names": assessment.people_names,
    }
    form = AssessmentForm(request.POST or None, question_set=qs, initial=initial)
    for s in qs.statements:
        form.fields[f"answer_{s.key.replace('.', '__')}"].initial = assessment.answers.get(s.key)
    for p in Principle.values:
        form.fields[f"evidence_{p}"].initial = assessment.evidence.get(p, "")
    status = 200
    if request.method == "POST":
        complete = request.POST.get("action") == "complete"
        result = run_form(
            form,
            lambda data: assessment_save(
                actor=request.user,
                assessment=assessment,
                expected_version=data["version"],
                held_on=data["held_on"],
                staff_count=data.get("staff_count"),
                staff_names=data.get("staff_names") or "",
                people_count=data.get("people_count"),
                people_names=data.get("people_names") or "",
                answers=form.answers(),
                evidence=form.evidence(),
                complete=complete,
            ),
            field_names=form.field_names(),
        )
        if result.ok:
            if complete:
                messages.success(request, "Self-assessment completed.")
                return redirect("coproduction:detail", assessment_id=assessment.uuid)
            messages.success(request, "Draft saved. You can come back to it later.")
            return redirect("coproduction:edit", assessment_id=assessment.uuid)
        status = result.status
    return render(
        request, "coproduction/edit.html", _page(assessment, access, form=form), status=status
    )


def _version(request: AuthenticatedHttpRequest) -> int | None:
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


@require_POST
@login_required
def complete(request: AuthenticatedHttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment, access = get_assessment_for_user(request.user, assessment_id, write=True)
    try:
        assessment_complete(
            actor=request.user, assessment=assessment, expected_version=_version(request)
        )
    except (ConcurrentEditError, ValidationFailed) as exc:
        return _refused(request, assessment, access, exc)
    messages.success(request, "Self-assessment completed.")
    return redirect("coproduction:detail", assessment_id=assessment.uuid)


@require_POST
@login_required
def discard(request: AuthenticatedHttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment, access = get_assessment_for_user(request.user, assessment_id, write=True)
    try:
        assessment_discard(
            actor=request.user, assessment=assessment, expected_version=_version(request)
        )
    except (ConcurrentEditError, ValidationFailed) as exc:
        return _refused(request, assessment, access, exc)
    messages.success(request, "Draft discarded.")
    return redirect("coproduction:team", team_id=access.organisation.uuid)


@require_http_methods(["GET", "POST"])
@login_required
def action_new(request: AuthenticatedHttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment, access = get_assessment_for_user(request.user, assessment_id, write=True)
    if assessment.status != AssessmentStatus.DRAFT:
        messages.info(request, "Actions are added while a self-assessment is a draft.")
        return redirect("coproduction:detail", assessment_id=assessment.uuid)
    form = ActionForm(request.POST or None, initial={"principle": request.GET.get("principle")})
    status = 200
    if request.method == "POST":
        result = run_form(
            form,
            lambda data: action_add(
                actor=request.user,
                assessment=assessment,
                principle=data["principle"],
                what=data["what"],
                who=data["who"],
                due_on=data["due_on"],
            ),
        )
        if result.ok:
            messages.success(request, "Action added.")
            return redirect("coproduction:detail", assessment_id=assessment.uuid)
        status = result.status
    return render(
        request,
        "coproduction/action_form.html",
        {"form": form, "assessment": assessment, "team": access.organisation},
        status=status,
    )


@require_POST
@login_required
def action_status(request: AuthenticatedHttpRequest, action_id: uuid.UUID) -> HttpResponse:
    action, access = get_action_for_user(request.user, action_id, write=True)
    form = ActionStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed({"status": ["Choose the action's status from the list"]})
        action_set_status(
            actor=request.user,
            action=action,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        )
    except (ConcurrentEditError, ValidationFailed) as exc:
        return _refused(request, action.assessment, access, exc)
    messages.success(request, "Action updated.")
    return redirect("coproduction:detail", assessment_id=action.assessment.uuid)
