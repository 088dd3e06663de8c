import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import MessageBack
from linkwell.connections.mail import connection_send_response_reminder, connections_due_reminder
from linkwell.connections.models import Attendance, ConnectionReason, ConnectionStatus
from linkwell.connections.selectors import connections_needing_attention, provider_inbox
from linkwell.connections.services import (
    attendance_record,
    connection_accept,
    connection_acknowledge,
    connection_cancel,
    connection_complete,
    connection_fail,
    connection_hold,
    connection_mark_lapsed,
    connection_reject,
    connection_resume,
    connection_signpost,
    provision_gap_record,
)
from linkwell.connections.sharing import NO_CONSENT, SHARED_FIELDS, age_band
from linkwell.connections.tasks import connections_daily
from linkwell.connections.workdays import add_working_days
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.directory.models import ServiceStatus
from linkwell.directory.taxonomies import taxonomy_seed
from linkwell.directory.tests.factories import make_term
from linkwell.people.models import ContactMethod
from linkwell.referrals.models import Referral

from .factories import SAFEGUARDING, SECRET_NOTE, journey_case, refer, shed_service

S = ConnectionStatus


@pytest.fixture
def case(personas):
    return journey_case(personas, phone="07700 900123", preferred=ContactMethod.PHONE)


@pytest.fixture
def shed(personas):
    return shed_service(personas)


# --- What is shared -------------------------------------------------------------------------


def test_a_referral_shares_only_first_name_age_band_and_the_contact_the_method_needs(
    personas, case, shed
):
    connection = refer(personas, case, shed, message="Keen on woodwork")
    shared = connection.shared
    assert set(shared) == set(SHARED_FIELDS)
    assert shared["first_name"] == "Joan"
    assert shared["contact_method"] == "Phone"
    assert shared["contact"] == "07700 900123"
    assert shared["age_band"] == age_band(dt.date(1948, 5, 17))
    text = repr(shared)
    for secret in ("9434765919", "Hughes", "1948", "Church Street", SECRET_NOTE, SAFEGUARDING):
        assert secret not in text
    assert "Lonely since" not in text  # the referral details stay with the link worker


def test_access_needs_are_shared_only_when_the_link_worker_ticks_the_box(personas, case, shed):
    case.person.accessibility_needs = "Uses a wheelchair"
    case.person.save()
    assert refer(personas, case, shed).shared["access_needs"] == ""
    other = shed_service(personas, name="Repair cafe")
    assert refer(personas, case, other, share_access_needs=True).shared["access_needs"] == (
        "Uses a wheelchair"
    )


def test_it_refuses_a_referral_when_the_person_did_not_agree_to_share(personas, shed):
    case = journey_case(personas, consent_to_share=False)
    with pytest.raises(ValidationFailed, match=NO_CONSENT):
        refer(personas, case, shed)
    assert not case.connections.exists()


def test_consent_is_read_from_the_latest_referral(personas, case, shed):
    Referral.objects.filter(case_link__case=case).update(consent_to_share=False)
    with pytest.raises(ValidationFailed, match="not agreed to share"):
        refer(personas, case, shed)


def test_age_bands_never_reveal_the_date_of_birth():
    today = dt.date(2026, 6, 1)
    assert age_band(dt.date(1948, 5, 17), today) == "75 to 84"
    assert age_band(dt.date(1948, 6, 2), today) == "75 to 84"
    assert age_band(dt.date(1930, 1, 1), today) == "85 and over"
    assert age_band(dt.date(2010, 1, 1), today) == "under 18"


# --- Guards when referring --------------------------------------------------------------------


def test_it_refuses_a_referral_to_a_signposting_only_service(personas, case):
    service = shed_service(personas, referrals=False)
    with pytest.raises(ValidationFailed, match="signposting only"):
        refer(personas, case, service)
    assert not case.connections.exists()


def test_it_refuses_a_referral_to_an_inactive_service(personas, case):
    service = shed_service(personas, status=ServiceStatus.INACTIVE)
    with pytest.raises(ValidationFailed, match="inactive"):
        refer(personas, case, service)


