"""Messages back into the GP record over MESH: queue, send, retry, track.

The flow (README.md has the why):

1. When a message back is written into a letter addressed to an organisation with a MESH
   mailbox (`PracticeMailbox`), `queue_letter` (a receiver of casework's `message_back_written`)
   queues the letter's delivery to go at the end of its day, when the day's letter is complete
   (casework gathers a day's messages for one recipient into one letter).
2. `deliver` sends it: the letter as a PDF, then its FHIR document, as two MESH messages under
   GP Connect Send Document's workflow id, each with the letter's id in its local id. Each MESH
   message id is recorded as soon as MESH accepts that part, so a retry sends only what is
   missing and never a part twice. A delivery is claimed before sending (its next attempt time
   is pushed on by `CLAIM`): two workers never send the same letter at once, and one that died
   mid-send leaves it to be retried when the claim lapses.
3. A failed attempt is retried after RETRY_SECONDS, then twice that, and so on, up to
   MAX_ATTEMPTS attempts in all; then the delivery is failed with the reason, which the case page
   and the team page show.
4. `track` asks MESH about sent letters: acknowledged once the practice's system has taken
   every part; failed if MESH reports it undeliverable.

State lives in casework (`MessageBackDelivery`, written through casework.services.delivery);
this module owns the transport.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from mesh_client import MeshClient, MeshError

from linkwell.accounts.models import User
from linkwell.casework.models import MessageBack, MessageBackDelivery, MessageBackLetter
from linkwell.casework.services.delivery import (
    delivery_acknowledged,
    delivery_attempt_failed,
    delivery_part_sent,
    delivery_queue,
    delivery_requeue,
    delivery_sent,
    delivery_undeliverable,
)
from linkwell.core.exceptions import ValidationFailed
from linkwell.fhir.documents import message_back_document, message_back_pdf
from linkwell.mesh.models import PracticeMailbox

logger = logging.getLogger(__name__)

Status = MessageBackDelivery.Status
# How long a worker holds a delivery while it sends; a worker that dies is retried after it.
CLAIM = dt.timedelta(minutes=15)
SUBJECT = "Social prescribing: message back"


def _conf() -> dict[str, Any]:
    """settings.MESH (config/settings.py: LINKWELL_MESH_*)."""
    conf: dict[str, Any] = settings.MESH
    return conf


def mesh_enabled() -> bool:
    return bool(_conf()["URL"] and _conf()["MAILBOX"])


def mesh_client() -> MeshClient:
    """A client for Linkwell's own mailbox, from settings (LINKWELL_MESH_*)."""
    conf = _conf()
    cert = (conf["CLIENT_CERT"], conf["CLIENT_KEY"]) if conf["CLIENT_CERT"] else None
    return MeshClient(
        conf["URL"],
        conf["MAILBOX"],
        conf["PASSWORD"],
        shared_key=conf["SHARED_KEY"].encode(),
        cert=cert,
        verify=conf["CA_CERT"] or None,
        max_retries=0,  # the task queue retries, with back-off
        timeout=60,
        application_name="linkwell",
    )


def _start_of_next_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _enqueue(delivery_id: int, at: dt.datetime) -> None:
    """Run `deliver_message_back` at `at` where the task backend can wait; elsewhere (the
    immediate backend) only if due now, and `linkwell mesh deliver` picks up the rest."""
    from linkwell.mesh.tasks import deliver_message_back

    if deliver_message_back.get_backend().supports_defer:
        deliver_message_back.using(run_after=at).enqueue(delivery_id)
    elif at <= timezone.now():
        deliver_message_back.enqueue(delivery_id)


def queue_letter(*, letter: MessageBackLetter, **_: Any) -> MessageBackDelivery | None:
    """Queue the letter's delivery if its recipient has a MESH mailbox (and MESH is set up);
    None means it stays a printable letter. Safe to call again: one delivery per letter."""
    if not mesh_enabled() or letter.recipient_organisation_id is None:
        return None
    mailbox = (
        PracticeMailbox.objects.filter(organisation_id=letter.recipient_organisation_id)
        .values_list("mailbox_id", flat=True)
        .first()
    )
    if not mailbox:
        return None
    at = _start_of_next_day(letter.written_on)
    delivery, created = delivery_queue(letter=letter, mailbox=mailbox, not_before=at)
    if created:
        transaction.on_commit(lambda: _enqueue(delivery.pk, at))
    return delivery


def on_message_back_written(
    sender: type[MessageBack], *, letter: MessageBackLetter, **kwargs: Any
) -> None:
    queue_letter(letter=letter)


def resend(*, actor: User | None, letter_id: uuid.UUID) -> MessageBackDelivery:
    """Send a letter whose delivery failed again, whole, to its recipient's mailbox as it is now
    (`linkwell mesh resend`); refused if it has not failed or the recipient has no mailbox."""
    delivery = (
        MessageBackDelivery.objects.filter(letter__uuid=letter_id)
        .select_related("letter__recipient_organisation")
        .first()
    )
    if delivery is None:
        raise ValidationFailed({"letter": [f"No letter {letter_id} was sent over MESH."]})
    organisation_id = delivery.letter.recipient_organisation_id
    mailbox = (
        PracticeMailbox.objects.filter(organisation_id=organisation_id)
        .values_list("mailbox_id", flat=True)
        .first()
        if organisation_id is not None
        else None
    )
    if not mailbox:
        raise ValidationFailed(
            {"letter": ["Its recipient no longer has a MESH mailbox: print the letter instead."]}
        )
    with transaction.atomic():
        delivery = delivery_requeue(actor=actor, delivery_id=delivery.pk, mailbox=mailbox)
        transaction.on_commit(lambda: _enqueue(delivery.pk, timezone.now()))
    return delivery


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take the delivery for one attempt if it is queued and due; False if not (not yet due,
    already sent or failed, or another worker has it)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        MessageBackDelivery.objects.filter(due, pk=delivery_id, status=Status.QUEUED).update(
            next_attempt_at=now + CLAIM
        )
    )


