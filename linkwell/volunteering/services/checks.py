"""Recording a member's DBS checks, references and training courses, and supervision sessions.

Records are added, not edited: a renewed DBS check is a new record, and `checks.check_state`
reads the latest. Dates may not be in the future nor before 1990 (a typing slip).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.volunteering.models import (
    CheckKind,
    CheckRecord,
    CommunityMember,
    Course,
    DbsLevel,
    Supervision,
)

EARLIEST = dt.date(1990, 1, 1)
NOTE_LIMIT = 300
SUPERVISION_NOTES_LIMIT = 5000


def _date_errors(name: str, day: Any, what: str) -> dict[str, list[str]]:
    if not isinstance(day, dt.date):
        return {name: [f"Enter the date {what}"]}
    if day > timezone.localdate():
        return {name: [f"The date {what} cannot be in the future"]}
    if day < EARLIEST:
        return {name: [f"The date {what} must be in {EARLIEST.year} or later"]}
    return {}


def check_record(
    *,
    actor: User,
    member: CommunityMember,
    kind: str,
    done_on: dt.date | None,
    dbs_level: str = "",
    course: str = "",
    note: str = "",
) -> CheckRecord:
    """Record a DBS check (with its level and the date checked), a reference (the date
    received) or a training course (which one, and the date completed)."""
    note = " ".join((note or "").split())
    errors: dict[str, list[str]] = {}
    what = {
        CheckKind.DBS: "it was checked",
        CheckKind.REFERENCE: "it was received",
        CheckKind.TRAINING: "it was completed",
    }
    if kind not in CheckKind.values:
        errors["kind"] = ["Choose a DBS check, a reference or training"]
    else:
        errors.update(_date_errors("done_on", done_on, what[CheckKind(kind)]))
    if kind == CheckKind.DBS and dbs_level not in DbsLevel.values:
        errors["dbs_level"] = ["Choose the level of the DBS check"]
    if kind == CheckKind.TRAINING and course not in Course.values:
        errors["course"] = ["Choose the training course"]
    if len(note) > NOTE_LIMIT:
        errors["note"] = [f"The note must be {NOTE_LIMIT} characters or fewer"]
    if errors:
        raise ValidationFailed(errors)
    assert done_on is not None
    with transaction.atomic():
        record = CheckRecord.objects.create(
            member=member,
            kind=kind,
            dbs_level=dbs_level if kind == CheckKind.DBS else "",
            course=course if kind == CheckKind.TRAINING else "",
            done_on=done_on,
            note=note,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_CHECK_RECORDED,
            obj=record,
            object_repr=f"{record.get_kind_display()} for {member}",
            organisation=member.organisation,
            changes={"done_on": [None, done_on]},
            detail={
                "member": str(member.uuid),
                "kind": kind,
                "dbs_level": record.dbs_level,
                "course": record.course,
            },
        )
    return record


def supervision_record(
    *, actor: User, member: CommunityMember, held_on: dt.date | None, notes: str = ""
) -> Supervision:
    """Record a supervision session with the volunteer."""
    notes = (notes or "").strip()
    errors = _date_errors("held_on", held_on, "it was held")
    if len(notes) > SUPERVISION_NOTES_LIMIT:
        errors["notes"] = [f"Notes must be {SUPERVISION_NOTES_LIMIT} characters or fewer"]
    if errors:
        raise ValidationFailed(errors)
    assert held_on is not None
    with transaction.atomic():
        session = Supervision.objects.create(
            member=member, held_on=held_on, held_by=actor, notes=notes
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_SUPERVISION_RECORDED,
            obj=session,
            object_repr=f"Supervision for {member}",
            organisation=member.organisation,
            changes={"held_on": [None, held_on]},
            detail={"member": str(member.uuid)},
        )
    return session
