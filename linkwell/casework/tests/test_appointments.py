"""Contacts and appointments: booking, outcomes, rebooking, first contact, the .ics feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework import services
from linkwell.casework.models import (
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    Case,
    CaseReferral,
    CaseStatus,
)
from linkwell.casework.selectors import calendar_token
from linkwell.casework.tests.factories import case_for, make_case, make_person
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    Referral,
    ReferralSource,
    ReferralStatus,
)
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _in(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def _book(personas: Personas, case: Case, **fields: object) -> Appointment:
    args: dict[str, object] = {"kind": AppointmentKind.WELLBEING_REVIEW, "starts_at": _in(3)}
    args.update(fields)
    return services.appointment_book(actor=personas.link_worker, case=case, **args)  # type: ignore[arg-type]


def test_a_wellbeing_review_is_45_minutes_and_moves_the_case_to_review_booked(
    personas: Personas,
) -> None:
    case = case_for(personas)
    appointment = _book(personas, case, venue="Caxton Surgery, room 2")
    assert appointment.duration_minutes == 45
    assert appointment.with_user == personas.link_worker
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW_BOOKED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"casework.appointment_booked", "casework.case_status_changed"} <= actions


def test_booking_a_phone_call_leaves_the_status_alone(personas: Personas) -> None:
    case = case_for(personas)
    appointment = _book(personas, case, kind=AppointmentKind.PHONE)
    assert appointment.duration_minutes == 15
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_at": None}, "starts_at", "Enter the date and time"),
        ({"starts_at": _in(-400)}, "starts_at", "within the last 90 days"),
        ({"starts_at": _in(800)}, "starts_at", "within a year"),
        ({"duration_minutes": 0}, "duration_minutes", "between 5 and 480"),
        ({"kind": "seance"}, "kind", "Choose the kind of contact"),
        ({"venue": "x" * 201}, "venue", "200 characters or fewer"),
    ],
)
def test_it_refuses_bad_bookings_with_a_specific_message(
    personas: Personas, fields: dict[str, object], field: str, message: str
) -> None:
    case = case_for(personas)
    with pytest.raises(ValidationFailed) as exc:
        _book(personas, case, **fields)
    assert message in " ".join(exc.value.errors[field])
    assert not Appointment.objects.exists()


def test_a_dormant_case_cannot_be_booked(personas: Personas) -> None:
    case = case_for(personas, status=CaseStatus.DORMANT)
    with pytest.raises(ValidationFailed, match="reopen it before booking"):
        _book(personas, case)


def test_the_first_attended_contact_sets_first_contact_and_codes_the_referral(
    personas: Personas,
) -> None:
    case = case_for(personas)
    referral = Referral.objects.create(
        person=case.person,
        link_worker_service=personas.link_worker_service,
        source=ReferralSource.GP_PRACTICE,
        status=ReferralStatus.ACCEPTED,
        received_at=_in(-10),
    )
    CaseReferral.objects.create(case=case, referral=referral)
    appointment = _book(personas, case, kind=AppointmentKind.PHONE, starts_at=_in(-1))
    services.appointment_record_outcome(
        actor=personas.link_worker,
        appointment=appointment,
        outcome=AppointmentOutcome.ATTENDED,
        expected_version=appointment.version,
    )
    case.refresh_from_db()
    assert case.first_contact_at == appointment.starts_at
    assert case.status == CaseStatus.CONTACTED
    referral.refresh_from_db()
    assert referral.snomed_code == SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING


def test_booking_a_review_moves_the_case_through_its_status_service(personas: Personas) -> None:
    case = case_for(personas, status=CaseStatus.CONTACTED)
    stale = case.version
    _book(personas, case)
    event = AuditEvent.objects.get(action="casework.case_status_changed", object_id=str(case.uuid))
    assert event.changes == {"status": [CaseStatus.CONTACTED, CaseStatus.REVIEW_BOOKED]}
    assert event.detail == {"reason": "wellbeing review booked"}
    # The move bumped the version, so a case form opened before the booking is refused.
    with pytest.raises(ConcurrentEditError):
        services.case_set_next_contact(
            actor=personas.link_worker,
            case=case,
            next_contact_due=timezone.localdate(),
            expected_version=stale,
        )


def test_booking_a_review_leaves_an_active_case_where_it_is(
    personas: Personas,
) -> None:
    case = case_for(personas, status=CaseStatus.ACTIVE)
    _book(personas, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert not AuditEvent.objects.filter(action="casework.case_status_changed").exists()


def test_the_first_attended_contact_is_dated_from_the_appointment_on_the_referral(
    personas: Personas,
) -> None:
    case = case_for(personas)
    referral = Referral.objects.create(
        person=case.person,
        link_worker_service=personas.link_worker_service,
        source=ReferralSource.GP_PRACTICE,
        status=ReferralStatus.ACCEPTED,
        received_at=_in(-10),
    )
    CaseReferral.objects.create(case=case, referral=referral)
    appointment = _book(personas, case, kind=AppointmentKind.PHONE, starts_at=_in(-2))
    services.appointment_record_outcome(
        actor=personas.link_worker,
        appointment=appointment,
        outcome=AppointmentOutcome.ATTENDED,
        expected_version=appointment.version,
    )
    referral.refresh_from_db()
    assert referral.first_contact_at == appointment.starts_at
    event = AuditEvent.objects.get(action="casework.case_status_changed", object_id=str(case.uuid))
    assert event.changes == {"status": [CaseStatus.NEW, CaseStatus.CONTACTED]}
    assert event.detail == {"reason": "first contact attended"}
    assert AuditEvent.objects.filter(action="referrals.referral_first_contact").count() == 1


def test_a_contact_in_the_future_cannot_be_marked_attended(personas: Personas) -> None:
    case = case_for(personas)
    appointment = _book(personas, case)
    with pytest.raises(ValidationFailed, match="has not happened yet"):
        services.appointment_record_outcome(
            actor=personas.link_worker,
            appointment=appointment,
            outcome=AppointmentOutcome.ATTENDED,
            expected_version=appointment.version,
        )


def test_an_outcome_is_recorded_once_and_a_stale_form_is_refused(personas: Personas) -> None:
    case = case_for(personas)
    appointment = _book(personas, case, starts_at=_in(-1))
    stale = appointment.version
    services.appointment_record_outcome(
        actor=personas.link_worker,
        appointment=Appointment.objects.get(pk=appointment.pk),
        outcome=AppointmentOutcome.DID_NOT_ATTEND,
        expected_version=stale,
    )
    with pytest.raises(ValidationFailed, match="already recorded as “did not attend”"):
        services.appointment_record_outcome(
            actor=personas.link_worker,
            appointment=Appointment.objects.get(pk=appointment.pk),
            outcome=AppointmentOutcome.ATTENDED,
            expected_version=stale + 1,
        )
    appointment.refresh_from_db()
    assert appointment.outcome == AppointmentOutcome.DID_NOT_ATTEND


def test_a_stale_outcome_form_is_refused(personas: Personas) -> None:
    case = case_for(personas)
    appointment = _book(personas, case, starts_at=_in(-1))
    Appointment.objects.filter(pk=appointment.pk).update(version=5)
    with pytest.raises(ConcurrentEditError):
        services.appointment_record_outcome(
            actor=personas.link_worker,
            appointment=appointment,
            outcome=AppointmentOutcome.ATTENDED,
            expected_version=1,
        )


def test_a_missed_review_is_rebooked_as_a_new_linked_appointment(personas: Personas) -> None:
    case = case_for(personas)
    missed = _book(personas, case, starts_at=_in(-1), venue="Library")
    services.appointment_record_outcome(
        actor=personas.link_worker,
        appointment=missed,
        outcome=AppointmentOutcome.DID_NOT_ATTEND,
        expected_version=missed.version,
    )
    missed.refresh_from_db()
    new = services.appointment_rebook(
        actor=personas.link_worker,
        appointment=missed,
        starts_at=_in(7),
        expected_version=missed.version,
    )
    assert new.rebooked_from == missed
    assert (new.kind, new.venue, new.outcome) == (
        AppointmentKind.WELLBEING_REVIEW,
        "Library",
        AppointmentOutcome.BOOKED,
    )
    with pytest.raises(ValidationFailed, match="already been rebooked"):
        services.appointment_rebook(
            actor=personas.link_worker,
            appointment=missed,
            starts_at=_in(8),
            expected_version=missed.version,
        )


def test_rebooking_a_booked_appointment_cancels_it(personas: Personas) -> None:
    case = case_for(personas)
    booked = _book(personas, case)
    services.appointment_rebook(
        actor=personas.link_worker, appointment=booked, starts_at=_in(9), expected_version=1
    )
    booked.refresh_from_db()
    assert booked.outcome == AppointmentOutcome.CANCELLED
    assert Appointment.objects.count() == 2


# --- The .ics feed -----------------------------------------------------------------------------


def _unfold(body: str) -> list[str]:
    """RFC 5545 3.1: CRLF followed by a space or tab continues the previous line."""
    assert "\n" not in body.replace("\r\n", "")
    return body.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def _events(body: str) -> list[dict[str, str]]:
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in _unfold(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None and line:
            name, _, value = line.partition(":")
            current[name] = value
    return events


def test_the_calendar_feed_lists_the_workers_appointments_with_minimal_personal_data(
    personas: Personas,
) -> None:
    person = make_person(given_name="Joan", family_name="Hughes")
    case = case_for(personas, person=person)
    _book(personas, case, venue="Oswestry Library; room 2, upstairs")
    _book(personas, case, kind=AppointmentKind.HOME_VISIT, venue="3 Church Street")
    other = make_case(service=personas.link_worker_service, assigned_to=personas.team_manager)
    services.appointment_book(
        actor=personas.team_manager,
        case=other,
        kind=AppointmentKind.PHONE,
        starts_at=_in(2),
    )
    url = reverse("casework:calendar_feed", kwargs={"token": calendar_token(personas.link_worker)})
    response = Client().get(url)  # no session: calendar apps cannot sign in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    lines = _unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    assert all(len(raw.encode()) <= 75 for raw in body.split("\r\n"))
    events = _events(body)
    assert len(events) == 2
    review = next(e for e in events if e["SUMMARY"].startswith("Wellbeing review"))
    assert review["SUMMARY"] == f"Wellbeing review: JH (case {case.uuid.hex[:8].upper()})"
    assert review["LOCATION"] == "Oswestry Library\\; room 2\\, upstairs"
    assert review["DTSTART"].endswith("Z") and review["DTEND"].endswith("Z")
    start = dt.datetime.strptime(review["DTSTART"], "%Y%m%dT%H%M%SZ")
    end = dt.datetime.strptime(review["DTEND"], "%Y%m%dT%H%M%SZ")
    assert end - start == dt.timedelta(minutes=45)
    assert {"UID", "DTSTAMP"} <= set(review)
    assert "Joan" not in body and "Hughes" not in body
    visit = next(e for e in events if e["SUMMARY"].startswith("Home visit"))
    assert "LOCATION" not in visit  # a home visit's venue is the person's address
    assert "Church Street" not in body
    assert AuditEvent.objects.filter(object_type="casework.calendar_feed").count() == 1


def test_a_wrong_calendar_token_gets_404(personas: Personas) -> None:
    token = calendar_token(personas.link_worker)
    bad = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert Client().get(reverse("casework:calendar_feed", kwargs={"token": bad})).status_code == 404


def test_changing_the_password_revokes_the_calendar_link(personas: Personas) -> None:
    token = calendar_token(personas.link_worker)
    personas.link_worker.set_password("Another-Horse-99!")
    personas.link_worker.save()
    url = reverse("casework:calendar_feed", kwargs={"token": token})
    assert Client().get(url).status_code == 404


def test_a_commissioner_has_no_calendar_feed(personas: Personas) -> None:
    url = reverse("casework:calendar_feed", kwargs={"token": calendar_token(personas.commissioner)})
    assert Client().get(url).status_code == 404
