"""Messages to people (not staff): follow-up reminders, their plan. A pluggable sender.

`settings.NOTIFY_BACKEND` (env `LINKWELL_NOTIFY_BACKEND`) names a `NotifyBackend` subclass:

- `ConsoleBackend` (the default, for development): email goes through Django's mail
  (`EMAIL_BACKEND`: the console in development, `mail.outbox` in tests); text messages are written
  to standard output. Everything it sends is also kept in `outbox` (like `django.core.mail.outbox`),
  so tests and a developer's shell can see what would have gone out.
- `EmailBackend` (production without an SMS provider): email through Django's mail; it reports
  that text messages cannot be sent, so callers fall back (the link worker phones, or posts).

An SMS provider (e.g. GOV.UK Notify) is a subclass that sets `sms_enabled = True` and implements
`send_sms`. Callers check `can_send(channel)` first and call `notify(...)`; a failure raises
`NotifyError` with a message a user can act on. Callers audit what they sent; this module keeps no
record of its own (the audit trail is the record).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

NotifyChannel = Literal["email", "sms"]
EMAIL: NotifyChannel = "email"
SMS: NotifyChannel = "sms"

# UK numbers as people type them: optional +44 or 0, then 9-10 digits; spaces and dashes ignored.
_UK_PHONE = re.compile(r"^(?:\+44|0044|0)\d{9,10}$")


class NotifyError(Exception):
    """The message could not be sent; the text says why, for the person acting."""


@dataclass(frozen=True)
class Notification:
    channel: NotifyChannel
    to: str
    subject: str
    body: str


# What the development backend sent, oldest first. Tests clear it; nothing reads it in production.
outbox: list[Notification] = []


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template (an e-mail subject or body), rendered without HTML escaping: the
    message is not HTML, so an apostrophe must stay an apostrophe. Uses the "text" template
    engine (config/settings.py)."""
    return render_to_string(template_name, context, using="text")


def normalise_phone(raw: str) -> str:
    """The number without spaces, dashes or brackets; NotifyError if it is not a UK number."""
    number = re.sub(r"[\s\-()]", "", raw or "")
    if not _UK_PHONE.match(number):
        raise NotifyError(f"“{raw}” is not a UK phone number a text message can go to.")
    return number


class NotifyBackend:
    """Email through Django's mail; no text messages. Subclasses add an SMS provider."""

    sms_enabled = False

    def send(self, notification: Notification) -> None:
        if notification.channel == EMAIL:
            self.send_email(notification)
        elif notification.channel == SMS:
            if not self.sms_enabled:
                raise NotifyError("Text messages are not set up on this Linkwell.")
            self.send_sms(notification)
        else:  # pragma: no cover - the Literal type rules this out for typed callers
            raise NotifyError(f"Unknown channel {notification.channel!r}.")

    def send_email(self, notification: Notification) -> None:
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.to],
        )

    def send_sms(self, notification: Notification) -> None:
        raise NotifyError("Text messages are not set up on this Linkwell.")


class EmailBackend(NotifyBackend):
    """Production default when no SMS provider is contracted: email only."""


class ConsoleBackend(NotifyBackend):
    """Development: email via Django's mail, text messages printed; both kept in `outbox`."""

    sms_enabled = True

    def send_email(self, notification: Notification) -> None:
        super().send_email(notification)
        outbox.append(notification)

    def send_sms(self, notification: Notification) -> None:
        sys.stdout.write(f"[text message to {notification.to}]\n{notification.body}\n")
        outbox.append(notification)


def get_backend() -> NotifyBackend:
    backend_class = import_string(settings.NOTIFY_BACKEND)
    backend = backend_class()
    if not isinstance(backend, NotifyBackend):
        raise TypeError(f"{settings.NOTIFY_BACKEND} is not a linkwell.core.notify.NotifyBackend")
    return backend


def can_send(channel: NotifyChannel) -> bool:
    return channel == EMAIL or get_backend().sms_enabled


def notify(*, channel: NotifyChannel, to: str, subject: str, body: str) -> Notification:
    """Send one message; NotifyError (nothing sent) if the address is unusable or sending fails."""
    if channel == EMAIL:
        try:
            validate_email(to)
        except ValidationError as exc:
            raise NotifyError(f"“{to}” is not an email address a message can go to.") from exc
    else:
        to = normalise_phone(to)
    if not body.strip():
        raise NotifyError("The message is empty.")
    notification = Notification(channel=channel, to=to, subject=subject.strip(), body=body)
    try:
        get_backend().send(notification)
    except NotifyError:
        raise
    except Exception as exc:
        # SMTP refusals, provider outages: the caller keeps the work due and tries again later.
        raise NotifyError(f"The message could not be sent ({type(exc).__name__}).") from exc
    return notification
