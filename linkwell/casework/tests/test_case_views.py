"""The case page (/cases/<uuid>/) and what is done from it, for every persona."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.models import AuditEvent
from linkwell.casework import services
from linkwell.casework.models import (
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    Case,
    CaseNote,
    CaseStatus,
    Complexity,
    SafeguardingConcern,
)
from linkwell.casework.tests.factories import case_for, make_case, make_person
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


def _case(personas: Personas, **fields: Any) -> Case:
    return case_for(personas, person=make_person(given_name="Joan", family_name="Hughes"), **fields)


def _url(name: str, case: Case, **kwargs: Any) -> str:
    return reverse(f"casework:{name}", kwargs={"case_id": case.uuid, **kwargs})


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("link_worker", 200),
        ("link_worker_teammate", 200),
        ("read_only_link_worker", 200),
        ("team_manager", 200),
        ("other_team_link_worker", 404),
        ("commissioner", 404),
        ("owner", 404),
        ("referrer", 404),
    ],
)
def test_who_may_see_the_case_page(personas: Personas, persona: str, status: int) -> None:
    case = _case(personas)
    response = _client(getattr(personas, persona)).get(_url("case_detail", case))
    assert response.status_code == status
    if status == 200:
        assert "Joan" in response.content.decode()
        event = AuditEvent.objects.get(action="access", object_id=str(case.uuid))
        assert event.person_id == str(case.person.uuid)
    else:
        assert not AuditEvent.objects.filter(action="access").exists()


def test_anonymous_is_sent_to_sign_in_from_the_case_page(personas: Personas) -> None:
    case = _case(personas)
    response = Client().get(_url("case_detail", case))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("case_edit", {}),
        ("appointment_new", {}),
        ("safeguarding_new", {}),
        ("case_status", {"action": "contacted"}),
        ("note_add", {}),
    ],
)
def test_read_only_members_cannot_change_a_case_and_outsiders_get_404(
    personas: Personas, name: str, extra: dict[str, str]
) -> None:
    case = _case(personas)
    url = _url(name, case, **extra)
    data = {"version": case.version, "text": "x"}
    assert _client(personas.read_only_link_worker).post(url, data).status_code == 403
    assert _client(personas.other_team_link_worker).post(url, data).status_code == 404
    assert Client().post(url, data).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.version) == (CaseStatus.NEW, 1)
    assert not CaseNote.objects.exists()


def test_the_case_page_shows_the_timeline_and_links_to_review_and_plan(
    personas: Personas,
) -> None:
    case = _case(personas, status=CaseStatus.ACTIVE)
    services.case_note_add(actor=personas.link_worker, case=case, text="Likes gardening.")
    Appointment.objects.create(
        case=case,
        kind=AppointmentKind.WELLBEING_REVIEW,
        starts_at=timezone.now() - dt.timedelta(days=1),
        outcome=AppointmentOutcome.ATTENDED,
    )
    html = _client(personas.link_worker).get(_url("case_detail", case)).content.decode()
    assert "Likes gardening." in html
    assert "Wellbeing review: attended" in html
    assert f"/cases/{case.uuid}/plan/" in html
    assert f"/cases/{case.uuid}/review/new/" in html
    assert f"/cases/{case.uuid}/connect/" in html
    assert f"/cases/{case.uuid}/connections/" in html
    assert f"/cases/{case.uuid}/gaps/new/" in html


def test_a_sensitive_note_is_restricted_to_author_assigned_worker_and_managers(
    personas: Personas,
) -> None:
    case = _case(personas)
    services.case_note_add(
        actor=personas.link_worker_teammate,
        case=case,
        text="Disclosed a history of abuse.",
        sensitive=True,
    )
    services.case_note_add(actor=personas.link_worker, case=case, text="Ordinary note.")
    for persona in ("link_worker_teammate", "link_worker", "team_manager"):
        html = _client(getattr(personas, persona)).get(_url("case_detail", case)).content.decode()
        assert "Disclosed a history of abuse." in html, persona
    services.case_reassign(
        actor=personas.team_manager,
        case=case,
        assigned_to=personas.team_manager,
        expected_version=case.version,
    )
    for persona in ("link_worker", "read_only_link_worker"):
        html = _client(getattr(personas, persona)).get(_url("case_detail", case)).content.decode()
        assert "Disclosed a history of abuse." not in html, persona
        assert "Sensitive note — restricted" in html
        assert "Ordinary note." in html


def test_a_note_is_added_from_the_case_page(personas: Personas) -> None:
    case = _case(personas)
    client = _client(personas.link_worker)
    response = client.post(_url("note_add", case), {"text": "Rang, no answer.", "sensitive": "on"})
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.text, note.sensitive, note.author) == (
        "Rang, no answer.",
        True,
        personas.link_worker,
    )
    response = client.post(_url("note_add", case), {"text": ""})
    assert response.status_code == 400
    assert "Enter the note" in response.content.decode()


def test_status_buttons_move_the_case_and_illegal_moves_are_explained(
    personas: Personas,
) -> None:
    case = _case(personas)
    client = _client(personas.link_worker)
    response = client.post(
        _url("case_status", case, action="contacted"), {"version": case.version, "reason": ""}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED
    response = client.post(_url("case_status", case, action="follow-up"), {"version": case.version})
    assert response.status_code == 400
    assert "A case that is contacted cannot be moved to follow-up" in response.content.decode()
    response = client.post(_url("case_status", case, action="dormant"), {"version": case.version})
    assert "Say why the case is becoming dormant" in response.content.decode()
    response = client.post(
        _url("case_status", case, action="dormant"),
        {"version": case.version, "reason": "Moved to Wales."},
    )
    assert response.status_code == 302
    response = client.post(
        _url("case_status", case, action="reopen"),
        {"version": case.version + 1, "reason": "Back."},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_a_stale_status_change_is_refused_with_a_clear_message(personas: Personas) -> None:
    case = _case(personas)
    stale = case.version
    services.case_set_complexity(
        actor=personas.team_manager,
        case=case,
        complexity=Complexity.MODERATE,
        expected_version=stale,
    )
    response = _client(personas.link_worker).post(
        _url("case_status", case, action="contacted"), {"version": stale}
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_editing_complexity_assignee_and_next_contact(personas: Personas) -> None:
    case = _case(personas)
    client = _client(personas.link_worker)
    assert client.get(_url("case_edit", case)).status_code == 200
    response = client.post(
        _url("case_edit", case),
        {
            "version": case.version,
            "complexity": Complexity.COMPLEX,
            "assigned_to": str(personas.link_worker_teammate.uuid),
            "next_contact_due": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.complexity == Complexity.COMPLEX
    assert case.assigned_to == personas.link_worker_teammate
    assert case.next_contact_due == timezone.localdate() + dt.timedelta(days=2)


def test_a_stale_case_edit_changes_nothing(personas: Personas) -> None:
    case = _case(personas, complexity=Complexity.SIMPLE)
    stale = case.version
    services.case_set_next_contact(
        actor=personas.team_manager,
        case=case,
        next_contact_due=timezone.localdate(),
        expected_version=stale,
    )
    response = _client(personas.link_worker).post(
        _url("case_edit", case),
        {
            "version": stale,
            "complexity": Complexity.COMPLEX,
            "assigned_to": str(personas.link_worker_teammate.uuid),
            "next_contact_due": "",
        },
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    case.refresh_from_db()
    assert case.complexity == Complexity.SIMPLE
    assert case.assigned_to == personas.link_worker
    assert case.next_contact_due == timezone.localdate()


def test_booking_a_review_from_the_form(personas: Personas) -> None:
    case = _case(personas)
    client = _client(personas.link_worker)
    day = timezone.localdate() + dt.timedelta(days=4)
    response = client.post(
        _url("appointment_new", case),
        {
            "kind": AppointmentKind.WELLBEING_REVIEW,
            "date": day.isoformat(),
            "time": "10:30",
            "venue": "Caxton Surgery",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.duration_minutes == 45
    assert timezone.localtime(appointment.starts_at).time() == dt.time(10, 30)
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW_BOOKED


def test_an_impossible_date_is_refused_on_the_booking_form(personas: Personas) -> None:
    case = _case(personas)
    response = _client(personas.link_worker).post(
        _url("appointment_new", case),
        {"kind": AppointmentKind.PHONE, "date": "2025-02-30", "time": "25:00"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "must be a real date" in html and "must be a real time" in html
    assert not Appointment.objects.exists()


def test_recording_did_not_attend_leads_to_rebooking(personas: Personas) -> None:
    case = _case(personas)
    appointment = services.appointment_book(
        actor=personas.link_worker,
        case=case,
        kind=AppointmentKind.WELLBEING_REVIEW,
        starts_at=timezone.now() - dt.timedelta(hours=2),
    )
    client = _client(personas.link_worker)
    outcome_url = _url("appointment_outcome", case, appointment_id=appointment.uuid)
    assert client.get(outcome_url).status_code == 200
    response = client.post(
        outcome_url, {"outcome": AppointmentOutcome.DID_NOT_ATTEND, "version": 1}
    )
    rebook_url = _url("appointment_rebook", case, appointment_id=appointment.uuid)
    assert response.status_code == 302 and response["Location"] == rebook_url
    day = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(rebook_url, {"date": day.isoformat(), "time": "09:00", "version": 2})
    assert response.status_code == 302
    new = Appointment.objects.exclude(pk=appointment.pk).get()
    assert new.rebooked_from == appointment


def test_an_appointment_of_another_case_is_404(personas: Personas) -> None:
    case = _case(personas)
    other = make_case(service=personas.other_team)
    appointment = services.appointment_book(
        actor=personas.other_team_link_worker,
        case=other,
        kind=AppointmentKind.PHONE,
        starts_at=timezone.now() + dt.timedelta(days=1),
    )
    url = _url("appointment_outcome", case, appointment_id=appointment.uuid)
    assert _client(personas.link_worker).get(url).status_code == 404


def test_logging_a_safeguarding_concern_escalates_it(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case(personas)
    client = _client(personas.link_worker)
    url = _url("safeguarding_new", case)
    page = client.get(url).content.decode()
    assert str(personas.team_manager) in page
    assert client.post(url, {"description": "", "lead": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"description": "Neighbour taking her pension.", "lead": personas.team_manager.uuid},
        )
    assert response.status_code == 302
    concern = SafeguardingConcern.objects.get()
    assert concern.lead == personas.team_manager
    assert [m.to for m in mail.outbox] == [[personas.team_manager.email]]
    # The teammate may see that a concern exists, not what it says.
    html = _client(personas.read_only_link_worker).get(_url("case_detail", case)).content.decode()
    assert "Open safeguarding concern" in html
    assert "pension" not in html


@pytest.mark.parametrize("count", [2, 20])
def test_the_case_page_takes_a_fixed_number_of_queries(
    personas: Personas, count: int, django_assert_max_num_queries: Any
) -> None:
    case = _case(personas)
    for n in range(count):
        services.case_note_add(
            actor=personas.link_worker_teammate, case=case, text=f"Note {n}", sensitive=n % 2 == 0
        )
        Appointment.objects.create(
            case=case,
            kind=AppointmentKind.PHONE,
            starts_at=timezone.now() - dt.timedelta(days=n),
            with_user=personas.link_worker,
        )
        SafeguardingConcern.objects.create(case=case, description="x", lead=personas.team_manager)
    client = _client(personas.link_worker_teammate)
    client.get(_url("case_detail", case))
    # 19, plus the "Volunteer support" section (volunteering_sections): its requests and the
    # services that take referrals (its matches and reviews add two when there are requests),
    # plus the "Courses" section (courses_sections): the person's enrolments (their attendance
    # adds one when there are any).
    with django_assert_max_num_queries(22):
        assert client.get(_url("case_detail", case)).status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_adding_a_note_takes_a_fixed_number_of_queries(
    personas: Personas, count: int, django_assert_max_num_queries: Any
) -> None:
    case = _case(personas)
    for n in range(count):
        services.case_note_add(actor=personas.link_worker, case=case, text=f"Note {n}")
    client = _client(personas.link_worker)
    client.get(_url("case_detail", case))
    # The check, the note and its audit row in one transaction: however many notes the case has.
    with django_assert_max_num_queries(14):
        response = client.post(_url("note_add", case), {"text": "Rang, no answer."})
    assert response.status_code == 302
    assert CaseNote.objects.filter(case=case).count() == count + 1
