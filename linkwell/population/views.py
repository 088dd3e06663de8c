"""Invite lists: the link-worker team's pages and the practice's confirmation pages.

Thin: parse -> access helper -> service/selector -> render.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Organisation, User
from linkwell.audit.services import audit_access
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import apply_errors, run_form
from linkwell.people.access import people_known_to
from linkwell.people.models import Person
from linkwell.people.services import PossibleDuplicates
from linkwell.population.access import (
    get_invite_entry_for_practice,
    get_invite_list_for_user,
    invite_team_ids,
    practice_ids,
)
from linkwell.population.forms import ConfirmForm, OutcomeForm, SelectionForm, UploadForm
from linkwell.population.models import InviteEntry, InviteList, InviteStatus
from linkwell.population.selectors import (
    invite_entries_for_practice,
    invite_list_practices,
    invite_lists_for_team,
    invite_requests_for_practice_user,
    invite_teams,
)
from linkwell.population.services import (
    MAX_UPLOAD_BYTES,
    InviteListRejected,
    invite_entries_not_suitable,
    invite_entries_request,
    invite_entry_confirm,
    invite_entry_record_outcome,
    invite_list_upload,
)
from linkwell.referrals.forms import ERROR_FIELDS
from linkwell.referrals.models import Referral

LISTS_PAGE_SIZE = 25
ENTRIES_PAGE_SIZE = 50


# --- the link-worker team ----------------------------------------------------------------------


@login_required
def invite_lists(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    teams = invite_teams(user)
    if not teams:
        if practice_ids(user):
            return redirect("population:practice_invites")
        raise PermissionDenied("Invite lists are for link-worker teams and GP practices.")
    team = teams[0]
    wanted = request.GET.get("team")
    if wanted:
        found = next((t for t in teams if str(t.uuid) == wanted), None)
        if found is None:
            raise Http404("No such team")
        team = found
    page = Paginator(invite_lists_for_team(user=user, team=team), LISTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "population/invite_lists.html",
        {
            "teams": teams,
            "team": team,
            "page": page,
            "can_write": team.pk in invite_team_ids(user, write=True),
            "extra": f"&team={team.uuid}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not invite_team_ids(user):
        raise PermissionDenied("Invite lists are for link-worker teams.")
    teams = list(
        Organisation.objects.filter(pk__in=invite_team_ids(user, write=True)).order_by("name")
    )
    if not teams:
        raise PermissionDenied("You have read-only access and cannot upload invite lists.")
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        teams=teams,
    )
    rejected: InviteListRejected | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if (upload.size or 0) > MAX_UPLOAD_BYTES:  # refuse before reading it into memory
                form.add_error("file", f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
                return render(
                    request,
                    "population/invite_upload.html",
                    {"form": form, "rejected": None},
                    status=400,
                )
            try:
                invite_list = invite_list_upload(
                    actor=user,
                    service=form.chosen_team(),
                    filename=upload.name or "",
                    data=upload.read(),
                    run_date=form.cleaned_data["run_date"],
                )
            except InviteListRejected as exc:
                rejected = exc
                form.add_error("file", exc.summary)
            except ValidationFailed as exc:
                apply_errors(exc, form, field_names=ERROR_FIELDS)
            else:
                messages.success(
                    request,
                    f"Uploaded {invite_list.entry_count} people on {invite_list.cohort} "
                    f"version {invite_list.cohort_version}.",
                )
                return redirect("population:invite_list", list_id=invite_list.uuid)
        status = 400
    return render(
        request,
        "population/invite_upload.html",
        {"form": form, "rejected": rejected},
        status=status,
    )


def _detail(
    request: AuthenticatedHttpRequest,
    invite_list: InviteList,
    *,
    form: SelectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    practices = invite_list_practices(invite_list=invite_list)
    practice: Organisation | None = practices[0].practice if practices else None
    wanted = request.GET.get("practice") or request.POST.get("practice")
    if wanted:
        practice = next((s.practice for s in practices if str(s.practice.uuid) == wanted), None)
        if practice is None:
            raise Http404("No such practice on this list")
    status_filter = request.GET.get("status", "")
    if status_filter not in InviteStatus.values:
        status_filter = ""
    page = None
    if practice is not None:
        page = Paginator(
            invite_entries_for_practice(
                invite_list=invite_list, practice=practice, status=status_filter
            ),
            ENTRIES_PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    audit_access(
        actor=user,
        obj=invite_list,
        detail={"practice": practice, "page": page.number if page else None},
    )
    return render(
        request,
        "population/invite_list.html",
        {
            "invite_list": invite_list,
            "practices": practices,
            "practice": practice,
            "page": page,
            "status_filter": status_filter,
            "statuses": InviteStatus.choices,
            "extra": (f"&practice={practice.uuid}" if practice else "")
            + (f"&status={status_filter}" if status_filter else ""),
            "form": form or SelectionForm(entry_ids=[]),
            "can_write": invite_list.link_worker_service_id in invite_team_ids(user, write=True),
        },
        status=status,
    )


@login_required
def invite_list(request: AuthenticatedHttpRequest, list_id: uuid.UUID) -> HttpResponse:
    return _detail(request, get_invite_list_for_user(request.user, list_id))


@login_required
@require_POST
def invite_list_select(request: AuthenticatedHttpRequest, list_id: uuid.UUID) -> HttpResponse:
    user = request.user
    invite_list = get_invite_list_for_user(user, list_id, write=True)
    form = SelectionForm(request.POST, entry_ids=request.POST.getlist("entries"))
    if form.is_valid():
        try:
            ids = [uuid.UUID(e) for e in form.cleaned_data["entries"]]
        except ValueError:
            form.add_error("entries", "Choose people from this list only")
        else:
            try:
                if form.cleaned_data["action"] == "request":
                    chosen = invite_entries_request(
                        actor=user, invite_list=invite_list, entry_ids=ids
                    )
                    done = f"Asked the practice to confirm {len(chosen)} {_people(len(chosen))}."
                else:
                    chosen = invite_entries_not_suitable(
                        actor=user,
                        invite_list=invite_list,
                        entry_ids=ids,
                        reason=form.cleaned_data["reason"],
                    )
                    done = f"Marked {len(chosen)} {_people(len(chosen))} as not suitable."
            except ValidationFailed as exc:
                apply_errors(exc, form, field_names=ERROR_FIELDS)
            else:
                messages.success(request, done)
                url = reverse("population:invite_list", kwargs={"list_id": invite_list.uuid})
                practice = request.POST.get("practice", "")
                return redirect(f"{url}?practice={practice}" if practice else url)
    return _detail(request, invite_list, form=form, status=400)


def _people(n: int) -> str:
    return "person" if n == 1 else "people"


# --- the practice ------------------------------------------------------------------------------


@login_required
def practice_invites(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not practice_ids(user):
        raise PermissionDenied("This page is for GP practice staff.")
    show_all = request.GET.get("show") == "all"
    page = Paginator(
        invite_requests_for_practice_user(user=user, open_only=not show_all), ENTRIES_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "population/practice_invites.html",
        {"page": page, "show_all": show_all, "extra": "&show=all" if show_all else ""},
    )


def _entry_context(
    request: AuthenticatedHttpRequest,
    entry: InviteEntry,
    *,
    confirm_form: ConfirmForm | None = None,
    outcome_form: OutcomeForm | None = None,
    candidates: list[Any] | None = None,
) -> dict[str, Any]:
    user = request.user
    return {
        "entry": entry,
        "invite_list": entry.invite_list,
        "can_write": entry.practice_id in practice_ids(user, write=True),
        "confirm_form": confirm_form or ConfirmForm(initial={"version": entry.version}),
        "outcome_form": outcome_form or OutcomeForm(initial={"version": entry.version}),
        "candidates": candidates or [],
        "nhs_match": any(c.same_nhs_number for c in candidates or []),
    }


def _resolve_choice(user: User, choice: str) -> Person | None:
    try:
        person_id = uuid.UUID(choice)
    except ValueError:
        return None
    return people_known_to(user).filter(uuid=person_id).first()


@login_required
@require_http_methods(["GET", "POST"])
def practice_invite(request: AuthenticatedHttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    user = request.user
    entry = get_invite_entry_for_practice(user, entry_id, write=request.method == "POST")
    if request.method == "GET":
        audit_access(actor=user, obj=entry)
        return render(request, "population/practice_invite.html", _entry_context(request, entry))
    form = ConfirmForm(request.POST)
    candidates: list[Any] = []
    person = None
    choice = ""
    if form.is_valid():
        choice = form.cleaned_data.get("person_choice", "")
        if choice and choice != "new":
            person = _resolve_choice(user, choice)
            if person is None:
                form.add_error(None, "Choose one of the records shown, or say it is someone new")

    def confirm(data: dict[str, Any]) -> Referral | None:
        try:
            return invite_entry_confirm(
                actor=user,
                entry=entry,
                details=form.person_details(),
                consent_to_contact=bool(data.get("consent_to_contact")),
                expected_version=data["version"],
                person=person,
                confirm_new_person=choice == "new",
            )
        except PossibleDuplicates as exc:
            candidates.extend(exc.candidates)
            return None

    done = run_form(form, confirm, field_names=ERROR_FIELDS)
    if done.result is not None:
        referral = done.result
        messages.success(
            request,
            f"Identity confirmed. Referral sent to {referral.link_worker_service.name}. "
            f"Reference {referral.reference}.",
        )
        return redirect("population:practice_invites")
    return render(
        request,
        "population/practice_invite.html",
        _entry_context(request, entry, confirm_form=form, candidates=candidates),
        # Possible duplicates are a question for the user, not an error.
        status=200 if done.ok else done.status,
    )


@login_required
@require_POST
def practice_invite_outcome(request: AuthenticatedHttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    user = request.user
    entry = get_invite_entry_for_practice(user, entry_id, write=True)
    form = OutcomeForm(request.POST)
    done = run_form(
        form,
        lambda data: invite_entry_record_outcome(
            actor=user,
            entry=entry,
            outcome=data["outcome"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        field_names=ERROR_FIELDS,
    )
    if done.ok:
        messages.success(request, "Recorded. The link-worker team will see the outcome.")
        return redirect("population:practice_invites")
    return render(
        request,
        "population/practice_invite.html",
        _entry_context(request, entry, outcome_form=form),
        status=done.status,
    )
