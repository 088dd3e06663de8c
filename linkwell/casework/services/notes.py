"""Case notes, sensitive or not."""

from __future__ import annotations

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case, CaseNote
from linkwell.core.exceptions import ValidationFailed

MAX_NOTE_LENGTH = 20_000


def case_note_add(
    *, actor: User | None, case: Case, text: str, sensitive: bool = False
) -> CaseNote:
    """A note on the case. Sensitive notes are readable only by their author, the assigned link
    worker and the team's managers (selectors.case_view)."""
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": ["Enter the note"]})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed({"text": [f"Use {MAX_NOTE_LENGTH:,} characters or fewer"]})
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
