"""The case page and what a link worker does from it: status, complexity and assignment,
appointments and their outcomes, notes, safeguarding. Thin: access helper -> form -> service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import User
from linkwell.audit.access_log import log_access
from linkwell.casework import services
from linkwell.casework.access import case_team_ids, get_case_for_user
from linkwell.casework.forms import (
    AppointmentForm,
    CaseEditForm,
    NoteForm,
    OutcomeForm,
    RebookForm,
    SafeguardingForm,
    StatusForm,
)
from linkwell.casework.models import Appointment, AppointmentKind, AppointmentOutcome, Case
from linkwell.casework.selectors import case_reference, case_view
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import INVALID, STALE, apply_errors, error_text, run_form
from linkwell.core.idempotency import fresh_key


def _can_write(user: User, case: Case) -> bool:
    return case.link_worker_service_id in case_team_ids(user, write=True)


# Status buttons on the case page: (action in the URL, target status, button label, service).
STATUS_ACTIONS: dict[str, tuple[str, str, Callable[..., Case]]] = {
    "contacted": ("contacted", "Mark as contacted", services.case_mark_contacted),
    "active": ("active", "Mark as active", services.case_mark_active),
    "follow-up": ("follow_up", "Move to follow-up", services.case_mark_follow_up),
    "dormant": ("dormant", "Make dormant", services.case_make_dormant),
    "reopen": ("new", "Reopen the case", services.case_reopen),
}


def _status_buttons(case: Case) -> list[dict[str, str]]:
    buttons = []
    for action, (target, label, _) in STATUS_ACTIONS.items():
        if action == "reopen":
            allowed = case.status == "dormant"
        else:
            allowed = services.transition_error(case.status, target) is None
        if allowed:
            buttons.append({"action": action, "label": label})
    return buttons


def _case_context(request: AuthenticatedHttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    user = request.user
    view = case_view(user=user, case=case)
    return {
        "case": case,
        "person": case.person,
        "view": view,
        "reference": case_reference(case),
        "can_write": _can_write(user, case),
        "status_buttons": _status_buttons(case),
        "status_form": StatusForm(initial={"version": case.version}),
        "note_form": NoteForm(initial={"submission_key": fresh_key()}),
        "review_new_url": reverse("casework:review_new", kwargs={"case_id": case.uuid}),
        "plan_url": reverse("casework:plan_detail", kwargs={"case_id": case.uuid}),
        "today": timezone.localdate(),
        **extra,
    }


@login_required
def case_detail(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    log_access(request, case, person_id=str(case.person.uuid))
    return render(request, "casework/case_detail.html", _case_context(request, case))


def _case_edit(user: User, case: Case, data: dict[str, Any]) -> Case:
    """Apply the edit form's changes, each through its own service, moving the version on."""
    version = data["version"]
    if data["complexity"] and data["complexity"] != case.complexity:
        case = services.case_set_complexity(
            actor=user, case=case, complexity=data["complexity"], expected_version=version
        )
        version = case.version
    if (data["assigned_to"].pk if data["assigned_to"] else None) != case.assigned_to_id:
        case = services.case_reassign(
            actor=user, case=case, assigned_to=data["assigned_to"], expected_version=version
        )
        version = case.version
    if data["next_contact_due"] != case.next_contact_due:
        case = services.case_set_next_contact(
            actor=user,
            case=case,
            next_contact_due=data["next_contact_due"],
            expected_version=version,
        )
    return case


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    log_access(request, case, person_id=str(case.person.uuid))
    workers = services.assignable_workers(case)
    status = 200
    if request.method == "POST":
        form = CaseEditForm(request.POST, workers=workers)

        def edit(data: dict[str, Any]) -> Case:
            try:
                # All three or none: a refused reassignment leaves the complexity as it was.
                with transaction.atomic():
                    return _case_edit(user, case, data)
            except (ConcurrentEditError, ValidationFailed):
                case.refresh_from_db()  # changed in memory by the services; rolled back
                raise

        done = run_form(form, edit)
        if done.ok:
            messages.success(request, "The case has been updated.")
            return redirect("casework:case_detail", case_id=case.uuid)
        status = done.status
    else:
        form = CaseEditForm(
            initial={
                "complexity": case.complexity,
                "assigned_to": str(case.assigned_to.uuid) if case.assigned_to else "",
                "next_contact_due": case.next_contact_due,
                "version": case.version,
            },
            workers=workers,
        )
    return render(
        request,
        "casework/case_edit.html",
        {"case": case, "person": case.person, "form": form},
        status=status,
    )


@login_required
@require_POST
def case_status(request: AuthenticatedHttpRequest, case_id: uuid.UUID, action: str) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    if action not in STATUS_ACTIONS:
        raise Http404("No such action")
    _, _, service = STATUS_ACTIONS[action]
    form = StatusForm(request.POST)
    error: str | None = None
    stale = False
    if form.is_valid():
        try:
            service(
                actor=user,
                case=case,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationFailed, ConcurrentEditError) as exc:
            error = error_text(exc)
            stale = isinstance(exc, ConcurrentEditError)
        else:
            case.refresh_from_db()
            messages.success(request, f"The case is now {case.get_status_display().lower()}.")
            return redirect("casework:case_detail", case_id=case.uuid)
    else:
        error = "The form was incomplete: reload the page and try again."
    case.refresh_from_db()
    log_access(request, case, person_id=str(case.person.uuid))
    return render(
        request,
        "casework/case_detail.html",
        _case_context(request, case, status_error=error),
        status=STALE if stale else INVALID,
    )


