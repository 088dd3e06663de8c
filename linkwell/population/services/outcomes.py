"""The practice closes a requested entry without a referral: not suitable (with a reason), the
person declined, or could not be contacted.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.concurrency import update_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.population.models import InviteEntry, InviteStatus
from linkwell.population.services._common import _lock_requested

PRACTICE_OUTCOMES = (InviteStatus.NOT_SUITABLE, InviteStatus.DECLINED, InviteStatus.NO_CONTACT)


def invite_entry_record_outcome(
    *, actor: User, entry: InviteEntry, outcome: str, reason: str = "", expected_version: int
) -> InviteEntry:
    """The practice closes a requested entry without a referral: not suitable (reason needed),
    the person declined, or could not be contacted."""
    reason = reason.strip()
    if outcome not in PRACTICE_OUTCOMES:
        raise ValidationFailed({"outcome": ["Choose what happened"]})
    if outcome == InviteStatus.NOT_SUITABLE and not reason:
        raise ValidationFailed({"reason": ["Say why the person is not suitable"]})
    with transaction.atomic():
        current = _lock_requested(entry, expected_version)
        now = timezone.now()
        update_versioned(
            current,
            expected_version=expected_version,
            what="This invite",
            status=outcome,
            resolved_at=now,
            resolved_by=actor,
            outcome_reason=reason,
            updated_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.POPULATION_INVITE_ENTRY_CLOSED,
            obj=current,
            organisation=current.practice,
            changes={"status": [InviteStatus.REQUESTED, outcome]},
            detail={"reason": reason, "invite_list": str(current.invite_list.uuid)},
        )
    current.refresh_from_db()
    return current
