"""Follow-ups: completing them, the caseload selector, and reminders to the person."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.followup import (
    follow_up_complete,
    follow_up_schedule_create,
    follow_ups_due,
    send_follow_up_reminders,
)
from linkwell.casework.models import Case, CaseStatus, FollowUp, FollowUpKind, MessageBack
from linkwell.casework.tests.factories import referred_case
from linkwell.core import notify
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.people.models import ContactMethod
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox() -> None:
    notify.outbox.clear()


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _scheduled(personas: Personas, *, start: dt.date | None = None, **case_kwargs: object) -> Case:
    case = referred_case(personas, status=CaseStatus.ACTIVE, **case_kwargs)  # type: ignore[arg-type]
    follow_up_schedule_create(
        actor=personas.link_worker, case=case, start=start or timezone.localdate()
    )
    return case


def _due_in(case: Case, days: int) -> FollowUp:
    follow_up = FollowUp.objects.filter(case=case).order_by("due_on").first()
    assert follow_up is not None
    follow_up.due_on = timezone.localdate() + dt.timedelta(days=days)
    follow_up.save(update_fields=["due_on"])
    return follow_up


# --- Completing --------------------------------------------------------------------------------


def test_completing_the_4_week_review_moves_the_case_on_and_tells_the_gp(
    personas: Personas,
) -> None:
    case = _scheduled(personas)
    review = FollowUp.objects.get(case=case, kind=FollowUpKind.REVIEW_4_WEEKS)
    follow_up_complete(
        actor=personas.link_worker, follow_up=review, notes="Goes to the coffee morning weekly."
    )
    review.refresh_from_db()
    case.refresh_from_db()
    assert review.completed_at is not None
    assert case.status == CaseStatus.FOLLOW_UP
    message = MessageBack.objects.get(stage=MessageBack.Stage.OUTCOME)
    assert "Goes to the coffee morning weekly." in message.summary["sections"]["outcome"]
    assert "3-month check-in" in message.summary["sections"]["next_steps"][0]


def test_a_completed_follow_up_moves_the_case_through_its_status_service(
    personas: Personas,
) -> None:
    case = _scheduled(personas)
    review = FollowUp.objects.get(case=case, kind=FollowUpKind.REVIEW_4_WEEKS)
    follow_up_complete(actor=personas.link_worker, follow_up=review, notes="Doing well.")
    event = AuditEvent.objects.get(action="casework.case_status_changed", object_id=str(case.uuid))
    assert event.changes == {"status": [CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP]}
    assert event.detail == {"reason": f"{review.get_kind_display()} completed"}


def test_a_follow_up_on_a_case_already_in_follow_up_leaves_the_status_alone(
    personas: Personas,
) -> None:
    case = _scheduled(personas)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.FOLLOW_UP)
    follow_up = FollowUp.objects.filter(case=case).order_by("due_on").first()
    assert follow_up is not None
    follow_up_complete(actor=personas.link_worker, follow_up=follow_up, notes="Still going.")
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP
    assert not AuditEvent.objects.filter(action="casework.case_status_changed").exists()


def test_a_follow_up_needs_notes_and_a_date_that_has_happened(personas: Personas) -> None:
    case = _scheduled(personas)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    with pytest.raises(ValidationFailed) as exc:
        follow_up_complete(
            actor=personas.link_worker,
            follow_up=follow_up,
            notes=" ",
            completed_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert set(exc.value.errors) == {"notes", "completed_on"}
    follow_up.refresh_from_db()
    assert follow_up.completed_at is None


def test_completing_a_follow_up_twice_is_refused(personas: Personas) -> None:
    case = _scheduled(personas)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    follow_up_complete(actor=personas.link_worker, follow_up=follow_up, notes="First")
    stale = FollowUp.objects.get(pk=follow_up.pk)
    stale.completed_at = None  # what a second, older page still believes
    with pytest.raises(ConcurrentEditError):
        follow_up_complete(actor=personas.link_worker_teammate, follow_up=stale, notes="Second")
    follow_up.refresh_from_db()
    assert follow_up.notes == "First"


def test_the_caseload_sees_its_teams_due_follow_ups_only(personas: Personas) -> None:
    mine = _scheduled(personas)
    theirs = _scheduled(personas, team=personas.other_team, given_name="Bob")
    _due_in(mine, 0)
    _due_in(theirs, 0)
    today = timezone.localdate()
    assert [f.case for f in follow_ups_due(user=personas.link_worker, on_or_before=today)] == [mine]
    assert [
        f.case for f in follow_ups_due(user=personas.other_team_link_worker, on_or_before=today)
    ] == [theirs]
    assert not follow_ups_due(user=personas.commissioner, on_or_before=today).exists()


def test_the_link_worker_records_the_review_from_the_page(personas: Personas) -> None:
    case = _scheduled(personas)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    url = reverse(
        "casework:follow_up_complete", kwargs={"case_id": case.uuid, "follow_up_id": follow_up.uuid}
    )
    client = _client(personas.link_worker_teammate)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"completed_on": "2025-13-01", "notes": ""})
    assert bad.status_code == 400
    assert "must be a real date" in bad.content.decode()
    ok = client.post(url, {"completed_on": timezone.localdate().isoformat(), "notes": "Doing well"})
    assert ok.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.notes == "Doing well"


def test_only_the_writable_team_can_record_a_follow_up(personas: Personas) -> None:
    case = _scheduled(personas)
    follow_up = FollowUp.objects.filter(case=case).first()
    assert follow_up is not None
    url = reverse(
        "casework:follow_up_complete", kwargs={"case_id": case.uuid, "follow_up_id": follow_up.uuid}
    )
    data = {"completed_on": timezone.localdate().isoformat(), "notes": "x"}
    assert _client(personas.read_only_link_worker).post(url, data).status_code == 403
    assert _client(personas.other_team_link_worker).post(url, data).status_code == 404
    assert _client(personas.referrer).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.completed_at is None


# --- Reminders ---------------------------------------------------------------------------------


@override_settings(NOTIFY_BACKEND="linkwell.core.notify.EmailBackend")
def test_a_person_who_agreed_is_emailed_once_before_the_follow_up(personas: Personas) -> None:
    case = _scheduled(personas)
    follow_up = _due_in(case, 2)
    assert send_follow_up_reminders.call() == 1
    assert mail.outbox[-1].to == ["joan@example.org"]
    body = mail.outbox[-1].body
    assert "4-week review" in body
    assert "Lonely" not in body  # the referral's words never go in a reminder
    assert send_follow_up_reminders.call() == 0
    follow_up.refresh_from_db()
    assert follow_up.reminder_sent_at is not None
    assert AuditEvent.objects.filter(action="casework.follow_up_reminder_sent").count() == 1


def test_nobody_is_reminded_without_consent_or_too_early(personas: Personas) -> None:
    no_consent = _scheduled(personas, consent_to_contact=False)
    _due_in(no_consent, 1)
    early = _scheduled(personas, given_name="Bob")
    _due_in(early, 20)
    letters = _scheduled(personas, given_name="Ann", preferred=ContactMethod.LETTER)
    _due_in(letters, 1)
    assert send_follow_up_reminders.call() == 0
    assert not mail.outbox


def test_the_development_backend_prints_a_text_and_says_it_was_not_sent(
    personas: Personas,
) -> None:
    case = _scheduled(personas, preferred=ContactMethod.TEXT, phone="07700 900123", email="")
    follow_up = _due_in(case, 1)
    assert send_follow_up_reminders.call() == 0  # nothing left Linkwell
    assert notify.outbox[-1].channel == notify.SMS
    assert notify.outbox[-1].to == "07700900123"
    assert not AuditEvent.objects.filter(action="casework.follow_up_reminder_sent").exists()
    [event] = AuditEvent.objects.filter(action="casework.follow_up_reminder_not_sent")
    assert event.detail["outcome"] == "not sent (development backend)"
    follow_up.refresh_from_db()
    assert follow_up.reminder_sent_at is not None  # handled: not printed again tomorrow
    assert send_follow_up_reminders.call() == 0 and len(notify.outbox) == 1


@override_settings(NOTIFY_BACKEND="linkwell.core.notify.EmailBackend")
def test_without_an_sms_provider_texts_are_not_attempted(personas: Personas) -> None:
    case = _scheduled(personas, preferred=ContactMethod.TEXT, phone="07700 900123")
    follow_up = _due_in(case, 1)
    assert send_follow_up_reminders.call() == 0
    follow_up.refresh_from_db()
    assert follow_up.reminder_sent_at is None


def test_a_failed_send_is_undone_so_a_later_run_tries_again(personas: Personas) -> None:
    case = _scheduled(personas, email="not-an-address")
    follow_up = _due_in(case, 1)
    assert send_follow_up_reminders.call() == 0
    follow_up.refresh_from_db()
    assert follow_up.reminder_sent_at is None
    assert AuditEvent.objects.filter(action="casework.follow_up_reminder_failed").exists()


def test_the_remind_command_queues_or_sends_the_reminders(personas: Personas) -> None:
    case = _scheduled(personas)
    _due_in(case, 0)
    out = StringIO()
    with override_settings(NOTIFY_BACKEND="linkwell.core.notify.EmailBackend"):
        call_command("casework", "remind", "--now", stdout=out)
    assert "Sent 1 reminder(s)." in out.getvalue()
    assert "development" not in out.getvalue()
    _due_in(_scheduled(personas, given_name="Bob"), 0)
    out = StringIO()
    call_command("casework", "remind", "--now", stdout=out)  # the development backend
    assert "Sent 0 reminder(s)." in out.getvalue()
    assert "printed here, not sent" in out.getvalue()
    out = StringIO()
    call_command("casework", "remind", stdout=out)  # the test task backend runs it at once
    assert "Queued the reminder task" in out.getvalue()


def test_a_malformed_schedule_setting_stops_start_up_with_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from linkwell.core.env import EnvError, env_int_list

    monkeypatch.setenv("LINKWELL_FOLLOW_UP_SCHEDULE_DAYS", "28, 91,six months")
    with pytest.raises(EnvError, match=r"LINKWELL_FOLLOW_UP_SCHEDULE_DAYS.*'six months'"):
        env_int_list("LINKWELL_FOLLOW_UP_SCHEDULE_DAYS", [28], minimum=1)
    monkeypatch.setenv("LINKWELL_FOLLOW_UP_SCHEDULE_DAYS", "0,28")
    with pytest.raises(EnvError, match="below the minimum"):
        env_int_list("LINKWELL_FOLLOW_UP_SCHEDULE_DAYS", [28], minimum=1)
    monkeypatch.setenv("LINKWELL_FOLLOW_UP_SCHEDULE_DAYS", " 14 , 60 ")
    assert env_int_list("LINKWELL_FOLLOW_UP_SCHEDULE_DAYS", [28], minimum=1) == [14, 60]
