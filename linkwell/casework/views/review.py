"""Wellbeing review pages. Thin: access helper -> form -> service (review.py) -> render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import User
from linkwell.audit.access_log import log_access
from linkwell.casework.access import case_team_ids, get_case_for_user
from linkwell.casework.journey_forms import (
    ReviewForm,
    StrengthFormSet,
    strengths_from,
)
from linkwell.casework.models import Case
from linkwell.casework.review import (
    five_ways_rows,
    get_review_for_case,
    life_area_rows,
    review_appointment_choices,
    review_create,
    review_update,
)
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import apply_errors


def case_url(case: Case) -> str:
    """The case page."""
    return reverse("casework:case_detail", kwargs={"case_id": case.uuid})


def can_write_case(user: User, case: Case) -> bool:
    return case.link_worker_service_id in case_team_ids(user, write=True)


def _render_form(
    request: HttpRequest, case: Case, form: ReviewForm, formset: Any, *, review: Any, status: int
) -> HttpResponse:
    # A refused (stale) save keeps the version the user started from, so resubmitting the same
    # form is refused again until they reload.
    version = request.POST.get("version") if request.method == "POST" else None
    has_errors = bool(form.errors or any(f.errors for f in formset.forms))
    return render(
        request,
        "casework/review_form.html",
        {
            "case": case,
            "person": case.person,
            "review": review,
            "form": form,
            "formset": formset,
            "has_errors": has_errors,
            "version": version or (review.version if review else ""),
            "case_url": case_url(case),
        },
        status=400 if has_errors and status == 200 else status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    log_access(request, case, person_id=str(case.person.uuid))
    appointments = review_appointment_choices(case)
    if request.method == "POST":
        form = ReviewForm(request.POST, appointments=appointments)
        formset = StrengthFormSet(request.POST, prefix="strength")
        if form.is_valid() and formset.is_valid():
            try:
                review = review_create(
                    actor=user, case=case, data=form.to_input(strengths_from(formset))
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, "The wellbeing review has been saved.")
                return redirect("casework:review_detail", case_id=case.uuid, review_id=review.uuid)
    else:
        appointment = appointments[0] if appointments else None
        form = ReviewForm(
            initial={
                "held_on": timezone.localdate(),
                "appointment": str(appointment.uuid) if appointment else "",
            },
            appointments=appointments,
        )
        formset = StrengthFormSet(prefix="strength")
    return _render_form(request, case, form, formset, review=None, status=200)


@login_required
def review_detail(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, review_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id)
    review = get_review_for_case(case, review_id)
    log_access(request, review, person_id=str(case.person.uuid))
    return render(
        request,
        "casework/review_detail.html",
        {
            "case": case,
            "person": case.person,
            "review": review,
            "life_areas": life_area_rows(review),
            "five_ways": five_ways_rows(review),
            "strengths": list(review.strengths.all()),
            "can_write": can_write_case(user, case),
            "case_url": case_url(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, review_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    review = get_review_for_case(case, review_id)
    log_access(request, review, person_id=str(case.person.uuid))
    appointments = review_appointment_choices(case, current=review.appointment)
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, appointments=appointments)
        formset = StrengthFormSet(request.POST, prefix="strength")
        raw_version = request.POST.get("version", "")
        if form.is_valid() and formset.is_valid():
            try:
                review_update(
                    actor=user,
                    review=review,
                    data=form.to_input(strengths_from(formset)),
                    expected_version=int(raw_version) if raw_version.isdigit() else -1,
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, "Your changes to the wellbeing review have been saved.")
                return redirect("casework:review_detail", case_id=case.uuid, review_id=review.uuid)
    else:
        form = ReviewForm(initial=ReviewForm.initial_from(review), appointments=appointments)
        formset = StrengthFormSet(
            prefix="strength",
            initial=[
                {"kind": s.kind, "description": s.description} for s in review.strengths.all()
            ],
        )
    return _render_form(request, case, form, formset, review=review, status=status)
