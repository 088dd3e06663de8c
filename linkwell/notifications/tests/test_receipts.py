"""Delivery receipts: Notify's callback, its bearer token, idempotence, failures surfaced."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from linkwell.audit.models import AuditEvent
from linkwell.core import notify
from linkwell.notifications.models import MessageStatus, NotifyMessage
from linkwell.notifications.tests.fixtures import CALLBACK_TOKEN, local_notify, receipt
from linkwell.notifications.tests.local_notify import LocalNotify
from linkwell.people.models import Person

pytestmark = pytest.mark.django_db
__all__ = ["local_notify"]

URL = "/notifications/receipts/"


@pytest.fixture
def joan() -> Person:
    return Person.objects.create(
        given_name="Joan",
        family_name="Hughes",
        date_of_birth=dt.date(1948, 5, 17),
        phone="07700 900123",
        email="joan@example.org",
    )


def _text(joan: Person) -> NotifyMessage:
    notify.notify(
        channel=notify.SMS,
        to=joan.phone,
        subject="",
        body="Hi",
        kind=notify.MessageKind.FOLLOW_UP_REMINDER,
        person_id=joan.pk,
    )
    return NotifyMessage.objects.get()


def _post(payload: Any, token: str | None = CALLBACK_TOKEN, client: Client | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return (client or Client()).post(
        URL,
        data=json.dumps(payload) if not isinstance(payload, str) else payload,
        content_type="application/json",
        headers=headers,
    )


def test_a_delivered_receipt_is_recorded_once(local_notify: LocalNotify, joan: Person) -> None:
    message = _text(joan)
    payload = receipt(message.notify_id or "", "delivered", reference=str(message.uuid))
    # Notify posts from outside: no CSRF token, and the check is on.
    response = _post(payload, client=Client(enforce_csrf_checks=True))
    assert response.status_code == 200
    assert response.json() == {"id": message.notify_id, "status": "delivered", "changed": True}
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.completed_at == dt.datetime(2026, 12, 1, 10, 0, 5, tzinfo=dt.UTC)
    assert message.sent_at == dt.datetime(2026, 12, 1, 10, 0, 1, tzinfo=dt.UTC)
    # Notify retries callbacks: the same receipt again changes nothing.
    again = _post(payload)
    assert again.status_code == 200 and again.json()["changed"] is False
    assert AuditEvent.objects.filter(action="notifications.receipt_recorded").count() == 1
    # A settled message is not moved back by a late receipt.
    assert _post(receipt(message.notify_id or "", "sending")).json()["changed"] is False
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


@pytest.mark.parametrize(
    ("header", "configured"),
    [
        (None, CALLBACK_TOKEN),
        ("Bearer wrong-token", CALLBACK_TOKEN),
        ("Basic " + CALLBACK_TOKEN, CALLBACK_TOKEN),
        ("Bearer ", ""),
    ],
    ids=["no token", "wrong token", "not bearer", "no token configured"],
)
def test_a_receipt_without_the_right_bearer_token_is_refused(
    local_notify: LocalNotify, joan: Person, settings, header: str | None, configured: str
) -> None:
    settings.NOTIFY_CALLBACK_TOKEN = configured
    message = _text(joan)
    headers = {"Authorization": header} if header is not None else {}
    response = Client().post(
        URL,
        data=json.dumps(receipt(message.notify_id or "", "delivered")),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    message.refresh_from_db()
    assert message.status == MessageStatus.CREATED


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ("not json", 400, "not JSON"),
        ({"status": "delivered"}, 400, "`id`"),
        ({"id": "x", "status": "lost"}, 400, "'lost' is not a GOV.UK Notify status"),
        (
            {"id": "x", "status": "delivered", "completed_at": "yesterday"},
            400,
            "`completed_at` is not a date",
        ),
        ({"id": "5b7d1f2e-0000-4000-8000-000000000000", "status": "delivered"}, 404, "No message"),
    ],
    ids=["not json", "no id", "unknown status", "bad time", "not ours"],
)
def test_a_malformed_or_unknown_receipt_changes_nothing(
    local_notify: LocalNotify, joan: Person, payload: Any, status: int, words: str
) -> None:
    message = _text(joan)
    response = _post(payload)
    assert response.status_code == status
    assert words in response.json()["error"]
    message.refresh_from_db()
    assert message.status == MessageStatus.CREATED
    assert not AuditEvent.objects.filter(action="notifications.receipt_recorded").exists()


def test_only_post_is_accepted(local_notify: LocalNotify) -> None:
    response = Client().get(URL, headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"})
    assert response.status_code == 405


def test_a_permanent_failure_of_a_text_flags_the_number(
    local_notify: LocalNotify, joan: Person
) -> None:
    message = _text(joan)
    assert _post(receipt(message.notify_id or "", "permanent-failure")).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.PERMANENT_FAILURE and message.failed
    assert "does not work" in message.failure_reason
    joan.refresh_from_db()
    assert joan.sms_unreachable and joan.sms_unreachable_number == "07700900123"
    assert AuditEvent.objects.filter(
        action="people.sms_unreachable_flagged", person_id=str(joan.uuid)
    ).exists()
    # A corrected number is not flagged.
    joan.phone = "07700 900456"
    joan.save(update_fields=["phone"])
    assert not joan.sms_unreachable


@pytest.mark.parametrize("status", ["temporary-failure", "technical-failure"])
def test_other_failures_are_recorded_but_do_not_flag_the_number(
    local_notify: LocalNotify, joan: Person, status: str
) -> None:
    message = _text(joan)
    assert _post(receipt(message.notify_id or "", status)).status_code == 200
    message.refresh_from_db()
    assert message.status == status and message.failed and message.failure_reason
    joan.refresh_from_db()
    assert not joan.sms_unreachable


def test_a_permanent_failure_of_an_email_does_not_flag_the_phone(
    local_notify: LocalNotify, joan: Person
) -> None:
    notify.notify(channel=notify.EMAIL, to=joan.email, subject="Hi", body="Hi", person_id=joan.pk)
    message = NotifyMessage.objects.get()
    payload = receipt(message.notify_id or "", "permanent-failure", channel="email")
    assert _post(payload).status_code == 200
    joan.refresh_from_db()
    assert not joan.sms_unreachable
