"""MDT writes: scheduling a meeting, adding someone by hand, recording a discussion (carried to
the case as a note), and closing the meeting as held. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.casework.services.notes import case_note_add
from linkwell.core.exceptions import ValidationFailed
from linkwell.practice.models import MdtEntry, MdtMeeting
from linkwell.practice.selectors.mdt import case_flags, practice_cases

MAX_TEXT = 5_000


def _text(errors: dict[str, list[str]], name: str, value: str, missing: str = "") -> str:
    value = (value or "").strip()
    if missing and not value:
        errors.setdefault(name, []).append(missing)
    elif len(value) > MAX_TEXT:
        errors.setdefault(name, []).append(f"Use {MAX_TEXT:,} characters or fewer")
    return value


def mdt_meeting_schedule(
    *, actor: User, practice: Organisation, meeting_on: dt.date | None, attendees: str = ""
) -> MdtMeeting:
    errors: dict[str, list[str]] = {}
    attendees = _text(errors, "attendees", attendees)
    if meeting_on is None:
        errors["meeting_on"] = ["Enter the date of the meeting"]
    elif meeting_on < timezone.localdate() - dt.timedelta(days=30):
        errors["meeting_on"] = ["The meeting date must be no more than 30 days ago"]
    if errors:
        raise ValidationFailed(errors)
    assert meeting_on is not None
    with transaction.atomic():
        meeting = MdtMeeting.objects.create(
            practice=practice, meeting_on=meeting_on, attendees=attendees, created_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.PRACTICE_MDT_MEETING_SCHEDULED,
            obj=meeting,
            organisation=practice,
            detail={"meeting_on": meeting_on.isoformat()},
        )
    return meeting


def _case_at_practice(meeting: MdtMeeting, case_id: uuid.UUID, team_ids: Iterable[int]) -> Case:
    case = practice_cases(practice=meeting.practice, team_ids=team_ids).filter(uuid=case_id).first()
    if case is None:
        raise ValidationFailed({"case": ["Choose someone registered at this practice"]})
    return case


def _open(meeting: MdtMeeting) -> MdtMeeting:
    locked = MdtMeeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.held_at is not None:
        raise ValidationFailed("This meeting has been held: its list is closed")
    return locked


def mdt_person_add(
    *, actor: User, meeting: MdtMeeting, case_id: uuid.UUID, reason: str, team_ids: Iterable[int]
) -> MdtEntry:
    """Add someone to a meeting's list by hand, with the reason."""
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, "Say why they should be discussed")
    if errors:
        raise ValidationFailed(errors)
    case = _case_at_practice(meeting, case_id, team_ids)
    with transaction.atomic():
        _open(meeting)
        if MdtEntry.objects.filter(meeting=meeting, case=case).exists():
            raise ValidationFailed({"case": [f"{case.person} is already on this list"]})
        entry = MdtEntry.objects.create(
            meeting=meeting, case=case, added_reason=reason, added_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.PRACTICE_MDT_PERSON_ADDED,
            obj=entry,
            object_repr=f"MDT entry for case {case.uuid}",
            organisation=meeting.practice,
            person_id=str(case.person.uuid),
            detail={"meeting": str(meeting.uuid)},
        )
    return entry


def mdt_discussion_record(
    *,
    actor: User,
    meeting: MdtMeeting,
    case_id: uuid.UUID,
    agreed_actions: str,
    action_owner: str,
    next_step: str,
    team_ids: Iterable[int],
) -> MdtEntry:
    """Record what the meeting agreed about one person on its list, and carry it to their case
    as a note. The person's flags are kept with the entry as they stood at the discussion."""
    errors: dict[str, list[str]] = {}
    agreed_actions = _text(errors, "agreed_actions", agreed_actions, "Enter what was agreed")
    action_owner = _text(errors, "action_owner", action_owner, "Say who will do it")
    next_step = _text(errors, "next_step", next_step, "Enter the next step")
    if len(action_owner) > 200:
        errors.setdefault("action_owner", []).append("Use 200 characters or fewer")
    if errors:
        raise ValidationFailed(errors)
    teams = list(team_ids)
    case = _case_at_practice(meeting, case_id, teams)
    on = max(meeting.meeting_on, timezone.localdate())
    flags = [f.as_dict() for f in case_flags([case], on=on).get(case.pk, [])]
    with transaction.atomic():
        _open(meeting)
        entry = MdtEntry.objects.select_for_update().filter(meeting=meeting, case=case).first()
        if entry is None and not flags:
            raise ValidationFailed(
                {"case": [f"{case.person} is not on this list: add them with a reason first"]}
            )
        if entry is None:
            entry = MdtEntry(meeting=meeting, case=case)
        elif entry.discussed_at is not None:
            raise ValidationFailed({"case": [f"The discussion of {case.person} is recorded"]})
        note = case_note_add(
            actor=actor,
            case=case,
            text=(
                f"Discussed at the MDT meeting at {meeting.practice} on "
                f"{meeting.meeting_on:%-d %B %Y}.\n"
                f"Agreed: {agreed_actions}\nWho: {action_owner}\nNext step: {next_step}"
            ),
        )
        entry.reasons = flags
        entry.agreed_actions = agreed_actions
        entry.action_owner = action_owner
        entry.next_step = next_step
        entry.discussed_at = timezone.now()
        entry.recorded_by = actor
        entry.case_note = note
        entry.save()
        audit_record(
            actor=actor,
            action=AuditAction.PRACTICE_MDT_DISCUSSION_RECORDED,
            obj=entry,
            object_repr=f"MDT entry for case {case.uuid}",
            organisation=meeting.practice,
            person_id=str(case.person.uuid),
            detail={"meeting": str(meeting.uuid), "reasons": [f["code"] for f in flags]},
        )
    return entry


def mdt_meeting_hold(*, actor: User, meeting: MdtMeeting, attendees: str) -> MdtMeeting:
    """Close the meeting as held, with who came. Its list is then fixed."""
    errors: dict[str, list[str]] = {}
    attendees = _text(errors, "attendees", attendees, "Enter who attended")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _open(meeting)
        if not locked.entries.filter(discussed_at__isnull=False).exists():
            raise ValidationFailed("Record at least one discussion before closing the meeting")
        locked.attendees = attendees
        locked.held_at = timezone.now()
        locked.save(update_fields=["attendees", "held_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.PRACTICE_MDT_MEETING_HELD,
            obj=locked,
            organisation=locked.practice,
            detail={"discussed": locked.entries.filter(discussed_at__isnull=False).count()},
        )
    return locked
