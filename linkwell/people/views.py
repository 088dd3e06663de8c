"""The person page (for the case team) and merging duplicate records. Thin views."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.services import audit_access
from linkwell.core.forms import run_form
from linkwell.people.access import (
    get_person_for_editing,
    get_person_for_user,
    people_for_team,
    team_ids,
)
from linkwell.people.forms import PersonEditForm
from linkwell.people.selectors import (
    DuplicateCandidate,
    person_duplicate_candidates,
    postcode_warning,
)
from linkwell.people.services import PossibleDuplicates, person_merge, person_update
from linkwell.people.validation import format_nhs_number


class MergeForm(forms.Form):
    keep_version = forms.IntegerField(widget=forms.HiddenInput)
    duplicate_version = forms.IntegerField(widget=forms.HiddenInput)


@login_required
def person_detail(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    user = request.user
    person = get_person_for_user(user, person_id)
    audit_access(actor=user, obj=person, person_id=str(person.uuid))
    teams = team_ids(user)
    # Only this user's teams' cases and referrals: another team's work is not theirs to see.
    cases = person.cases.filter(link_worker_service_id__in=teams).select_related(
        "link_worker_service", "assigned_to"
    )
    referrals = (
        person.referrals.filter(link_worker_service_id__in=teams)
        .select_related("link_worker_service", "referrer_organisation")
        .prefetch_related("reasons")
    )
    duplicates = []
    if person.merged_into_id is None:
        duplicates = person_duplicate_candidates(
            people=people_for_team(user),
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
            nhs_number=person.nhs_number,
            exclude=person,
        )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "nhs_number": format_nhs_number(person.nhs_number),
            "postcode_warning": postcode_warning(person),
            "cases": cases,
            "referrals": referrals,
            "duplicates": duplicates,
            "can_write": bool(team_ids(user, write=True)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_merge_view(
    request: AuthenticatedHttpRequest, person_id: uuid.UUID, duplicate_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    keep = get_person_for_user(user, person_id, write=True)
    duplicate = get_person_for_user(user, duplicate_id, write=True)
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        initial={"keep_version": keep.version, "duplicate_version": duplicate.version},
    )
    status = 200
    if request.method == "POST":
        done = run_form(
            form,
            lambda data: person_merge(
                actor=user,
                keep=keep,
                duplicate=duplicate,
                expected_keep_version=data["keep_version"],
                expected_duplicate_version=data["duplicate_version"],
            ),
        )
        if done.ok:
            messages.success(request, f"Records merged. {keep} has the combined history.")
            return redirect("people:detail", person_id=keep.uuid)
        status = done.status
    else:
        for person in (keep, duplicate):
            audit_access(actor=user, obj=person, person_id=str(person.uuid))
    return render(
        request,
        "people/person_merge.html",
        {"keep": keep, "duplicate": duplicate, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedHttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Correct or complete a person's record. A change that makes it look like another record
    shows the possible duplicates first, and saves only once the user says it is someone else."""
    user = request.user
    person, on_team = get_person_for_editing(user, person_id)
    form = PersonEditForm(request.POST if request.method == "POST" else None, person=person)
    candidates: list[DuplicateCandidate] = []
    status = 200
    if request.method == "POST":

        def save(data: dict[str, object]) -> object:
            return person_update(
                actor=user,
                person=person,
                details=form.person_details(),
                expected_version=form.cleaned_data["version"],
                confirm_not_duplicate=bool(form.cleaned_data.get("confirm_not_duplicate")),
            )

        try:
            done = run_form(form, save, field_names={"date_of_birth": "dob_day"})
        except PossibleDuplicates as exc:
            candidates = exc.candidates
        else:
            if done.ok:
                messages.success(
                    request, f"{person.given_name} {person.family_name}'s details are saved."
                )
                if on_team:
                    return redirect("people:detail", person_id=person.uuid)
                return redirect("referrals:sent")
            status = done.status
    else:
        audit_access(actor=user, obj=person, person_id=str(person.uuid))
    return render(
        request,
        "people/person_edit.html",
        {"person": person, "form": form, "candidates": candidates, "on_team": on_team},
        status=status,
    )
