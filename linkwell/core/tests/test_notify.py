"""The pluggable sender for messages to people."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from linkwell.core import notify


@pytest.fixture(autouse=True)
def _empty_outbox() -> None:
    notify.outbox.clear()


def test_the_development_backend_emails_through_django_and_keeps_a_copy() -> None:
    result = notify.notify(
        channel=notify.EMAIL, to="joan@example.org", subject="Hello", body="Hi Joan"
    )
    assert mail.outbox[-1].to == ["joan@example.org"]
    assert mail.outbox[-1].subject == "Hello"
    assert notify.outbox[-1].channel == notify.EMAIL
    assert not result.sent and result.outcome == "not sent (development backend)"


def test_the_development_backend_prints_text_messages(capsys: pytest.CaptureFixture[str]) -> None:
    result = notify.notify(
        channel=notify.SMS, to="+44 7700 900123", subject="", body="See you soon"
    )
    assert result.to == "+447700900123"
    assert "See you soon" in capsys.readouterr().out
    assert notify.outbox == [result.notification]
    assert not result.sent and result.outcome == "not sent (development backend)"


@override_settings(NOTIFY_BACKEND="linkwell.core.notify.EmailBackend")
def test_the_email_backend_reports_email_as_sent() -> None:
    result = notify.notify(channel=notify.EMAIL, to="joan@example.org", subject="Hi", body="Hi")
    assert result.sent and result.outcome == "sent"
    assert mail.outbox[-1].to == ["joan@example.org"]
    assert not notify.can_send(notify.LETTER)


@override_settings(NOTIFY_BACKEND="linkwell.core.notify.EmailBackend")
def test_the_email_backend_says_texts_are_not_set_up() -> None:
    assert notify.can_send(notify.EMAIL)
    assert not notify.can_send(notify.SMS)
    with pytest.raises(notify.NotifyError, match="not set up"):
        notify.notify(channel=notify.SMS, to="07700900123", subject="", body="Hi")


@pytest.mark.parametrize(
    ("channel", "to", "message"),
    [
        (notify.EMAIL, "not-an-address", "not an email address"),
        (notify.SMS, "12345", "not a UK phone number"),
    ],
)
def test_it_refuses_unusable_addresses_and_sends_nothing(
    channel: notify.NotifyChannel, to: str, message: str
) -> None:
    with pytest.raises(notify.NotifyError, match=message):
        notify.notify(channel=channel, to=to, subject="Hi", body="Hi")
    assert not notify.outbox and not mail.outbox


@override_settings(EMAIL_BACKEND="linkwell.core.tests.test_notify.BrokenMail")
def test_a_mail_server_failure_becomes_a_notify_error() -> None:
    with pytest.raises(notify.NotifyError, match="could not be sent"):
        notify.notify(channel=notify.EMAIL, to="joan@example.org", subject="Hi", body="Hi")


class BrokenMail:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("mail server down")


@override_settings(NOTIFY_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_backend_that_is_not_a_notify_backend_is_refused() -> None:
    with pytest.raises(TypeError, match="is not a linkwell"):
        notify.get_backend()
