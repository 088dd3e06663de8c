"""GOV.UK Notify as the sender behind `linkwell.core.notify` (texts, email, letters).

Select it with `LINKWELL_NOTIFY_BACKEND=linkwell.notifications.backends.GovukNotifyBackend`.
Notify sends by template: each Linkwell message kind and channel has a template id
(`settings.NOTIFY_TEMPLATES`, from `LINKWELL_NOTIFY_TEMPLATE_<KIND>_<CHANNEL>`; the kind
`general` serves any kind without its own), and the message goes as personalisation:
`subject` and `body` (and `address_line_1`… for letters). Every message is recorded
(`NotifyMessage`), whether Notify took it or refused it, and receipts update the record
(receipts.py). A refusal or an outage raises `NotifyError` naming what happened; nothing is then
reported as sent.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.notify import (
    EMAIL,
    LETTER,
    SMS,
    MessageKind,
    Notification,
    NotifyBackend,
    NotifyError,
    NotifyResult,
)
from linkwell.notifications.models import MessageStatus, NotifyMessage
from linkwell.people.models import Person

# The client library has no type hints: named as Any so typed code can call it.
_NotifyClient: Any = NotificationsAPIClient

# name-serviceid-secret: the two ids are UUIDs (what the client library takes apart).
_API_KEY = re.compile(
    r"^.+-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$",
    re.I,
)


def template_setting_name(kind: str, channel: str) -> str:
    return f"LINKWELL_NOTIFY_TEMPLATE_{kind.upper()}_{channel.upper()}"


def template_for(kind: str, channel: str) -> str:
    """The Notify template id for this kind of message on this channel; NotifyError if none."""
    templates = settings.NOTIFY_TEMPLATES
    template_id = templates.get(f"{kind}.{channel}") or templates.get(
        f"{MessageKind.GENERAL}.{channel}"
    )
    if not template_id:
        raise NotifyError(
            f"No GOV.UK Notify template is set for {kind.replace('_', ' ')} messages by "
            f"{channel}: set {template_setting_name(kind, channel)} (or "
            f"{template_setting_name(MessageKind.GENERAL, channel)})."
        )
    return template_id


def _error_text(exc: APIError) -> str:
    """Notify's own words: its `errors` list ({"error", "message"}) or `message`."""
    detail = exc.message
    if isinstance(detail, list):
        parts = [
            str(item.get("message") or item.get("error")) if isinstance(item, dict) else str(item)
            for item in detail
        ]
        return "; ".join(p for p in parts if p)
    return str(detail or "")


def describe_error(exc: APIError) -> str:
    """A NotifyError message a link worker or deployer can act on, by the HTTP status."""
    status = exc.status_code
    said = _error_text(exc)
    if exc.response is None:
        return "GOV.UK Notify could not be reached; nothing was sent. Try again later."
    if status == 400:
        return f"GOV.UK Notify refused the message: {said or 'bad request'}."
    if status == 403:
        return "GOV.UK Notify refused Linkwell's API key (403): check LINKWELL_NOTIFY_API_KEY" + (
            f" ({said})." if said else "."
        )
    if status == 429:
        return (
            "GOV.UK Notify's sending limit was reached (429); nothing was sent. Try again later"
            + (f" ({said})." if said else ".")
        )
    if status >= 500:
        return f"GOV.UK Notify is not working at the moment ({status}); nothing was sent. Try again later."
    return f"GOV.UK Notify answered {status}: {said or 'the message was not accepted'}."


def _letter_personalisation(notification: Notification) -> dict[str, str]:
    lines = notification.to.splitlines()
    return {f"address_line_{n}": line for n, line in enumerate(lines, start=1)}


class GovukNotifyBackend(NotifyBackend):
    sms_enabled = True
    letters_enabled = True

    def client(self) -> Any:
        """A new client per message (the library's client is not thread-safe)."""
        key = settings.NOTIFY_API_KEY
        if not key or not _API_KEY.match(key):
            raise NotifyError(
                "GOV.UK Notify is not set up: LINKWELL_NOTIFY_API_KEY is missing or is not a "
                "Notify API key (name-serviceid-secret)."
            )
        return _NotifyClient(
            key, base_url=settings.NOTIFY_BASE_URL, timeout=settings.NOTIFY_TIMEOUT_SECONDS
        )

    def send_email(self, notification: Notification) -> NotifyResult:
        return self._send(notification)

    def send_sms(self, notification: Notification) -> NotifyResult:
        return self._send(notification)

    def send_letter(self, notification: Notification) -> NotifyResult:
        return self._send(notification)

    def _send(self, notification: Notification) -> NotifyResult:
        template_id = template_for(notification.kind, notification.channel)
        client = self.client()
        reference = uuid.uuid4()
        personalisation: dict[str, Any] = {
            "subject": notification.subject,
            "body": notification.body,
        }
        try:
            if notification.channel == SMS:
                response = client.send_sms_notification(
                    notification.to, template_id, personalisation, reference=str(reference)
                )
            elif notification.channel == EMAIL:
                response = client.send_email_notification(
                    notification.to, template_id, personalisation, reference=str(reference)
                )
            elif notification.channel == LETTER:
                personalisation.update(_letter_personalisation(notification))
                response = client.send_letter_notification(
                    template_id, personalisation, reference=str(reference)
                )
            else:  # pragma: no cover - notify() checks the channel first
                raise NotifyError(f"Unknown channel {notification.channel!r}.")
        except APIError as exc:
            message = describe_error(exc)
            _record(notification, reference, template_id, notify_id=None, failure=message)
            raise NotifyError(message) from exc
        notify_id = str((response or {}).get("id") or "")
        if not notify_id:
            message = "GOV.UK Notify's answer did not name the message; it may not have been sent."
            _record(notification, reference, template_id, notify_id=None, failure=message)
            raise NotifyError(message)
        _record(notification, reference, template_id, notify_id=notify_id, failure="")
        return NotifyResult(notification=notification, sent=True, reference=notify_id)


def _record(
    notification: Notification,
    reference: uuid.UUID,
    template_id: str,
    *,
    notify_id: str | None,
    failure: str,
) -> NotifyMessage:
    now = timezone.now()
    person = (
        Person.objects.filter(pk=notification.person_id).first()
        if notification.person_id is not None
        else None
    )
    with transaction.atomic():
        message = NotifyMessage.objects.create(
            uuid=reference,
            kind=notification.kind,
            channel=notification.channel,
            recipient=notification.to,
            person=person,
            about=notification.about,
            template_id=template_id,
            notify_id=notify_id,
            status=MessageStatus.NOT_SENT if failure else MessageStatus.CREATED,
            failure_reason=failure,
            created_at=now,
            status_updated_at=now,
        )
        audit_record(
            actor=None,
            action=AuditAction.NOTIFICATIONS_MESSAGE_RECORDED,
            obj=message,
            person_id=str(person.uuid) if person is not None else "",
            detail={
                "kind": notification.kind,
                "channel": notification.channel,
                "notify_id": notify_id,
                "status": message.status,
                "about": notification.about,
            },
        )
    return message
