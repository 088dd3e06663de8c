"""The GOV.UK Notify backend, against a local server that speaks Notify's API (local_notify.py):
templates per message kind, the JWT the real client signs, records, and Notify's errors."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core import mail

from linkwell.audit.models import AuditEvent
from linkwell.core import notify
from linkwell.notifications.models import MessageStatus, NotifyMessage
from linkwell.notifications.tests.fixtures import (
    GENERAL_EMAIL,
    GENERAL_LETTER,
    REMINDER_SMS,
    local_notify,
)
from linkwell.notifications.tests.local_notify import SERVICE_ID, LocalNotify
from linkwell.people.models import Person

pytestmark = pytest.mark.django_db
__all__ = ["local_notify"]


@pytest.fixture
def joan() -> Person:
    return Person.objects.create(
        given_name="Joan",
        family_name="Hughes",
        date_of_birth=dt.date(1948, 5, 17),
        phone="07700 900123",
        email="joan@example.org",
    )


def test_a_text_goes_with_its_kinds_template_and_is_recorded(
    local_notify: LocalNotify, joan: Person
) -> None:
    result = notify.notify(
        channel=notify.SMS,
        to=joan.phone,
        subject="Your review",
        body="See you on Tuesday",
        kind=notify.MessageKind.FOLLOW_UP_REMINDER,
        person_id=joan.pk,
        about="casework.followup:abc",
    )
    [request] = local_notify.requests
    assert request.path == "/v2/notifications/sms"
    assert request.token_claims["iss"] == SERVICE_ID  # signed by the real client, verified
    assert request.json["phone_number"] == "07700900123"
    assert request.json["template_id"] == REMINDER_SMS
    assert request.json["personalisation"] == {
        "subject": "Your review",
        "body": "See you on Tuesday",
    }
    assert result.sent and result.outcome == "sent"
    assert result.reference == request.notification_id
    message = NotifyMessage.objects.get()
    assert (message.kind, message.channel, message.person, message.status) == (
        "follow_up_reminder",
        "sms",
        joan,
        MessageStatus.CREATED,
    )
    assert message.notify_id == request.notification_id
    assert request.json["reference"] == str(message.uuid)
    assert message.about == "casework.followup:abc"
    assert AuditEvent.objects.filter(
        action="notifications.message_recorded", person_id=str(joan.uuid)
    ).exists()


def test_a_kind_without_its_own_template_uses_the_general_one_and_email_is_not_smtp(
    local_notify: LocalNotify,
) -> None:
    result = notify.notify(
        channel=notify.EMAIL,
        to="joan@example.org",
        subject="Your plan",
        body="Here is your plan",
        kind=notify.MessageKind.PLAN,
    )
    [request] = local_notify.requests
    assert request.path == "/v2/notifications/email"
    assert request.json["template_id"] == GENERAL_EMAIL
    assert request.json["email_address"] == "joan@example.org"
    assert request.json["personalisation"]["subject"] == "Your plan"
    assert result.sent and not mail.outbox


def test_a_letter_goes_with_the_address_as_personalisation(local_notify: LocalNotify) -> None:
    assert notify.can_send(notify.LETTER)
    notify.notify(
        channel=notify.LETTER,
        to="Joan Hughes\n3 Church Street\nOswestry\nSY11 2SP",
        subject="Your plan",
        body="Here is your plan",
        kind=notify.MessageKind.PLAN,
    )
    [request] = local_notify.requests
    assert request.path == "/v2/notifications/letter"
    assert request.json["template_id"] == GENERAL_LETTER
    personalisation = request.json["personalisation"]
    assert personalisation["address_line_1"] == "Joan Hughes"
    assert personalisation["address_line_4"] == "SY11 2SP"
    assert personalisation["body"] == "Here is your plan"


def test_a_letter_without_a_usable_address_is_refused_before_notify(
    local_notify: LocalNotify,
) -> None:
    with pytest.raises(notify.NotifyError, match="3 to 7 lines"):
        notify.notify(channel=notify.LETTER, to="Joan\nSY11 2SP", subject="", body="Hi")
    assert not local_notify.requests


@pytest.mark.parametrize(
    ("status", "errors", "expected"),
    [
        (
            400,
            [{"error": "ValidationError", "message": "phone_number Not a UK mobile number"}],
            "GOV.UK Notify refused the message: phone_number Not a UK mobile number.",
        ),
        (
            403,
            [{"error": "AuthError", "message": "Invalid token: API key not found"}],
            "refused Linkwell's API key (403): check LINKWELL_NOTIFY_API_KEY (Invalid token",
        ),
        (
            429,
            [{"error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE"}],
            "sending limit was reached (429); nothing was sent",
        ),
        (
            500,
            [{"error": "Exception", "message": "Internal server error"}],
            "not working at the moment (500)",
        ),
        (503, [], "not working at the moment (503)"),
    ],
    ids=["400", "403", "429", "500", "503"],
)
def test_notify_errors_become_clear_messages_and_nothing_is_recorded_as_sent(
    local_notify: LocalNotify,
    joan: Person,
    status: int,
    errors: list[dict[str, str]],
    expected: str,
) -> None:
    local_notify.fail_next(status, errors)
    with pytest.raises(notify.NotifyError) as raised:
        notify.notify(
            channel=notify.SMS,
            to=joan.phone,
            subject="",
            body="Hi",
            kind=notify.MessageKind.FOLLOW_UP_REMINDER,
            person_id=joan.pk,
        )
    assert expected in str(raised.value)
    assert len(local_notify.requests) == 1
    message = NotifyMessage.objects.get()
    assert message.status == MessageStatus.NOT_SENT and message.notify_id is None
    assert message.failure_reason == str(raised.value)


def test_a_template_notify_does_not_know_is_its_400(local_notify: LocalNotify, settings) -> None:
    settings.NOTIFY_TEMPLATES = {"general.email": "7a1f0c1e-0000-4000-8000-000000000000"}
    with pytest.raises(notify.NotifyError, match="refused the message: Template not found"):
        notify.notify(channel=notify.EMAIL, to="joan@example.org", subject="Hi", body="Hi")
    assert not NotifyMessage.objects.exclude(status=MessageStatus.NOT_SENT).exists()


def test_without_a_template_for_the_kind_nothing_is_sent_and_the_setting_is_named(
    local_notify: LocalNotify, settings
) -> None:
    settings.NOTIFY_TEMPLATES = {}
    with pytest.raises(notify.NotifyError, match="LINKWELL_NOTIFY_TEMPLATE_PLAN_EMAIL"):
        notify.notify(
            channel=notify.EMAIL,
            to="joan@example.org",
            subject="Hi",
            body="Hi",
            kind=notify.MessageKind.PLAN,
        )
    assert not local_notify.requests and not NotifyMessage.objects.exists()


def test_a_wrong_secret_is_refused_by_the_server_as_notify_would(
    local_notify: LocalNotify, settings
) -> None:
    settings.NOTIFY_API_KEY = f"linkwell_test-{SERVICE_ID}-00000000-0000-4000-8000-000000000000"
    with pytest.raises(notify.NotifyError, match="API key \\(403\\)"):
        notify.notify(channel=notify.EMAIL, to="joan@example.org", subject="Hi", body="Hi")


def test_a_missing_or_malformed_api_key_says_notify_is_not_set_up(
    local_notify: LocalNotify, settings
) -> None:
    settings.NOTIFY_API_KEY = "not-a-key"
    with pytest.raises(notify.NotifyError, match="LINKWELL_NOTIFY_API_KEY is missing or is not"):
        notify.notify(channel=notify.EMAIL, to="joan@example.org", subject="Hi", body="Hi")
    assert not local_notify.requests


def test_notify_out_of_reach_is_a_clear_error(local_notify: LocalNotify, settings) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{port}"  # nothing listens there
    with pytest.raises(notify.NotifyError, match="could not be reached; nothing was sent"):
        notify.notify(channel=notify.EMAIL, to="joan@example.org", subject="Hi", body="Hi")
    assert NotifyMessage.objects.get().status == MessageStatus.NOT_SENT
