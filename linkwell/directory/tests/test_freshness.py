"""Freshness: stale listings are flagged, providers are reminded by email (not more than once a
fortnight), and the emailed one-click link confirms a listing without signing in, safely."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.directory.models import Contact, Service, ServiceStatus
from linkwell.directory.services import (
    VERIFY_LINK_MAX_AGE,
    reminder_recipients,
    service_update,
    service_verify,
    services_due_for_reminder,
    verification_token,
)
from linkwell.directory.tasks import send_verification_reminders
from linkwell.directory.tests.factories import make_organization, make_service


@pytest.fixture(autouse=True)
def _email_backend(settings):
    """Providers' emails leave through Django's mail with the email-only notify backend (the
    development backend would report them as not sent)."""
    settings.NOTIFY_BACKEND = "linkwell.core.notify.EmailBackend"


@pytest.fixture
def org(personas):
    return make_organization("Oswestry Men's Shed CIO", owner=personas.provider_org)


@pytest.fixture
def stale(org):
    return make_service("Oswestry Men's Shed", organization=org, verified_days_ago=200)


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"http://\S+/directory/verify/(\S+)/", str(message.body))
    assert match, message.body
    return match.group(1)


def test_a_listing_not_verified_within_the_limit_is_stale(org):
    fresh = make_service("Fresh", organization=org, verified_days_ago=10)
    never = make_service("Never", organization=org, verified_days_ago=None)
    old = make_service("Old", organization=org, verified_days_ago=183)
    assert (fresh.is_stale(), never.is_stale(), old.is_stale()) == (False, True, True)
    with override_settings(DIRECTORY_VERIFY_AFTER_DAYS=5):
        assert fresh.is_stale()


def test_only_running_stale_listings_not_recently_reminded_are_due(org, stale):
    make_service("Fresh", organization=org, verified_days_ago=10)
    make_service(
        "Closed for good", organization=org, verified_days_ago=300, status=ServiceStatus.DEFUNCT
    )
    reminded = make_service("Reminded last week", organization=org, verified_days_ago=300)
    Service.objects.filter(pk=reminded.pk).update(
        verification_reminder_sent_at=timezone.now() - dt.timedelta(days=7)
    )
    assert list(services_due_for_reminder()) == [stale]
    later = timezone.now() + dt.timedelta(days=8)
    assert set(services_due_for_reminder(now=later)) == {stale, reminded}


def test_reminders_go_to_contacts_then_listing_email_then_provider_staff(personas, org, stale):
    assert reminder_recipients(stale) == ["owner@shed.example", "teammate@shed.example"]
    org.email = "hello@shed.example"
    org.save()
    assert reminder_recipients(stale) == ["hello@shed.example"]
    Contact.objects.create(service=stale, name="Sam", email="sam@shed.example")
    assert reminder_recipients(stale) == ["sam@shed.example"]


def test_the_reminder_task_emails_a_one_click_link_once_a_fortnight(personas, stale):
    result = send_verification_reminders.enqueue()
    assert result.return_value == 1
    assert [m.to for m in mail.outbox] == [["owner@shed.example"], ["teammate@shed.example"]]
    message = mail.outbox[0]
    assert message.subject == "Is “Oswestry Men's Shed” still correct?"
    assert "&#x27;" not in message.body and "Oswestry Men's Shed" in message.body
    assert link_in(message)
    stale.refresh_from_db()
    assert stale.verification_reminder_sent_at is not None
    [event] = AuditEvent.objects.filter(action="directory.verification_reminder_sent")
    assert event.actor_id is None

    assert send_verification_reminders.enqueue().return_value == 0
    assert len(mail.outbox) == 2


def test_a_reminder_that_cannot_be_sent_is_tried_again_next_time(personas, stale):
    with mock.patch("linkwell.core.notify.send_mail", side_effect=OSError("SMTP down")):
        assert send_verification_reminders.enqueue().return_value == 0
    stale.refresh_from_db()
    assert stale.verification_reminder_sent_at is None
    assert not AuditEvent.objects.filter(action="directory.verification_reminder_sent").exists()
    [failed] = AuditEvent.objects.filter(action="directory.verification_reminder_failed")
    assert failed.detail == {"recipients": 2, "error": "OSError"}
    assert send_verification_reminders.enqueue().return_value == 1


def test_a_failed_reminder_puts_back_when_the_last_one_was_sent(personas, stale):
    earlier = timezone.now() - dt.timedelta(days=20)
    Service.objects.filter(pk=stale.pk).update(verification_reminder_sent_at=earlier)
    with mock.patch("linkwell.core.notify.send_mail", side_effect=OSError("SMTP down")):
        assert send_verification_reminders.enqueue().return_value == 0
    stale.refresh_from_db()
    assert stale.verification_reminder_sent_at == earlier


@pytest.mark.django_db(transaction=True)
def test_the_reminder_email_is_sent_after_the_claim_is_committed(personas, stale):
    """A slow mail server must not hold the database's write lock (SQLite has one)."""
    seen = {}

    def send(*args, **kwargs):
        seen["in_transaction"] = transaction.get_connection().in_atomic_block
        seen["claimed"] = Service.objects.get(pk=stale.pk).verification_reminder_sent_at
        return 1

    with mock.patch("linkwell.core.notify.send_mail", side_effect=send):
        assert send_verification_reminders.enqueue().return_value == 1
    assert seen["in_transaction"] is False
    assert seen["claimed"] is not None
    assert AuditEvent.objects.filter(action="directory.verification_reminder_sent").count() == 1


