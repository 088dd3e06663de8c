"""Setting and removing an organisation's MESH mailbox (audited; the command line calls these)."""

from __future__ import annotations

import re

from django.db import transaction

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.mesh.models import PracticeMailbox

# MESH mailbox ids are letters and digits (an ODS-based prefix then a suffix), e.g. A81001HC01.
MAILBOX_ID = re.compile(r"^[A-Z0-9]{4,20}$")


def normalise_mailbox_id(raw: str) -> str:
    mailbox_id = raw.strip().upper()
    if not MAILBOX_ID.match(mailbox_id):
        raise ValidationFailed(
            {
                "mailbox": [
                    f"{raw!r} is not a MESH mailbox id: use the 4 to 20 letters and digits the "
                    "practice's MESH registration gives, e.g. A81001HC01."
                ]
            }
        )
    return mailbox_id


def organisation_by_ods_code(ods_code: str) -> Organisation:
    code = ods_code.strip().upper()
    matches = list(Organisation.objects.filter(ods_code__iexact=code, is_active=True)[:2])
    if not matches:
        raise ValidationFailed({"organisation": [f"No active organisation has ODS code {code!r}."]})
    if len(matches) > 1:
        raise ValidationFailed(
            {"organisation": [f"More than one organisation has ODS code {code!r}; fix that first."]}
        )
    return matches[0]


def mailbox_set(
    *, actor: User | None, organisation: Organisation, mailbox_id: str
) -> PracticeMailbox:
    """Send this organisation's future messages back to `mailbox_id` over MESH."""
    mailbox_id = normalise_mailbox_id(mailbox_id)
    with transaction.atomic():
        mailbox, created = PracticeMailbox.objects.select_for_update().get_or_create(
            organisation=organisation, defaults={"mailbox_id": mailbox_id}
        )
        before = "" if created else mailbox.mailbox_id
        if not created and before != mailbox_id:
            mailbox.mailbox_id = mailbox_id
            mailbox.save(update_fields=["mailbox_id", "updated_at"])
        if created or before != mailbox_id:
            audit_record(
                actor=actor,
                action=AuditAction.MESH_MAILBOX_SET,
                obj=mailbox,
                organisation=organisation,
                changes={"mailbox_id": [before, mailbox_id]},
            )
    return mailbox


def mailbox_remove(*, actor: User | None, organisation: Organisation) -> bool:
    """Back to the printable letter for this organisation; False if it had no mailbox."""
    with transaction.atomic():
        mailbox = PracticeMailbox.objects.filter(organisation=organisation).first()
        if mailbox is None:
            return False
        audit_record(
            actor=actor,
            action=AuditAction.MESH_MAILBOX_REMOVED,
            obj=mailbox,
            organisation=organisation,
            changes={"mailbox_id": [mailbox.mailbox_id, ""]},
        )
        mailbox.delete()
    return True
