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
from linkwell.people.access import get_person_for_user, people_for_team, team_ids
from linkwell.people.selectors import person_duplicate_candidates
from linkwell.people.services import person_merge
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
