"""The wellbeing review: services and pages, with every persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import (
    Appointment,
    AppointmentKind,
    CaseStatus,
    MessageBack,
    WellbeingReview,
)
from linkwell.casework.review import (
    LifeAreaEntry,
    ReviewInput,
    review_create,
    review_update,
)
from linkwell.casework.tests.factories import referred_case, review_post
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.referrals.models import SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
from tests.dates import FromToday, on_the_day
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _input(**overrides: object) -> ReviewInput:
    values: dict[str, object] = {
        "held_on": timezone.localdate(),
        "what_matters": "Seeing people again",
        "life_areas": {"loneliness": LifeAreaEntry(score=2, priority=True, notes="Alone a lot")},
        "strengths": [("personal", "Plays the ukulele")],
        "five_ways": {"connect": "Daughter rings"},
    }
    values.update(overrides)
    return ReviewInput(**values)  # type: ignore[arg-type]


# --- Services ----------------------------------------------------------------------------------


def test_recording_the_first_review_makes_the_case_active_and_tells_the_gp(
    personas: Personas,
) -> None:
    case = referred_case(personas)
    review = review_create(actor=personas.link_worker, case=case, data=_input())

    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert review.life_areas["loneliness"] == {"score": 2, "priority": True, "notes": "Alone a lot"}
    assert [s.description for s in review.strengths.all()] == ["Plays the ukulele"]
    message = MessageBack.objects.get(case=case)
    assert message.stage == MessageBack.Stage.SEEN
    assert message.recipient_organisation == personas.practice
    assert message.snomed_codes[0]["code"] == SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
    actions = set(
        AuditEvent.objects.filter(person_id=str(case.person.uuid)).values_list("action", flat=True)
    )
    assert {
        "casework.review_recorded",
        "casework.case_status_changed",
        "casework.message_back_written",
    } <= actions


def test_a_second_review_does_not_send_a_second_seen_message(personas: Personas) -> None:
    case = referred_case(personas)
    review_create(actor=personas.link_worker, case=case, data=_input())
    review_create(actor=personas.link_worker, case=case, data=_input())
    assert MessageBack.objects.filter(case=case, stage=MessageBack.Stage.SEEN).count() == 1


def test_a_review_leaves_a_case_already_in_follow_up_where_it_is(personas: Personas) -> None:
    case = referred_case(personas, status=CaseStatus.FOLLOW_UP)
    review_create(actor=personas.link_worker, case=case, data=_input())
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"what_matters": "  "}, "what_matters", "in their own words"),
        ({"held_on": FromToday(1)}, "held_on", "today or in the"),
        ({"held_on": dt.date(1900, 1, 1)}, "held_on", "after the person's date of birth"),
        (
            {"life_areas": {"money": LifeAreaEntry(score=11)}},
            "money-score",
            "from 0 to 10",
        ),
        ({"strengths": [("superpower", "Flying")]}, "strength-1-kind", "what kind"),
        ({"strengths": [("social", "")]}, "strength-1-description", "describe"),
    ],
)
def test_it_rejects_bad_review_input_and_saves_nothing(
    personas: Personas, overrides: dict[str, object], field: str, message: str
) -> None:
    case = referred_case(personas)
    with pytest.raises(ValidationFailed) as exc:
        review_create(actor=personas.link_worker, case=case, data=_input(**on_the_day(overrides)))
    assert message in " ".join(exc.value.errors[field])
    assert not WellbeingReview.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW_BOOKED


def test_it_refuses_an_appointment_of_another_case(personas: Personas) -> None:
    case = referred_case(personas)
    other = referred_case(personas, given_name="Bob")
    appointment = Appointment.objects.create(
        case=other, kind=AppointmentKind.WELLBEING_REVIEW, starts_at=timezone.now()
    )
    with pytest.raises(ValidationFailed) as exc:
        review_create(actor=personas.link_worker, case=case, data=_input(appointment=appointment))
    assert "appointment" in exc.value.errors


def test_a_stale_edit_of_a_review_is_refused_and_changes_nothing(personas: Personas) -> None:
    case = referred_case(personas)
    review = review_create(actor=personas.link_worker, case=case, data=_input())
    review_update(
        actor=personas.link_worker_teammate,
        review=review,
        data=_input(what_matters="Teammate's words"),
        expected_version=1,
    )
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        review_update(
            actor=personas.link_worker,
            review=review,
            data=_input(what_matters="My words", strengths=[]),
            expected_version=1,
        )
    review.refresh_from_db()
    assert review.what_matters == "Teammate's words"
    assert review.strengths.count() == 1


# --- Pages -------------------------------------------------------------------------------------


def test_the_link_worker_records_a_review_with_strengths_from_the_form(
    personas: Personas,
) -> None:
    case = referred_case(personas)
    appointment = Appointment.objects.create(
        case=case, kind=AppointmentKind.WELLBEING_REVIEW, starts_at=timezone.now()
    )
    client = _client(personas.link_worker)
    url = reverse("casework:review_new", kwargs={"case_id": case.uuid})
    page = client.get(url)
    assert page.status_code == 200
    assert "What matters to me" in page.content.decode()

    response = client.post(url, review_post(appointment=str(appointment.uuid)))
    review = WellbeingReview.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "casework:review_detail", kwargs={"case_id": case.uuid, "review_id": review.uuid}
    )
    assert review.appointment == appointment
    assert review.life_areas["loneliness"]["priority"] is True
    assert "money" in review.life_areas and review.life_areas["money"]["score"] == 7
    assert "housing" not in review.life_areas  # not discussed
    assert sorted(s.kind for s in review.strengths.all()) == ["personal", "social"]

    detail = client.get(response["Location"]).content.decode()
    assert "Plays the piano" in detail and "Not discussed" in detail


def test_the_form_shows_every_problem_and_saves_nothing(personas: Personas) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    response = client.post(
        reverse("casework:review_new", kwargs={"case_id": case.uuid}),
        review_post(
            what_matters="",
            held_on="31/02/2025",
            **{"strength-0-kind": "", "strength-0-description": "Plays the piano"},
        ),
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text
    assert "Enter what matters to the person" in text
    assert "must be a real date" in text
    assert "Choose what kind of strength" in text
    assert not WellbeingReview.objects.exists()


def test_a_teammate_can_read_and_edit_a_review_and_a_stale_form_is_refused(
    personas: Personas,
) -> None:
    case = referred_case(personas)
    review = review_create(actor=personas.link_worker, case=case, data=_input())
    kwargs = {"case_id": case.uuid, "review_id": review.uuid}
    teammate = _client(personas.link_worker_teammate)
    assert teammate.get(reverse("casework:review_detail", kwargs=kwargs)).status_code == 200
    edit = reverse("casework:review_edit", kwargs=kwargs)
    assert teammate.get(edit).status_code == 200
    ok = teammate.post(edit, review_post(version="1", what_matters="Updated words"))
    assert ok.status_code == 302
    stale = _client(personas.link_worker).post(edit, review_post(version="1"))
    assert stale.status_code == 409
    assert "changed by someone else" in stale.content.decode()
    review.refresh_from_db()
    assert review.what_matters == "Updated words"


def test_reading_a_review_is_logged_as_access_to_the_person(personas: Personas) -> None:
    case = referred_case(personas)
    review = review_create(actor=personas.link_worker, case=case, data=_input())
    _client(personas.link_worker_teammate).get(
        reverse("casework:review_detail", kwargs={"case_id": case.uuid, "review_id": review.uuid})
    )
    assert AuditEvent.objects.filter(
        action="access", person_id=str(case.person.uuid), actor_id=personas.link_worker_teammate.pk
    ).exists()


def test_a_read_only_member_may_read_but_not_record_or_edit(personas: Personas) -> None:
    case = referred_case(personas)
    review = review_create(actor=personas.link_worker, case=case, data=_input())
    kwargs = {"case_id": case.uuid, "review_id": review.uuid}
    client = _client(personas.read_only_link_worker)
    assert client.get(reverse("casework:review_detail", kwargs=kwargs)).status_code == 200
    new = reverse("casework:review_new", kwargs={"case_id": case.uuid})
    assert client.get(new).status_code == 403
    assert client.post(new, review_post()).status_code == 403
    assert (
        client.post(reverse("casework:review_edit", kwargs=kwargs), review_post()).status_code
        == 403
    )
    assert WellbeingReview.objects.count() == 1


@pytest.mark.parametrize("persona", ["other_team_link_worker", "referrer", "commissioner", "owner"])
def test_people_outside_the_team_get_not_found(personas: Personas, persona: str) -> None:
    case = referred_case(personas)
    review = review_create(actor=personas.link_worker, case=case, data=_input())
    client = _client(getattr(personas, persona))
    kwargs = {"case_id": case.uuid, "review_id": review.uuid}
    assert client.get(reverse("casework:review_detail", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("casework:review_edit", kwargs=kwargs)).status_code == 404
    new = reverse("casework:review_new", kwargs={"case_id": case.uuid})
    assert client.post(new, review_post()).status_code == 404
    assert WellbeingReview.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(personas: Personas) -> None:
    case = referred_case(personas)
    response = Client().get(reverse("casework:review_new", kwargs={"case_id": case.uuid}))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
