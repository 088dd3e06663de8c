"""The `local_notify` fixture: Linkwell configured for GOV.UK Notify, pointed at a local server.

Import it into a test module (`from linkwell.notifications.tests.fixtures import local_notify`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from linkwell.notifications.tests.local_notify import API_KEY, LocalNotify, Template

REMINDER_SMS = "0f6d5a3e-7b0e-4d7e-9f53-3c1c2f7c0a01"
REMINDER_EMAIL = "0f6d5a3e-7b0e-4d7e-9f53-3c1c2f7c0a02"
GENERAL_EMAIL = "0f6d5a3e-7b0e-4d7e-9f53-3c1c2f7c0a03"
GENERAL_SMS = "0f6d5a3e-7b0e-4d7e-9f53-3c1c2f7c0a04"
GENERAL_LETTER = "0f6d5a3e-7b0e-4d7e-9f53-3c1c2f7c0a05"
CALLBACK_TOKEN = "receipts-token-for-tests-0123456789"


@pytest.fixture
def local_notify(settings: Any) -> Iterator[LocalNotify]:
    server = LocalNotify(
        templates={
            REMINDER_SMS: Template("sms", "((body))"),
            REMINDER_EMAIL: Template("email", "((body))", subject="((subject))"),
            GENERAL_EMAIL: Template("email", "((body))", subject="((subject))"),
            GENERAL_SMS: Template("sms", "((body))"),
            GENERAL_LETTER: Template("letter", "((body))", subject="((subject))"),
        }
    ).start()
    settings.NOTIFY_BACKEND = "linkwell.notifications.backends.GovukNotifyBackend"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = server.base_url
    settings.NOTIFY_TIMEOUT_SECONDS = 5
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    settings.NOTIFY_TEMPLATES = {
        "follow_up_reminder.sms": REMINDER_SMS,
        "follow_up_reminder.email": REMINDER_EMAIL,
        "general.email": GENERAL_EMAIL,
        "general.sms": GENERAL_SMS,
        "general.letter": GENERAL_LETTER,
    }
    try:
        yield server
    finally:
        server.stop()


def receipt(
    notify_id: str, status: str, *, reference: str = "", to: str = "", channel: str = "sms"
) -> dict[str, Any]:
    """A delivery receipt as GOV.UK Notify posts it."""
    return {
        "id": notify_id,
        "reference": reference or None,
        "to": to,
        "status": status,
        "created_at": "2026-12-01T10:00:00.000000Z",
        "completed_at": "2026-12-01T10:00:05.000000Z",
        "sent_at": "2026-12-01T10:00:01.000000Z",
        "notification_type": channel,
    }