def test_it_refuses_a_referral_to_a_full_service(personas, case):
    service = shed_service(personas, capacity_available=0, capacity_maximum=12)
    with pytest.raises(ValidationFailed, match="no places"):
        refer(personas, case, service)


def test_it_refuses_a_second_open_referral_to_the_same_service(personas, case, shed):
    refer(personas, case, shed)
    with pytest.raises(ValidationFailed, match="already has an open referral"):
        refer(personas, case, shed)
    assert case.connections.count() == 1


def test_a_signpost_is_recorded_as_completed_at_once(personas, case):
    service = shed_service(personas, referrals=False)
    connection = connection_signpost(actor=personas.link_worker, case=case, service=service)
    assert connection.status == S.COMPLETED and connection.shared == {}
    event = AuditEvent.objects.get(action="connections.signposted")
    assert event.person_id == str(case.person.uuid)


def test_a_referral_starts_the_response_window_and_emails_the_provider(
    personas, case, shed, django_capture_on_commit_callbacks, settings
):
    settings.REFERRAL_RESPONSE_WORKING_DAYS = 10
    with django_capture_on_commit_callbacks(execute=True):
        connection = refer(personas, case, shed)
    assert connection.status == S.REQUESTED
    assert connection.respond_by == add_working_days(timezone.localdate(), 10)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["hello@shed.example"]
    # Plain text: the service's apostrophe arrives as written, not HTML-escaped.
    assert email.subject.startswith("New referral to Men's Shed woodwork (ref ")
    assert "&#x27;" not in str(email.subject) + str(email.body)
    assert "/provider/r/" in email.body
    # An inbox is not a safe place for health data: no name, no contact details.
    assert "Joan" not in email.body and "07700" not in email.body
    event = AuditEvent.objects.get(action="connections.referral_requested")
    assert event.person_id == str(case.person.uuid)
    # The development backend only hands it to the console mail: the audit says so.
    assert not AuditEvent.objects.filter(action="connections.referral_email_sent").exists()
    email_event = AuditEvent.objects.get(action="connections.referral_email_not_sent")
    assert email_event.detail["outcome"] == "not sent (development backend)"


# --- Lifecycle --------------------------------------------------------------------------------


def test_the_provider_accepts_records_attendance_and_completes(personas, case, shed):
    connection = refer(personas, case, shed)
    owner = personas.owner
    connection = connection_accept(actor=owner, connection=connection, expected_version=1)
    assert connection.status == S.ACCEPTED and connection.responded_at is not None
    attendance_record(
        actor=owner,
        connection=connection,
        expected_version=connection.version,
        session_on=timezone.localdate(),
    )
    connection.refresh_from_db()
    assert connection.status == S.IN_PROGRESS
    connection = connection_hold(
        actor=owner, connection=connection, expected_version=connection.version
    )
    connection = connection_resume(
        actor=owner, connection=connection, expected_version=connection.version
    )
    connection = connection_complete(
        actor=owner, connection=connection, expected_version=connection.version
    )
    assert connection.status == S.COMPLETED and connection.closed_at is not None
    actions = set(
        AuditEvent.objects.filter(person_id=str(case.person.uuid)).values_list("action", flat=True)
    )
    assert {
        "connections.referral_accepted",
        "connections.referral_started",
        "connections.attendance_recorded",
        "connections.referral_on_hold",
        "connections.referral_resumed",
        "connections.referral_completed",
    } <= actions


def test_accepting_and_completing_write_the_connected_message_back(personas, case, shed):
    connection = refer(personas, case, shed)
    connection = connection_accept(actor=personas.owner, connection=connection, expected_version=1)
    assert MessageBack.objects.filter(case=case, stage=MessageBack.Stage.CONNECTED).count() == 1
    connection_complete(
        actor=personas.owner, connection=connection, expected_version=connection.version
    )
    assert MessageBack.objects.filter(case=case, stage=MessageBack.Stage.CONNECTED).count() == 2


