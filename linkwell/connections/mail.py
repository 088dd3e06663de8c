"""Emails to providers and the signed accept/decline link they carry (no sign-in needed).

- `referral_link_token`: a TimestampSigner token (salted) naming the connection's uuid and the
  `version` it was sent at. Accepting or declining bumps the version and moves the referral out
  of "requested", so a link works once; it also expires after REFERRAL_LINK_MAX_AGE_DAYS.
  GET on the link shows the page (mail scanners follow links: a GET never acts); POST acts.
- Emails say which service and give the reference and the link, never the person's details:
  an inbox is not a safe place for health data. The page behind the link shows `shared` only.
- Sending is claimed first and mailed after the claim commits (as the directory's reminders do),
  so a slow mail server never holds the database's write lock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.connections.services import connection_accept, connection_reject
from linkwell.connections.workdays import add_working_days
from linkwell.core import notify
from linkwell.core.exceptions import ConcurrentEditError, LinkwellError
from linkwell.directory.services import reminder_recipients

_SALT = "linkwell.connections.referral-link"


class ReferralLinkError(LinkwellError):
    """An emailed link that cannot be used; `reason` picks the page: expired, invalid, used."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def link_max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.REFERRAL_LINK_MAX_AGE_DAYS)


def referral_link_token(connection: Connection) -> str:
    signer = signing.TimestampSigner(salt=_SALT)
    return signer.sign_object({"c": str(connection.uuid), "v": connection.version})


def referral_link_url(connection: Connection) -> str:
    path = reverse("connections:referral_link", kwargs={"token": referral_link_token(connection)})
    return f"{settings.SITE_URL}{path}"


