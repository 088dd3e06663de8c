"""Follow-up reminders through GOV.UK Notify (a local server speaking its API): the reminder
leaves with its template, the delivery receipt is recorded, and failures reach the link worker."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.followup import follow_up_schedule_create, send_follow_up_reminders
from linkwell.casework.models import Case, CaseStatus, FollowUp
from linkwell.casework.tests.factories import referred_case
from linkwell.notifications.models import MessageStatus, NotifyMessage
from linkwell.notifications.tests.fixtures import (
    CALLBACK_TOKEN,
    REMINDER_EMAIL,
    REMINDER_SMS,
    local_notify,
    receipt,
)
from linkwell.notifications.tests.local_notify import LocalNotify
from linkwell.people.models import ContactMethod
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db
__all__ = ["local_notify"]


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _due_tomorrow(personas: Personas, **case_kwargs: object) -> tuple[Case, FollowUp]:
    case = referred_case(personas, status=CaseStatus.ACTIVE, **case_kwargs)  # type: ignore[arg-type]
    follow_up_schedule_create(actor=personas.link_worker, case=case, start=timezone.localdate())
    follow_up = FollowUp.objects.filter(case=case).order_by("due_on").first()
    assert follow_up is not None
    follow_up.due_on = timezone.localdate() + dt.timedelta(days=1)
    follow_up.save(update_fields=["due_on"])
    return case, follow_up


def _post_receipt(payload: dict[str, object]) -> int:
    response = Client(enforce_csrf_checks=True).post(
        "/notifications/receipts/",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"},
    )
    return response.status_code


def test_a_due_reminder_goes_through_notify_and_its_delivery_receipt_is_recorded(
    personas: Personas, local_notify: LocalNotify
) -> None:
    case, follow_up = _due_tomorrow(
        personas, preferred=ContactMethod.TEXT, phone="07700 900123", email=""
    )
    assert send_follow_up_reminders.call() == 1
    [request] = local_notify.requests
    assert request.path == "/v2/notifications/sms"
    assert request.json["phone_number"] == "07700900123"
    assert request.json["template_id"] == REMINDER_SMS
    body = request.json["personalisation"]["body"]
    assert body.startswith("Hello Joan,") and "4-week review" in body
    assert "Lonely" not in body  # the referral's words never go in a reminder
    [event] = AuditEvent.objects.filter(action="casework.follow_up_reminder_sent")
    assert event.detail["outcome"] == "sent"
    assert event.detail["reference"] == request.notification_id

    message = NotifyMessage.objects.get()
    assert message.about == f"casework.followup:{follow_up.uuid}"
    assert message.person == case.person
    url = reverse("casework:follow_up_complete", args=[case.uuid, follow_up.uuid])
    assert ": handed to GOV.UK Notify." in _client(personas.link_worker).get(url).content.decode()
    assert _post_receipt(receipt(request.notification_id, "delivered")) == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED

    page = _client(personas.link_worker).get(
        reverse("casework:follow_up_complete", args=[case.uuid, follow_up.uuid])
    )
    assert "Reminder by text message on" in page.content.decode()
    assert ": delivered." in page.content.decode()


def test_a_permanent_failure_flags_the_number_and_the_next_reminder_goes_by_email(
    personas: Personas, local_notify: LocalNotify
) -> None:
    case, follow_up = _due_tomorrow(personas, preferred=ContactMethod.TEXT, phone="07700 900123")
    assert send_follow_up_reminders.call() == 1
    [texted] = local_notify.requests
    assert _post_receipt(receipt(texted.notification_id, "permanent-failure")) == 200
    person = case.person
    person.refresh_from_db()
    assert person.sms_unreachable

    # The link worker sees it where the reminder is shown.
    page = (
        _client(personas.link_worker)
        .get(reverse("casework:follow_up_complete", args=[case.uuid, follow_up.uuid]))
        .content.decode()
    )
    assert "Reminder not delivered" in page and "does not work" in page

    # The next follow-up's reminder avoids the number and goes by email.
    follow_up.completed_at = timezone.now()
    follow_up.save(update_fields=["completed_at"])
    later = FollowUp.objects.filter(case=case, completed_at__isnull=True).order_by("due_on")[0]
    later.due_on = timezone.localdate() + dt.timedelta(days=1)
    later.save(update_fields=["due_on"])
    assert send_follow_up_reminders.call() == 1
    emailed = local_notify.requests[-1]
    assert emailed.path == "/v2/notifications/email"
    assert emailed.json["email_address"] == "joan@example.org"
    assert emailed.json["template_id"] == REMINDER_EMAIL


def test_with_a_flagged_number_and_no_email_the_worker_phones(
    personas: Personas, local_notify: LocalNotify
) -> None:
    case, follow_up = _due_tomorrow(
        personas, preferred=ContactMethod.TEXT, phone="07700 900123", email=""
    )
    person = case.person
    person.sms_unreachable_number = "+447700900123"
    person.save(update_fields=["sms_unreachable_number"])
    assert send_follow_up_reminders.call() == 0
    assert not local_notify.requests
    follow_up.refresh_from_db()
    assert follow_up.reminder_sent_at is None


@pytest.mark.parametrize("status", ["temporary-failure", "technical-failure"])
def test_a_reminder_that_failed_on_the_way_is_shown_to_the_link_worker(
    personas: Personas, local_notify: LocalNotify, status: str
) -> None:
    case, follow_up = _due_tomorrow(personas, preferred=ContactMethod.TEXT, phone="07700 900123")
    send_follow_up_reminders.call()
    assert _post_receipt(receipt(local_notify.requests[0].notification_id, status)) == 200
    page = (
        _client(personas.link_worker)
        .get(reverse("casework:follow_up_complete", args=[case.uuid, follow_up.uuid]))
        .content.decode()
    )
    assert "Reminder not delivered" in page and "Contact them another way" in page
    case.person.refresh_from_db()
    assert not case.person.sms_unreachable


def test_a_refused_reminder_is_not_recorded_as_sent_and_is_tried_again(
    personas: Personas, local_notify: LocalNotify
) -> None:
    _case, follow_up = _due_tomorrow(personas)
    local_notify.fail_next(
        429,
        [{"error": "TooManyRequestsError", "message": "Exceeded send limits (250000) for today"}],
    )
    assert send_follow_up_reminders.call() == 0
    follow_up.refresh_from_db()
    assert follow_up.reminder_sent_at is None
    assert not AuditEvent.objects.filter(action="casework.follow_up_reminder_sent").exists()
    [failed] = AuditEvent.objects.filter(action="casework.follow_up_reminder_failed")
    assert "sending limit was reached (429)" in failed.detail["error"]
    assert send_follow_up_reminders.call() == 1  # the next run sends it


def test_the_flag_shows_on_the_person_page_to_the_case_team_only(
    personas: Personas, local_notify: LocalNotify
) -> None:
    case, _follow_up = _due_tomorrow(personas, preferred=ContactMethod.TEXT, phone="07700 900123")
    send_follow_up_reminders.call()
    _post_receipt(receipt(local_notify.requests[0].notification_id, "permanent-failure"))
    url = reverse("people:detail", args=[case.person.uuid])
    page = _client(personas.link_worker).get(url)
    assert page.status_code == 200
    assert "Cannot receive texts" in page.content.decode()
    assert _client(personas.outsider).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
