"""Delivery of message back letters into the recipient's record, as the transport reports it.

The transport (MESH: linkwell/mesh) sits above casework and calls these services; casework
keeps the state so the case's messages-back page and the team page can show it. One
`MessageBackDelivery` per letter, never two (the letter is its key): queueing again returns the
one there is. States: queued -> sent (MESH accepted it) -> acknowledged (the practice's system
took it); queued -> failed after the last retry, with the reason. Every change is audited in
its own transaction, with no user as the actor (the task queue does this work).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Channel
from linkwell.audit.services import audit_record
from linkwell.casework.models import MessageBackDelivery, MessageBackLetter
from linkwell.core.exceptions import ValidationFailed

Status = MessageBackDelivery.Status


def _audit(
    delivery: MessageBackDelivery, action: AuditAction, actor: User | None = None, **detail: object
) -> None:
    letter = delivery.letter
    audit_record(
        actor=actor,
        action=action,
        obj=delivery,
        organisation=letter.case.link_worker_service,
        person_id=str(letter.case.person.uuid),
        channel=None if actor else Channel.SYSTEM,
        detail={
            "letter": str(letter.uuid),
            "mailbox": delivery.mailbox,
            "status": delivery.status,
            **detail,
        },
    )


def _locked(delivery_id: int) -> MessageBackDelivery:
    return (
        MessageBackDelivery.objects.select_for_update()
        .select_related("letter__case__person", "letter__case__link_worker_service")
        .get(pk=delivery_id)
    )


def delivery_queue(
    *, letter: MessageBackLetter, mailbox: str, not_before: dt.datetime | None = None
) -> tuple[MessageBackDelivery, bool]:
    """The letter's delivery, queued to `mailbox` (to go at `not_before` or later) if it had
    none; (delivery, created)."""
    with transaction.atomic():
        delivery, created = MessageBackDelivery.objects.get_or_create(
            letter=letter, defaults={"mailbox": mailbox, "next_attempt_at": not_before}
        )
        if created:
            _audit(delivery, AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_QUEUED)
    return delivery, created


def delivery_part_sent(
    *, delivery_id: int, letter_message_id: str = "", document_message_id: str = ""
) -> MessageBackDelivery:
    """Record a message id MESH gave for one part; once every part has one, the letter is sent.
    Runs in the caller's transaction (the transport holds the row locked while it sends)."""
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if letter_message_id:
            delivery.letter_message_id = letter_message_id
        if document_message_id:
            delivery.document_message_id = document_message_id
        delivery.save(update_fields=["letter_message_id", "document_message_id", "updated_at"])
    return delivery


def delivery_sent(*, delivery_id: int) -> MessageBackDelivery:
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status != Status.QUEUED:
            return delivery
        delivery.status = Status.SENT
        delivery.attempts += 1
        delivery.sent_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
        delivery.save()
        _audit(
            delivery,
            AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_SENT,
            letter_message_id=delivery.letter_message_id,
            document_message_id=delivery.document_message_id,
        )
    return delivery


def delivery_attempt_failed(
    *, delivery_id: int, reason: str, retry_at: dt.datetime | None
) -> MessageBackDelivery:
    """Record a failed attempt: to be retried at `retry_at`, or failed for good when None."""
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status in (Status.ACKNOWLEDGED, Status.FAILED):
            return delivery
        delivery.attempts += 1
        delivery.last_error = reason[:2000]
        delivery.next_attempt_at = retry_at
        if retry_at is None:
            delivery.status = Status.FAILED
            delivery.failed_at = timezone.now()
        delivery.save()
        _audit(
            delivery,
            AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_FAILED
            if retry_at is None
            else AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_RETRYING,
            reason=delivery.last_error,
            attempts=delivery.attempts,
        )
    return delivery


def delivery_acknowledged(*, delivery_id: int) -> MessageBackDelivery:
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status != Status.SENT:
            return delivery
        delivery.status = Status.ACKNOWLEDGED
        delivery.acknowledged_at = timezone.now()
        delivery.save()
        _audit(delivery, AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_ACKNOWLEDGED)
    return delivery


def delivery_undeliverable(*, delivery_id: int, reason: str) -> MessageBackDelivery:
    """MESH accepted the letter but could not hand it over (it expired unread, say)."""
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status != Status.SENT:
            return delivery
        delivery.status = Status.FAILED
        delivery.failed_at = timezone.now()
        delivery.last_error = reason[:2000]
        delivery.save()
        _audit(delivery, AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_FAILED, reason=reason)
    return delivery


def delivery_requeue(*, actor: User | None, delivery_id: int, mailbox: str) -> MessageBackDelivery:
    """Send a failed letter again, whole, to `mailbox` (the practice's mailbox now, perhaps
    corrected): a person's decision, after checking the practice did not get it."""
    with transaction.atomic():
        delivery = _locked(delivery_id)
        if delivery.status != Status.FAILED:
            raise ValidationFailed(
                {
                    "letter": [
                        "Only a failed delivery can be sent again; this one is "
                        f"{delivery.get_status_display().lower()}."
                    ]
                }
            )
        before = delivery.mailbox
        delivery.status = Status.QUEUED
        delivery.mailbox = mailbox
        delivery.attempts = 0
        delivery.last_error = ""
        delivery.letter_message_id = delivery.document_message_id = ""
        delivery.next_attempt_at = delivery.failed_at = None
        delivery.save()
        _audit(
            delivery,
            AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_REQUEUED,
            actor=actor,
            previous_mailbox=before,
        )
    return delivery