def _fhir_document(letter: MessageBackLetter) -> bytes:
    """The letter's FHIR document Bundle (linkwell/fhir/documents.py) as JSON."""
    return json.dumps(message_back_document(letter), separators=(",", ":")).encode()


def _reason(exc: Exception) -> str:
    """What went wrong, in words a team manager can act on."""
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        response = exc.response
        detail = ""
        try:
            body = response.json()
            detail = body.get("errorDescription") or body.get("detail") or ""
        except ValueError:
            detail = response.text[:200]
        return f"MESH refused the message (HTTP {response.status_code}): {detail}".strip(": ")
    if isinstance(exc, MeshError):
        message = next((arg for arg in exc.args if isinstance(arg, str)), type(exc).__name__)
        codes = [
            str(item.get("code"))
            for arg in exc.args
            if isinstance(arg, dict)
            for item in arg.get("detail") or []
            if isinstance(item, dict) and item.get("code")
        ]
        suffix = f" (MESH error {', '.join(codes)})" if codes else ""
        return f"MESH refused the message: {message}{suffix}."
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return f"Could not reach MESH at {_conf()['URL']}: {type(exc).__name__}."
    return f"The MESH transfer failed: {type(exc).__name__}: {exc}"


def _send_parts(delivery: MessageBackDelivery) -> None:
    letter = delivery.letter
    workflow_id = _conf()["WORKFLOW_ID"]
    with mesh_client() as client:
        if not delivery.letter_message_id:
            message_id = client.send_message(
                delivery.mailbox,
                message_back_pdf(letter),
                workflow_id=workflow_id,
                filename=f"message-back-{letter.uuid}.pdf",
                local_id=f"{letter.uuid}-letter",
                subject=SUBJECT,
                content_type="application/pdf",
            )
            delivery = delivery_part_sent(delivery_id=delivery.pk, letter_message_id=message_id)
        if not delivery.document_message_id:
            message_id = client.send_message(
                delivery.mailbox,
                _fhir_document(letter),
                workflow_id=workflow_id,
                filename=f"message-back-{letter.uuid}.json",
                local_id=f"{letter.uuid}-document",
                subject=SUBJECT,
                content_type="application/fhir+json",
            )
            delivery_part_sent(delivery_id=delivery.pk, document_message_id=message_id)


def deliver(delivery_id: int, *, now: dt.datetime | None = None) -> MessageBackDelivery:
    """One attempt to send a queued, due delivery; retried later with back-off if it fails."""
    now = now or timezone.now()
    if _claim(delivery_id, now):
        delivery = MessageBackDelivery.objects.select_related(
            "letter__recipient_organisation", "letter__case"
        ).get(pk=delivery_id)
        try:
            _send_parts(delivery)
        except Exception as exc:
            reason = _reason(exc)
            logger.warning("MESH delivery %s failed: %s", delivery_id, reason)
            attempts = delivery.attempts + 1
            conf = _conf()
            retry_at = None
            if attempts < conf["MAX_ATTEMPTS"]:
                retry_at = now + dt.timedelta(seconds=conf["RETRY_SECONDS"] * 2 ** (attempts - 1))
            failed = delivery_attempt_failed(
                delivery_id=delivery_id, reason=reason, retry_at=retry_at
            )
            if retry_at is not None:
                transaction.on_commit(lambda: _enqueue(delivery_id, retry_at))
            return failed
        return delivery_sent(delivery_id=delivery_id)
    return MessageBackDelivery.objects.get(pk=delivery_id)


def deliver_due(*, now: dt.datetime | None = None) -> int:
    """Attempt every queued delivery that is due; how many were sent."""
    now = now or timezone.now()
    due = MessageBackDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), status=Status.QUEUED
    ).order_by("next_attempt_at", "pk")
    sent = 0
    for delivery_id in list(due.values_list("pk", flat=True)):
        sent += deliver(delivery_id, now=now).status == Status.SENT
    return sent


def track(delivery_id: int) -> MessageBackDelivery:
    """Ask MESH whether the practice has taken a sent letter."""
    delivery = MessageBackDelivery.objects.get(pk=delivery_id)
    if delivery.status != Status.SENT:
        return delivery
    ids = [i for i in (delivery.letter_message_id, delivery.document_message_id) if i]
    try:
        with mesh_client() as client:
            reports = [client.track_message(message_id) for message_id in ids]
    except Exception as exc:
        logger.warning("MESH tracking of delivery %s failed: %s", delivery_id, _reason(exc))
        return delivery
    statuses = [str(report.get("status") or "").lower() for report in reports]
    for report, status in zip(reports, statuses, strict=True):
        if status in ("undeliverable", "error"):
            reason = report.get("status_description") or f"MESH reports the message {status}."
            return delivery_undeliverable(delivery_id=delivery_id, reason=str(reason))
    if statuses and all(status == "acknowledged" for status in statuses):
        return delivery_acknowledged(delivery_id=delivery_id)
    return delivery


def track_sent() -> int:
    """Track every sent letter; how many the practices have now acknowledged."""
    acknowledged = 0
    sent = MessageBackDelivery.objects.filter(status=Status.SENT).order_by("sent_at", "pk")
    for delivery_id in list(sent.values_list("pk", flat=True)):
        acknowledged += track(delivery_id).status == Status.ACKNOWLEDGED
    return acknowledged
