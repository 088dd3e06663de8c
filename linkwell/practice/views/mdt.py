"""A practice's MDT page (/practice/<practice>/mdt/): the next meeting's list, adding someone,
recording each discussion, closing the meeting; and a held meeting's record. Thin: access
helper -> service or selector -> render. Every person shown is logged as read."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Organisation
from linkwell.audit.access_log import log_list_access
from linkwell.core.forms import run_form
from linkwell.practice.access import PracticeAccess, get_meeting_for_user, get_practice_for_user
from linkwell.practice.forms import AddPersonForm, DiscussionForm, HoldForm, MeetingForm
from linkwell.practice.models import MdtMeeting
from linkwell.practice.selectors.mdt import (
    MdtRow,
    main_reason,
    mdt_list,
    meeting_entries,
    next_meeting,
    past_meetings,
    practice_cases,
    reason_groups,
)
from linkwell.practice.services.mdt import (
    mdt_discussion_record,
    mdt_meeting_hold,
    mdt_meeting_schedule,
    mdt_person_add,
)


def _add_choices(
    practice: Organisation, access: PracticeAccess, rows: list[MdtRow]
) -> list[tuple[str, str]]:
    on_list = {r.case.pk for r in rows}
    return [
        (str(c.uuid), f"{c.person} ({c.person.date_of_birth:%-d %b %Y})")
        for c in practice_cases(practice=practice, team_ids=access.team_ids).order_by(
            "person__family_name", "person__given_name"
        )
        if c.pk not in on_list
    ]


ROWS_PER_PAGE = 25


def _render(
    request: AuthenticatedHttpRequest,
    practice: Organisation,
    access: PracticeAccess,
    *,
    failed: forms.Form | None = None,
    failed_case: uuid.UUID | None = None,
    status: int = 200,
) -> HttpResponse:
    meeting = next_meeting(practice=practice)
    rows = mdt_list(meeting=meeting, team_ids=access.team_ids) if meeting else []
    groups = reason_groups(rows)
    reason = request.GET.get("reason", "")
    shown = [r for r in rows if main_reason(r) == reason] if reason in groups else rows
    number = request.GET.get("page")
    if failed_case is not None:
        # A discussion that failed to save is shown again on the page that holds its row.
        at = next((i for i, r in enumerate(shown) if r.case.uuid == failed_case), 0)
        number = str(at // ROWS_PER_PAGE + 1)
    page = Paginator(shown, ROWS_PER_PAGE).get_page(number)
    log_list_access(
        request,
        [r.case for r in page.object_list],
        list_name="practice_mdt_list",
        person_id=lambda c: str(c.person.uuid),
        object_repr=lambda c: f"Case {c.uuid} on an MDT list",
    )
    context = {
        "practice": practice,
        "meeting": meeting,
        "rows": page.object_list,
        "page": page,
        "total": len(rows),
        "groups": groups,
        "reason": reason if reason in groups else "",
        "extra": f"&reason={reason}" if reason in groups else "",
        "past": past_meetings(practice=practice),
        "can_write": access.writable,
        # The case page opens only for the case's own team (casework/access.py).
        "team_ids": access.member_team_ids,
        "meeting_form": failed if isinstance(failed, MeetingForm) else MeetingForm(),
        "add_form": failed
        if isinstance(failed, AddPersonForm)
        else AddPersonForm(choices=_add_choices(practice, access, rows) if meeting else []),
        "hold_form": failed if isinstance(failed, HoldForm) else HoldForm(),
        "failed": failed,
        "failed_case": failed_case,
    }
    return render(request, "practice/mdt.html", context, status=status)


@login_required
def mdt(request: AuthenticatedHttpRequest, practice_id: uuid.UUID) -> HttpResponse:
    practice, access = get_practice_for_user(request.user, practice_id)
    return _render(request, practice, access)


@login_required
@require_POST
def meeting_new(request: AuthenticatedHttpRequest, practice_id: uuid.UUID) -> HttpResponse:
    practice, access = get_practice_for_user(request.user, practice_id, write=True)
    form = MeetingForm(request.POST)
    done = run_form(
        form,
        lambda d: mdt_meeting_schedule(
            actor=request.user, practice=practice, meeting_on=d["meeting_on"]
        ),
    )
    if not done.ok:
        return _render(request, practice, access, failed=form, status=done.status)
    messages.success(request, "Meeting added.")
    return redirect("practice:mdt", practice_id=practice.uuid)


def _meeting_for_write(
    request: AuthenticatedHttpRequest, meeting_id: uuid.UUID
) -> tuple[MdtMeeting, PracticeAccess]:
    return get_meeting_for_user(request.user, meeting_id, write=True)


@login_required
@require_POST
def person_add(request: AuthenticatedHttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting, access = _meeting_for_write(request, meeting_id)
    choices = _add_choices(meeting.practice, access, [])
    form = AddPersonForm(request.POST, choices=choices)
    done = run_form(
        form,
        lambda d: mdt_person_add(
            actor=request.user,
            meeting=meeting,
            case_id=d["case"],
            reason=d["reason"],
            team_ids=access.team_ids,
        ),
    )
    if not done.ok:
        return _render(request, meeting.practice, access, failed=form, status=done.status)
    messages.success(request, "Added to the list.")
    return redirect("practice:mdt", practice_id=meeting.practice.uuid)


@login_required
@require_POST
def discuss(
    request: AuthenticatedHttpRequest, meeting_id: uuid.UUID, case_id: uuid.UUID
) -> HttpResponse:
    meeting, access = _meeting_for_write(request, meeting_id)
    form = DiscussionForm(request.POST, auto_id=f"d-{case_id}-%s")
    done = run_form(
        form,
        lambda d: mdt_discussion_record(
            actor=request.user,
            meeting=meeting,
            case_id=case_id,
            agreed_actions=d["agreed_actions"],
            action_owner=d["action_owner"],
            next_step=d["next_step"],
            team_ids=access.team_ids,
        ),
    )
    if not done.ok:
        return _render(
            request, meeting.practice, access, failed=form, failed_case=case_id, status=done.status
        )
    messages.success(request, "Discussion recorded and added to the case notes.")
    return redirect("practice:mdt", practice_id=meeting.practice.uuid)


@login_required
@require_POST
def hold(request: AuthenticatedHttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting, access = _meeting_for_write(request, meeting_id)
    form = HoldForm(request.POST)
    done = run_form(
        form,
        lambda d: mdt_meeting_hold(actor=request.user, meeting=meeting, attendees=d["attendees"]),
    )
    if not done.ok:
        return _render(request, meeting.practice, access, failed=form, status=done.status)
    messages.success(request, "Meeting closed. The next list starts from the people still flagged.")
    return redirect("practice:meeting", meeting_id=meeting.uuid)


@login_required
def meeting(request: AuthenticatedHttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    found, access = get_meeting_for_user(request.user, meeting_id)
    entries = meeting_entries(meeting=found, team_ids=access.team_ids)
    log_list_access(
        request,
        entries,
        list_name="practice_mdt_meeting",
        person_id=lambda e: str(e.case.person.uuid),
        object_repr=lambda e: f"MDT entry for case {e.case.uuid}",
    )
    return render(request, "practice/meeting.html", {"meeting": found, "entries": entries})
