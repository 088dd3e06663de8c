"""Messages to people (not staff): follow-up reminders, their plan. A pluggable sender.

`settings.NOTIFY_BACKEND` (env `LINKWELL_NOTIFY_BACKEND`) names a `NotifyBackend` subclass:

- `ConsoleBackend` (the default, for development): email goes through Django's mail
  (`EMAIL_BACKEND`: the console in development, `mail.outbox` in tests); text messages are written
  to standard output. Everything it handles is also kept in `outbox` (like
  `django.core.mail.outbox`), so tests and a developer's shell can see what would have gone out.
  Its result always says "not sent (development backend)": nothing it does reaches a person.
  `linkwell check --deploy` refuses it when debug is off (linkwell/notifications/checks.py).
- `EmailBackend` (production without an SMS provider): email through Django's mail; it reports
  that text messages cannot be sent, so callers fall back (the link worker phones, or posts).
- `linkwell.notifications.backends.GovukNotifyBackend`: GOV.UK Notify for texts, email and
  letters, one Notify template per message kind, each message recorded with its delivery receipt
  (linkwell/notifications/README.md).

Callers check `can_send(channel)` first and call `notify(kind=..., ...)`, which returns a
`NotifyResult`: `sent` is true only when the message left Linkwell (handed to a mail server or to
Notify); otherwise `reason` says why not. A failure raises `NotifyError` with a message a user can
act on. Callers audit what really happened, using `NotifyResult.outcome` ("sent" or "not sent
(development backend)").
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

NotifyChannel = Literal["email", "sms", "letter"]
EMAIL: NotifyChannel = "email"
SMS: NotifyChannel = "sms"
# A letter's `to` is the postal address, one line per line, the postcode last.
LETTER: NotifyChannel = "letter"


class MessageKind:
    """What a message is for; a Notify deployment has one template per kind and channel.

    Plain strings (not an enum) so an app can name its own kind without touching this module;
    these are the ones Linkwell sends today (linkwell/notifications/README.md lists them)."""

    FOLLOW_UP_REMINDER = "follow_up_reminder"
    PLAN = "plan"
    SELF_COMPLETE_INVITATION = "self_complete_invitation"
    CONNECTION_REFERRAL = "connection_referral"
    CONNECTION_RESPONSE_REMINDER = "connection_response_reminder"
    VERIFICATION_REMINDER = "verification_reminder"
    GENERAL = "general"


MESSAGE_KINDS = (
    MessageKind.FOLLOW_UP_REMINDER,
    MessageKind.PLAN,
    MessageKind.SELF_COMPLETE_INVITATION,
    MessageKind.CONNECTION_REFERRAL,
    MessageKind.CONNECTION_RESPONSE_REMINDER,
    MessageKind.VERIFICATION_REMINDER,
    MessageKind.GENERAL,
)

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
    kind: str = MessageKind.GENERAL
    # The person it is for (their row id), when it is for a person; a backend that keeps a record
    # of each message links it to them.
    person_id: int | None = None
    # What it is about, as "<app.model>:<public id>" (e.g. "casework.followup:<uuid>"), so the
    # page that shows the thing can show how its message went.
    about: str = ""


NOT_SENT_DEVELOPMENT = "development backend"


@dataclass(frozen=True)
class NotifyResult:
    """What happened to one message. `sent` only when it left Linkwell; `reason` when not.

    `reference` is the backend's own id for it (a Notify notification id), when it has one."""

    notification: Notification
    sent: bool
    reason: str = ""
    reference: str = ""

    @property
    def channel(self) -> NotifyChannel:
        return self.notification.channel

    @property
    def to(self) -> str:
        return self.notification.to

    @property
    def outcome(self) -> str:
        """ "sent", or "not sent (<why>)": the words the audit trail and the link worker see."""
        return "sent" if self.sent else f"not sent ({self.reason or 'unknown reason'})"


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
    """Email through Django's mail; no text messages or letters. Subclasses add providers.

    `development` marks a backend whose messages never reach anyone (the deploy check refuses it
    when debug is off)."""

    sms_enabled = False
    letters_enabled = False
    development = False

    def send(self, notification: Notification) -> NotifyResult:
        if notification.channel == EMAIL:
            return self.send_email(notification)
        if notification.channel == SMS:
            if not self.sms_enabled:
                raise NotifyError("Text messages are not set up on this Linkwell.")
            return self.send_sms(notification)
        if notification.channel == LETTER:
            if not self.letters_enabled:
                raise NotifyError("Letters are not set up on this Linkwell: print and post it.")
            return self.send_letter(notification)
        raise NotifyError(f"Unknown channel {notification.channel!r}.")

    def send_email(self, notification: Notification) -> NotifyResult:
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.to],
        )
        return NotifyResult(notification=notification, sent=True)

    def send_sms(self, notification: Notification) -> NotifyResult:
        raise NotifyError("Text messages are not set up on this Linkwell.")

    def send_letter(self, notification: Notification) -> NotifyResult:
        raise NotifyError("Letters are not set up on this Linkwell: print and post it.")