def _appointment_to_change(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, appointment_id: uuid.UUID
) -> Appointment:
    """An appointment of a case the user may write to (404 if it is not that case's), its read
    logged; `appointment.case` is the case checked."""
    case = get_case_for_user(request.user, case_id, write=True)
    appointment = Appointment.objects.filter(case=case, uuid=appointment_id).first()
    if appointment is None:
        raise Http404("No such appointment")
    appointment.case = case
    log_access(request, appointment, person_id=str(case.person.uuid))
    return appointment


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    log_access(request, case, person_id=str(case.person.uuid))
    workers = services.assignable_workers(case)
    if request.method == "POST":
        form = AppointmentForm(request.POST, workers=workers)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = services.appointment_book(
                    actor=user,
                    case=case,
                    kind=data["kind"],
                    starts_at=form.starts_at(),
                    duration_minutes=data["duration_minutes"],
                    venue=data["venue"],
                    with_user=data["with_user"],
                    notes=data["notes"],
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                messages.success(
                    request,
                    f"{appointment.get_kind_display()} booked for "
                    f"{timezone.localtime(appointment.starts_at):%-d %B %Y at %H:%M}.",
                )
                return redirect("casework:case_detail", case_id=case.uuid)
        status = 400
    else:
        kind = request.GET.get("kind", AppointmentKind.WELLBEING_REVIEW)
        if kind not in AppointmentKind.values:
            kind = AppointmentKind.WELLBEING_REVIEW
        form = AppointmentForm(initial={"kind": kind}, workers=workers)
        status = 200
    return render(
        request,
        "casework/appointment_form.html",
        {"case": case, "person": case.person, "form": form, "title": "Book a contact"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_outcome(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, appointment_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    appointment = _appointment_to_change(request, case_id, appointment_id)
    case = appointment.case
    status = 200
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        done = run_form(
            form,
            lambda data: services.appointment_record_outcome(
                actor=user,
                appointment=appointment,
                outcome=data["outcome"],
                expected_version=data["version"],
                notes=data["notes"],
            ),
        )
        if done.ok:
            messages.success(request, "The outcome has been recorded.")
            if form.cleaned_data["outcome"] != AppointmentOutcome.ATTENDED:
                return redirect(
                    "casework:appointment_rebook",
                    case_id=case.uuid,
                    appointment_id=appointment.uuid,
                )
            return redirect("casework:case_detail", case_id=case.uuid)
        status = done.status
    else:
        form = OutcomeForm(initial={"version": appointment.version})
    return render(
        request,
        "casework/appointment_outcome.html",
        {"case": case, "person": case.person, "appointment": appointment, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_rebook(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, appointment_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    appointment = _appointment_to_change(request, case_id, appointment_id)
    case = appointment.case
    status = 200
    if request.method == "POST":
        form = RebookForm(request.POST)
        done = run_form(
            form,
            lambda data: services.appointment_rebook(
                actor=user,
                appointment=appointment,
                starts_at=form.starts_at(),
                expected_version=data["version"],
                venue=data["venue"] or None,
            ),
        )
        if done.result is not None:
            messages.success(
                request,
                f"Rebooked for {timezone.localtime(done.result.starts_at):%-d %B %Y at %H:%M}.",
            )
            return redirect("casework:case_detail", case_id=case.uuid)
        status = done.status
    else:
        form = RebookForm(initial={"version": appointment.version, "venue": appointment.venue})
    return render(
        request,
        "casework/appointment_rebook.html",
        {"case": case, "person": case.person, "appointment": appointment, "form": form},
        status=status,
    )


@login_required
@require_POST
def note_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(
                actor=user,
                case=case,
                text=form.cleaned_data["text"],
                sensitive=form.cleaned_data["sensitive"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationFailed as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, "The note has been added.")
            return redirect("casework:case_detail", case_id=case.uuid)
    log_access(request, case, person_id=str(case.person.uuid))
    return render(
        request,
        "casework/case_detail.html",
        _case_context(request, case, note_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_new(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    log_access(request, case, person_id=str(case.person.uuid))
    leads = services.safeguarding_leads(case)
    if request.method == "POST":
        form = SafeguardingForm(request.POST, leads=leads)
        if form.is_valid():
            try:
                concern = services.safeguarding_concern_raise(
                    actor=user,
                    case=case,
                    description=form.cleaned_data["description"],
                    lead=form.cleaned_data["lead"],
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                messages.success(
                    request, f"The concern has been logged and escalated to {concern.lead}."
                )
                return redirect("casework:case_detail", case_id=case.uuid)
        status = 400
    else:
        form = SafeguardingForm(leads=leads)
        status = 200
    return render(
        request,
        "casework/safeguarding_form.html",
        {"case": case, "person": case.person, "form": form, "leads": leads},
        status=status,
    )
