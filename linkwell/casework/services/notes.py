"""Case notes, sensitive or not."""

from __future__ import annotations

import uuid

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case, CaseNote
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.idempotency import create_once

MAX_NOTE_LENGTH = 20_000


def case_note_add(
    *,
    actor: User | None,
    case: Case,
    text: str,
    sensitive: bool = False,
    submission_key: uuid.UUID | None = None,
) -> CaseNote:
    """A note on the case. Sensitive notes are readable only by their author, the assigned link
    worker and the team's managers (selectors.case_view). The same `submission_key` again (a
    retried POST) returns the first note and writes nothing (`core.idempotency`)."""
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": ["Enter the note"]})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed({"text": [f"Use {MAX_NOTE_LENGTH:,} characters or fewer"]})

    def write() -> CaseNote:
        return _write_note(actor=actor, case=case, text=text, sensitive=sensitive)

    note, _created = create_once(
        submission_key, CaseNote, user_id=actor.pk if actor else None, work=write
    )
    return note


def _write_note(*, actor: User | None, case: Case, text: str, sensitive: bool) -> CaseNote:
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=actor, text=text, sensitive=sensitive)
        # The audit row records that a note was written, not what it says: the trail is read by
        # people who may not read a sensitive note.
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_CASE_NOTE_ADDED,
            obj=note,
            object_repr=f"Note on case {case.uuid}",
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"sensitive": sensitive, "length": len(text)},
        )
    return note