@pytest.mark.parametrize(
    "act",
    [
        lambda p, c: connection_complete(actor=p.owner, connection=c, expected_version=c.version),
        lambda p, c: connection_hold(actor=p.owner, connection=c, expected_version=c.version),
        lambda p, c: connection_resume(actor=p.owner, connection=c, expected_version=c.version),
    ],
)
def test_it_refuses_transitions_the_state_does_not_allow(personas, case, shed, act):
    connection = refer(personas, case, shed)
    with pytest.raises(ValidationFailed):
        act(personas, connection)
    connection.refresh_from_db()
    assert connection.status == S.REQUESTED and connection.version == 1


def test_a_declined_referral_cannot_be_accepted_afterwards(personas, case, shed):
    connection = refer(personas, case, shed)
    connection = connection_reject(
        actor=personas.owner,
        connection=connection,
        expected_version=1,
        reason=ConnectionReason.NO_CAPACITY,
    )
    with pytest.raises(ValidationFailed, match="declined by provider"):
        connection_accept(
            actor=personas.owner, connection=connection, expected_version=connection.version
        )


def test_declining_needs_a_known_reason_and_detail_for_other(personas, case, shed):
    connection = refer(personas, case, shed)
    with pytest.raises(ValidationFailed, match="Choose a reason"):
        connection_reject(
            actor=personas.owner, connection=connection, expected_version=1, reason="bored"
        )
    with pytest.raises(ValidationFailed, match="Say why"):
        connection_reject(
            actor=personas.owner, connection=connection, expected_version=1, reason="other"
        )
    connection.refresh_from_db()
    assert connection.status == S.REQUESTED


def test_a_stale_version_is_refused_and_nothing_changes(personas, case, shed):
    connection = refer(personas, case, shed)
    connection_accept(actor=personas.owner, connection=connection, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        connection_cancel(actor=personas.link_worker, connection=connection, expected_version=1)
    connection.refresh_from_db()
    assert connection.status == S.ACCEPTED


def test_a_decline_or_a_stop_returns_the_referral_to_the_link_worker(personas, case, shed):
    connection = refer(personas, case, shed)
    connection_reject(
        actor=personas.owner,
        connection=connection,
        expected_version=1,
        reason=ConnectionReason.NOT_ELIGIBLE,
    )
    flagged = list(connections_needing_attention(personas.link_worker))
    assert flagged == [connection]
    assert list(connections_needing_attention(personas.other_team_link_worker)) == []
    connection.refresh_from_db()
    connection_acknowledge(
        actor=personas.link_worker, connection=connection, expected_version=connection.version
    )
    assert not connections_needing_attention(personas.link_worker).exists()


def test_stopping_carries_a_reason(personas, case, shed):
    connection = refer(personas, case, shed)
    connection = connection_accept(actor=personas.owner, connection=connection, expected_version=1)
    connection = connection_fail(
        actor=personas.owner,
        connection=connection,
        expected_version=connection.version,
        reason=ConnectionReason.DID_NOT_ATTEND,
    )
    assert connection.status == S.FAILED and connection.reason == "did_not_attend"
    assert connection.attention_at is not None


def test_attendance_is_refused_for_a_future_date_a_repeat_or_an_unanswered_referral(
    personas, case, shed
):
    connection = refer(personas, case, shed)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="cannot be recorded"):
        attendance_record(
            actor=personas.owner, connection=connection, expected_version=1, session_on=today
        )
    connection = connection_accept(actor=personas.owner, connection=connection, expected_version=1)
    with pytest.raises(ValidationFailed, match="today or in the past"):
        attendance_record(
            actor=personas.owner,
            connection=connection,
            expected_version=connection.version,
            session_on=today + dt.timedelta(days=1),
        )
    attendance_record(
        actor=personas.owner,
        connection=connection,
        expected_version=connection.version,
        session_on=today,
    )
    connection.refresh_from_db()
    with pytest.raises(ValidationFailed, match="already recorded"):
        attendance_record(
            actor=personas.owner,
            connection=connection,
            expected_version=connection.version,
            session_on=today,
        )
    assert Attendance.objects.filter(connection=connection).count() == 1


# --- Response window: reminders and lapses ----------------------------------------------------