def test_the_emailed_link_shows_a_confirm_page_and_get_changes_nothing(client, personas, stale):
    send_verification_reminders.enqueue()
    url = reverse("directory:verify_link", kwargs={"token": link_in(mail.outbox[0])})
    response = client.get(url)
    assert response.status_code == 200
    assert "Yes, this is still correct" in response.content.decode()
    stale.refresh_from_db()
    assert stale.is_stale()
    assert not AuditEvent.objects.filter(action="directory.service_verified").exists()


def test_the_emailed_link_confirms_on_post_without_signing_in(client, personas, stale):
    send_verification_reminders.enqueue()
    url = reverse("directory:verify_link", kwargs={"token": link_in(mail.outbox[0])})
    response = client.post(url)
    assert response.status_code == 200
    assert "marked as still correct" in response.content.decode()
    stale.refresh_from_db()
    assert not stale.is_stale()
    assert stale.last_verified_by is None
    [event] = AuditEvent.objects.filter(action="directory.service_verified")
    assert event.actor_id is None
    assert event.detail == {"via": "emailed link"}


def test_the_emailed_link_works_only_once(client, personas, stale):
    send_verification_reminders.enqueue()
    url = reverse("directory:verify_link", kwargs={"token": link_in(mail.outbox[0])})
    assert client.post(url).status_code == 200
    for method in (client.post, client.get):
        response = method(url)
        assert response.status_code == 410
        assert "This link has already been used" in response.content.decode()
    assert AuditEvent.objects.filter(action="directory.service_verified").count() == 1


def test_a_link_for_a_listing_confirmed_by_someone_signed_in_since_is_used_up(
    client, personas, stale
):
    token = verification_token(stale)
    service_verify(actor=personas.owner, service=stale)
    response = client.post(reverse("directory:verify_link", kwargs={"token": token}))
    assert response.status_code == 410
    assert "This link has already been used" in response.content.decode()
    assert AuditEvent.objects.filter(action="directory.service_verified").count() == 1


def test_a_tampered_link_is_refused_with_a_clear_page(client, stale):
    token = verification_token(stale)
    tampered = token.replace(token[2], "x" if token[2] != "x" else "y", 1)
    for method in (client.get, client.post):
        response = method(reverse("directory:verify_link", kwargs={"token": tampered}))
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    stale.refresh_from_db()
    assert stale.is_stale()


def test_an_expired_link_is_refused_with_a_clear_page(client, stale):
    issued = time.time() - VERIFY_LINK_MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=issued):
        token = verification_token(stale)
    response = client.post(reverse("directory:verify_link", kwargs={"token": token}))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    stale.refresh_from_db()
    assert stale.is_stale()


def test_a_link_for_a_listing_edited_since_the_email_no_longer_confirms_it(client, personas, stale):
    token = verification_token(stale)
    service_update(
        actor=personas.owner, service=stale, data={"name": "New name"}, expected_version=1
    )
    response = client.post(reverse("directory:verify_link", kwargs={"token": token}))
    assert response.status_code == 410
    assert "changed since the email was sent" in response.content.decode()
    stale.refresh_from_db()
    assert stale.is_stale()


@pytest.mark.django_db(transaction=True)
def test_reminders_run_through_the_database_queue_and_its_worker(personas, stale):
    """The immediate backend hides queueing; this proves the real queue (django_tasks_db) works."""
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        result = send_verification_reminders.enqueue()
        assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
        assert mail.outbox == []
        call_command(
            "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
        )
        result.refresh()
        assert result.status == "SUCCESSFUL"
        assert result.return_value == 1
    assert len(mail.outbox) == 2
    stale.refresh_from_db()
    assert stale.verification_reminder_sent_at is not None


def test_the_remind_command_queues_the_reminders(personas, stale):
    out = io.StringIO()
    call_command("directory", "remind", stdout=out)
    assert "Queued the reminder task" in out.getvalue()
    assert len(mail.outbox) == 2  # the test settings run queued tasks immediately
    make_service("Another stale one", organization=stale.organization, verified_days_ago=300)
    call_command("directory", "remind", "--now", stdout=out)
    assert "Sent 1 reminder(s)." in out.getvalue()
