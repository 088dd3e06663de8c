"""What Linkwell learned about reaching a person: a number texts cannot be delivered to.

`person_flag_sms_unreachable` runs when GOV.UK Notify reports a permanent failure for a text
(linkwell/notifications/receipts.py). The flag names the number, so a corrected number on the
record is not flagged; reminders choose email or a phone call while it stands
(casework/followup.py, `reminder_route`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.people.models import Person


def person_flag_sms_unreachable(
    *, person: Person, number: str, reason: str, at: dt.datetime | None = None
) -> bool:
    """Flag `number` as unable to receive texts, if it is still the person's number.

    False (nothing written) when the record has a different number now, or is already flagged
    for this one: a receipt delivered twice changes nothing the second time."""
    at = at or timezone.now()
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        candidate = Person(phone=current.phone, sms_unreachable_number=number)
        if not candidate.sms_unreachable or current.sms_unreachable:
            return False
        previous = [current.sms_unreachable_number, current.sms_unreachable_at]
        Person.objects.filter(pk=current.pk).update(
            sms_unreachable_number=number, sms_unreachable_at=at
        )
        audit_record(
            actor=None,
            action=AuditAction.PEOPLE_SMS_UNREACHABLE_FLAGGED,
            obj=current,
            person_id=str(current.uuid),
            changes={
                "sms_unreachable_number": [previous[0], number],
                "sms_unreachable_at": [previous[1], at],
            },
            detail={"reason": reason},
        )
    person.sms_unreachable_number, person.sms_unreachable_at = number, at
    return True
