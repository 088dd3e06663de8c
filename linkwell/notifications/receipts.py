"""Delivery receipts from GOV.UK Notify: the callback's JSON updates the message's record.

Notify posts one receipt per message when its status settles: `id` (Notify's), `reference`
(ours: the record's uuid), `to`, `status`, `created_at`, `completed_at`, `sent_at`,
`notification_type`. `receipt_record` is idempotent: the same receipt twice changes nothing the
second time, and a settled status is never moved back by a late one. A `permanent-failure` of a
text flags the person's number (people/services/contact.py) so reminders stop choosing texts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.notify import SMS
from linkwell.notifications.models import FINAL_STATUSES, MessageStatus, NotifyMessage
from linkwell.people.services import person_flag_sms_unreachable

RECEIPT_STATUSES = frozenset(MessageStatus.values) - {MessageStatus.NOT_SENT}
NOTIFICATION_TYPES = frozenset({"sms", "email", "letter"})


class ReceiptError(Exception):
    """The receipt is malformed; the text names the field."""


class UnknownMessage(Exception):
    """No record has this Notify id or reference."""


@dataclass(frozen=True)
class ReceiptOutcome:
    message: NotifyMessage
    changed: bool


def _when(payload: dict[str, Any], name: str) -> dt.datetime | None:
    raw = payload.get(name)
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise ReceiptError(f"`{name}` must be a date and time (ISO 8601) or null.")
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise ReceiptError(f"`{name}` is not a date and time (ISO 8601): {raw!r}.")
    if timezone.is_naive(value):  # Notify's times are UTC
        value = timezone.make_aware(value, dt.UTC)
    return value


def receipt_parse(payload: Any) -> dict[str, Any]:
    """The receipt's fields, checked; ReceiptError naming the first problem."""
    if not isinstance(payload, dict):
        raise ReceiptError("The receipt must be a JSON object.")
    notify_id = payload.get("id")
    if not isinstance(notify_id, str) or not notify_id.strip():
        raise ReceiptError("`id` (the GOV.UK Notify notification id) is missing.")
    status = payload.get("status")
    if status not in RECEIPT_STATUSES:
        raise ReceiptError(f"`status` {status!r} is not a GOV.UK Notify status.")
    kind = payload.get("notification_type")
    if kind is not None and kind not in NOTIFICATION_TYPES:
        raise ReceiptError(f"`notification_type` {kind!r} is not sms, email or letter.")
    reference = payload.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise ReceiptError("`reference` must be text or null.")
    return {
        "id": notify_id.strip(),
        "reference": reference or "",
        "status": status,
        "notification_type": kind,
        "created_at": _when(payload, "created_at"),
        "sent_at": _when(payload, "sent_at"),
        "completed_at": _when(payload, "completed_at"),
    }


def _find(notify_id: str, reference: str) -> NotifyMessage:
    query = NotifyMessage.objects.select_for_update()
    message = query.filter(notify_id=notify_id).first()
    if message is None and reference:
        try:
            ours = uuid.UUID(reference)
        except ValueError:
            ours = None
        if ours is not None:
            message = query.filter(uuid=ours, notify_id__isnull=True).first()
    if message is None:
        raise UnknownMessage(f"No message sent by Linkwell has GOV.UK Notify id {notify_id}.")
    return message


def receipt_record(payload: Any) -> ReceiptOutcome:
    """Apply one delivery receipt; ReceiptError if malformed, UnknownMessage if not ours."""
    receipt = receipt_parse(payload)
    status = receipt["status"]
    with transaction.atomic():
        message = _find(receipt["id"], receipt["reference"])
        if message.status == status or message.status in FINAL_STATUSES:
            return ReceiptOutcome(message=message, changed=False)
        previous = message.status
        now = timezone.now()
        message.status = status
        message.notify_id = receipt["id"]
        message.sent_at = receipt["sent_at"] or message.sent_at
        message.completed_at = receipt["completed_at"] or message.completed_at
        message.status_updated_at = now
        if message.failed:
            message.failure_reason = MessageStatus(status).label
        message.save(
            update_fields=[
                "status",
                "notify_id",
                "sent_at",
                "completed_at",
                "status_updated_at",
                "failure_reason",
            ]
        )
        person = message.person
        audit_record(
            actor=None,
            action=AuditAction.NOTIFICATIONS_RECEIPT_RECORDED,
            obj=message,
            person_id=str(person.uuid) if person is not None else "",
            changes={"status": [previous, status]},
            detail={"notify_id": receipt["id"], "kind": message.kind, "channel": message.channel},
        )
        if (
            status == MessageStatus.PERMANENT_FAILURE
            and message.channel == SMS
            and person is not None
        ):
            person_flag_sms_unreachable(
                person=person,
                number=message.recipient,
                reason=f"GOV.UK Notify: permanent failure of text message {receipt['id']}",
            )
    return ReceiptOutcome(message=message, changed=True)