class EmailBackend(NotifyBackend):
    """Production default when no SMS provider is contracted: email only."""


class ConsoleBackend(NotifyBackend):
    """Development: email via Django's mail, text messages printed; both kept in `outbox`.

    Nothing reaches a person through it, so every result is "not sent (development backend)"."""

    sms_enabled = True
    development = True

    def send_email(self, notification: Notification) -> NotifyResult:
        super().send_email(notification)
        outbox.append(notification)
        return NotifyResult(notification=notification, sent=False, reason=NOT_SENT_DEVELOPMENT)

    def send_sms(self, notification: Notification) -> NotifyResult:
        sys.stdout.write(f"[text message to {notification.to}]\n{notification.body}\n")
        outbox.append(notification)
        return NotifyResult(notification=notification, sent=False, reason=NOT_SENT_DEVELOPMENT)


def get_backend() -> NotifyBackend:
    backend_class = import_string(settings.NOTIFY_BACKEND)
    backend = backend_class()
    if not isinstance(backend, NotifyBackend):
        raise TypeError(f"{settings.NOTIFY_BACKEND} is not a linkwell.core.notify.NotifyBackend")
    return backend


def can_send(channel: NotifyChannel) -> bool:
    if channel == EMAIL:
        return True
    backend = get_backend()
    return backend.sms_enabled if channel == SMS else backend.letters_enabled


def is_development_backend() -> bool:
    """True when the configured backend never reaches anyone (the console backend)."""
    return bool(getattr(import_string(settings.NOTIFY_BACKEND), "development", False))


def postal_lines(raw: str) -> list[str]:
    """A letter's address lines (blank lines dropped); NotifyError unless 3 to 7 lines, the
    last a postcode-like line (what a postal service needs, and what Notify accepts)."""
    lines = [line.strip() for line in (raw or "").splitlines() if line.strip()]
    if not 3 <= len(lines) <= 7:
        raise NotifyError(
            "A letter needs an address of 3 to 7 lines (name, street, town, postcode)."
        )
    return lines


def notify(
    *,
    channel: NotifyChannel,
    to: str,
    subject: str,
    body: str,
    kind: str = MessageKind.GENERAL,
    person_id: int | None = None,
    about: str = "",
) -> NotifyResult:
    """Send one message; NotifyError (nothing sent) if the address is unusable or sending fails.

    The result says whether it really left (`sent`) or why not (`reason`)."""
    if channel == EMAIL:
        try:
            validate_email(to)
        except ValidationError as exc:
            raise NotifyError(f"“{to}” is not an email address a message can go to.") from exc
    elif channel == SMS:
        to = normalise_phone(to)
    elif channel == LETTER:
        to = "\n".join(postal_lines(to))
    else:
        raise NotifyError(f"Unknown channel {channel!r}.")
    if not body.strip():
        raise NotifyError("The message is empty.")
    notification = Notification(
        channel=channel,
        to=to,
        subject=subject.strip(),
        body=body,
        kind=kind,
        person_id=person_id,
        about=about,
    )
    try:
        return get_backend().send(notification)
    except NotifyError:
        raise
    except Exception as exc:
        # SMTP refusals, provider outages: the caller keeps the work due and tries again later.
        raise NotifyError(f"The message could not be sent ({type(exc).__name__}).") from exc