def connection_from_link(token: str, *, lock: bool = False) -> Connection:
    """The referral a link is for, if it can still be answered; else ReferralLinkError."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        payload = signer.unsign_object(token, max_age=link_max_age())
        connection_id, version = uuid.UUID(payload["c"]), int(payload["v"])
    except signing.SignatureExpired as exc:
        raise ReferralLinkError(
            "expired",
            f"This link has expired: links in referral emails work for "
            f"{settings.REFERRAL_LINK_MAX_AGE_DAYS} days. Sign in to answer the referral.",
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ReferralLinkError(
            "invalid", "This link is not valid. Check you copied the whole link from the email."
        ) from exc
    rows = Connection.objects.select_related(
        "service", "service__organization", "case", "case__person", "case__link_worker_service"
    ).filter(uuid=connection_id, kind=ConnectionKind.REFERRAL)
    if lock:
        rows = rows.select_for_update(of=("self",))
    connection = rows.first()
    if connection is None:
        raise ReferralLinkError("invalid", "This referral is no longer in Linkwell.")
    if connection.status != ConnectionStatus.REQUESTED or connection.version != version:
        raise ReferralLinkError(
            "used",
            "This referral has already been answered "
            f"(it is now {connection.get_status_display().lower()}), so the link no longer "
            "works. Sign in to see it.",
        )
    return connection


def connection_accept_by_link(*, token: str) -> Connection:
    with transaction.atomic():
        connection = connection_from_link(token, lock=True)
        try:
            return connection_accept(
                actor=None,
                connection=connection,
                expected_version=connection.version,
                via_link=True,
            )
        except ConcurrentEditError as exc:  # pragma: no cover - the lock above prevents it
            raise ReferralLinkError("used", str(exc)) from exc


def connection_reject_by_link(*, token: str, reason: str, detail: str = "") -> Connection:
    with transaction.atomic():
        connection = connection_from_link(token, lock=True)
        try:
            return connection_reject(
                actor=None,
                connection=connection,
                expected_version=connection.version,
                reason=reason,
                detail=detail,
                via_link=True,
            )
        except ConcurrentEditError as exc:  # pragma: no cover - the lock above prevents it
            raise ReferralLinkError("used", str(exc)) from exc


# --- Emails ------------------------------------------------------------------------------------


def _context(connection: Connection) -> dict[str, Any]:
    return {
        "connection": connection,
        "service": connection.service,
        "reference": connection.uuid.hex[:8].upper(),
        "respond_by": connection.respond_by,
        "link_url": referral_link_url(connection),
        "link_days": settings.REFERRAL_LINK_MAX_AGE_DAYS,
        "inbox_url": f"{settings.SITE_URL}{reverse('connections:provider_inbox')}",
        "link_worker_service": connection.case.link_worker_service.name,
    }


def _send(connection: Connection, template: str, recipients: list[str], kind: str) -> str:
    """One email per recipient through `linkwell.core.notify` (NotifyError if one fails).
    Returns "sent", or the reason they did not leave Linkwell (the development backend)."""
    context = _context(connection)
    subject = notify.render_text(f"connections/email/{template}_subject.txt", context).strip()
    body = notify.render_text(f"connections/email/{template}.txt", context)
    outcomes = {
        notify.notify(
            channel=notify.EMAIL,
            to=recipient,
            subject=subject,
            body=body,
            kind=kind,
            about=f"{connection._meta.label_lower}:{connection.uuid}",
        ).outcome
        for recipient in recipients
    }
    return "sent" if outcomes == {"sent"} else min(outcomes - {"sent"})


def _load(connection_id: str) -> Connection | None:
    return (
        Connection.objects.select_related(
            "service", "service__organization", "case", "case__person", "case__link_worker_service"
        )
        .filter(uuid=connection_id, kind=ConnectionKind.REFERRAL)
        .first()
    )


def connection_send_referral_email(*, connection_id: str) -> bool:
    """Tell the provider a referral is waiting. False if nobody to tell or already answered."""
    connection = _load(connection_id)
    if connection is None or connection.status != ConnectionStatus.REQUESTED:
        return False
    recipients = reminder_recipients(connection.service)
    if not recipients:
        return False
    outcome = _send(
        connection, "referral_request", recipients, notify.MessageKind.CONNECTION_REFERRAL
    )
    with transaction.atomic():
        audit_record(
            actor=None,
            action=(
                AuditAction.CONNECTIONS_REFERRAL_EMAIL_SENT
                if outcome == "sent"
                else AuditAction.CONNECTIONS_REFERRAL_EMAIL_NOT_SENT
            ),
            obj=connection,
            organisation=connection.case.link_worker_service,
            person_id=str(connection.case.person.uuid),
            detail={"recipients": len(recipients), "outcome": outcome},
        )
    return True


def connections_due_reminder(*, today: dt.date | None = None) -> Any:
    """Requested, unanswered, not reminded, and due within REMIND_WORKING_DAYS_BEFORE.

    `respond_by` is always a working day, so "N working days before respond_by is today or
    earlier" is the same as "respond_by is at most N working days after today"."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, settings.REFERRAL_REMIND_WORKING_DAYS_BEFORE)
    return Connection.objects.filter(
        kind=ConnectionKind.REFERRAL,
        status=ConnectionStatus.REQUESTED,
        response_reminder_sent_at__isnull=True,
        respond_by__gte=today,
        respond_by__lte=horizon,
    ).order_by("respond_by", "pk")


def connection_send_response_reminder(
    *, connection: Connection, now: dt.datetime | None = None
) -> bool:
    """Remind the provider to answer before the window lapses; claimed once, then emailed.
    If the mail fails the claim is undone (a later run retries) and the error is raised."""
    now = now or timezone.now()
    recipients = reminder_recipients(connection.service)
    if not recipients:
        return False
    with transaction.atomic():
        claimed = (
            connections_due_reminder(today=timezone.localdate(now))
            .filter(pk=connection.pk)
            .update(response_reminder_sent_at=now)
        )
    if not claimed:
        return False
    connection.refresh_from_db()
    try:
        outcome = _send(
            connection,
            "referral_reminder",
            recipients,
            notify.MessageKind.CONNECTION_RESPONSE_REMINDER,
        )
    except Exception:
        Connection.objects.filter(pk=connection.pk, response_reminder_sent_at=now).update(
            response_reminder_sent_at=None
        )
        raise
    with transaction.atomic():
        audit_record(
            actor=None,
            action=(
                AuditAction.CONNECTIONS_RESPONSE_REMINDER_SENT
                if outcome == "sent"
                else AuditAction.CONNECTIONS_RESPONSE_REMINDER_NOT_SENT
            ),
            obj=connection,
            organisation=connection.case.link_worker_service,
            person_id=str(connection.case.person.uuid),
            changes={"response_reminder_sent_at": [None, now]},
            detail={"recipients": len(recipients), "outcome": outcome},
        )
    return True