def test_a_referral_past_its_window_lapses_once_and_returns_to_the_link_worker(
    personas, case, shed
):
    connection = refer(personas, case, shed)
    connection.respond_by = timezone.localdate() - dt.timedelta(days=1)
    connection.save(update_fields=["respond_by"])
    assert connection_mark_lapsed(connection=connection) is True
    assert connection_mark_lapsed(connection=connection) is False
    connection.refresh_from_db()
    assert connection.status == S.REQUESTED and connection.lapsed_at is not None
    assert list(connections_needing_attention(personas.link_worker)) == [connection]
    assert AuditEvent.objects.filter(action="connections.referral_lapsed").count() == 1


def test_a_referral_still_in_its_window_does_not_lapse(personas, case, shed):
    connection = refer(personas, case, shed)
    assert connection_mark_lapsed(connection=connection) is False


def test_the_provider_is_reminded_once_shortly_before_the_window_ends(
    personas, case, shed, settings
):
    settings.REFERRAL_REMIND_WORKING_DAYS_BEFORE = 2
    connection = refer(personas, case, shed)
    assert not connections_due_reminder().filter(pk=connection.pk).exists()
    connection.respond_by = add_working_days(timezone.localdate(), 1)
    connection.save(update_fields=["respond_by"])
    mail.outbox.clear()
    assert connection_send_response_reminder(connection=connection) is True
    assert connection_send_response_reminder(connection=connection) is False
    assert len(mail.outbox) == 1 and "Reminder" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="connections.response_reminder_not_sent").count() == 1


def test_with_the_email_backend_the_audit_says_the_reminder_was_sent(
    personas, case, shed, settings
):
    settings.NOTIFY_BACKEND = "linkwell.core.notify.EmailBackend"
    connection = refer(personas, case, shed)
    connection.respond_by = timezone.localdate()
    connection.save(update_fields=["respond_by"])
    assert connection_send_response_reminder(connection=connection) is True
    event = AuditEvent.objects.get(action="connections.response_reminder_sent")
    assert event.detail["outcome"] == "sent"


def test_the_daily_job_marks_lapses_and_sends_reminders(personas, case, shed):
    late = refer(personas, case, shed)
    late.respond_by = timezone.localdate() - dt.timedelta(days=3)
    late.save(update_fields=["respond_by"])
    soon = refer(personas, case, shed_service(personas, name="Repair cafe"))
    soon.respond_by = timezone.localdate()
    soon.save(update_fields=["respond_by"])
    mail.outbox.clear()
    assert connections_daily.call() == {"lapsed": 1, "reminded": 1}
    assert connections_daily.call() == {"lapsed": 0, "reminded": 0}


# --- Provider scoping -------------------------------------------------------------------------


def test_provider_staff_see_only_referrals_to_their_own_services(personas, case, shed):
    from .factories import walking_service

    mine = refer(personas, case, shed)
    refer(personas, case, walking_service(personas))
    assert list(provider_inbox(personas.owner)) == [mine]
    assert list(provider_inbox(personas.read_only)) == [mine]
    assert len(provider_inbox(personas.outsider)) == 1
    assert mine not in provider_inbox(personas.outsider)


# --- Gaps in provision ------------------------------------------------------------------------


def test_a_gap_records_a_need_from_the_needs_taxonomy(personas, case):
    taxonomy_seed()
    from linkwell.connections.services import need_choices

    need = need_choices()[0]
    gap = provision_gap_record(
        actor=personas.link_worker,
        case=case,
        need=need,
        description="No men's group within 10 miles",
        place="Oswestry",
        who="men over 70",
    )
    assert gap.link_worker_service == personas.link_worker_service
    assert AuditEvent.objects.get(action="connections.gap_recorded").person_id == str(
        case.person.uuid
    )


def test_a_gap_needs_a_description_and_a_term_from_the_needs_list(personas, case):
    other = make_term("Woodwork")
    with pytest.raises(ValidationFailed) as exc:
        provision_gap_record(actor=personas.link_worker, case=case, need=other, description=" ")
    assert set(exc.value.errors) == {"need", "description"}
    assert not case.gaps.exists()
