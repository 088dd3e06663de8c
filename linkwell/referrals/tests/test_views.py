"""Referral forms, the referrer's sent list, public self-referral and triage, per persona."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case
from linkwell.people.models import Person
from linkwell.referrals.models import LinkWorkerCoverage, Referral, ReferralStatus
from linkwell.referrals.tests.factories import VALID_NHS, make_person, make_referral, needs
from linkwell.referrals.views import SELF_REFERRAL_TOKEN

pytestmark = pytest.mark.django_db

REFER = reverse("referrals:refer")
SENT = reverse("referrals:sent")
SELF = reverse("referrals:self_referral")
TRIAGE = reverse("referrals:triage")


@pytest.fixture
def coverage(personas):
    """Caxton Surgery is covered by the link worker's team, so its referrals go there."""
    return LinkWorkerCoverage.objects.create(
        link_worker_service=personas.link_worker_service,
        practice=personas.practice,
        link_worker=personas.link_worker,
    )


def gp_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "Bob",
        "family_name": "Hughes",
        "dob_day": "2",
        "dob_month": "1",
        "dob_year": "1950",
        "nhs_number": "",
        "postcode": "SY11 1AA",
        "phone": "01691 111111",
        "reasons": [str(needs("loneliness")[0].pk)],
        "details": "Lost his wife last year",
        "urgency": "routine",
        "consent_to_contact": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- GP referral form --------------------------------------------------------------------------


def test_a_gp_receptionist_refers_in_one_form(client, personas, coverage):
    client.force_login(personas.referrer)
    assert client.get(REFER).status_code == 200
    response = client.post(REFER, gp_post(nhs_number="943 476 5919"))
    assert response.status_code == 302 and response["Location"] == SENT
    referral = Referral.objects.get()
    assert referral.link_worker_service == personas.link_worker_service
    assert referral.source == "gp_practice"
    assert referral.referrer_organisation == personas.practice
    assert referral.person.nhs_number == VALID_NHS


def test_a_referrer_records_their_role_on_the_referral(client, personas, coverage):
    client.force_login(personas.referrer)
    assert b"Your role (optional)" in client.get(REFER).content
    response = client.post(REFER, gp_post(referrer_role="practice_nurse"))
    assert response.status_code == 302
    assert Referral.objects.get().referrer_role == "practice_nurse"


def test_an_unknown_referrer_role_is_refused_and_nothing_is_sent(client, personas, coverage):
    client.force_login(personas.referrer)
    response = client.post(REFER, gp_post(referrer_role="astronaut"))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_a_retried_referral_is_sent_once(client, personas, coverage):
    """The receptionist's browser resends the form after a timeout: one referral, one person."""
    client.force_login(personas.referrer)
    assert 'name="submission_key"' in client.get(REFER).content.decode()
    post = gp_post(nhs_number="943 476 5919", submission_key=str(uuid.uuid4()))
    assert client.post(REFER, post)["Location"] == SENT
    assert client.post(REFER, post)["Location"] == SENT
    assert Referral.objects.count() == 1
    assert Referral.objects.get().person.nhs_number == VALID_NHS


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nhs_number": "943 476 5918"}, b"is not a valid NHS number"),
        ({"dob_day": "31", "dob_month": "2"}, b"Date of birth must be a real date"),
        ({"dob_year": "2999"}, b"Date of birth must be in the past"),
        ({"consent_to_contact": None}, b"must agree to be contacted"),
        ({"postcode": "XYZ"}, b"Enter a real UK postcode"),
        ({"consent_to_share": "on", "share_with": ""}, b"Say who the person agreed"),
    ],
)
def test_bad_input_gets_a_specific_message_and_nothing_is_saved(
    client, personas, coverage, overrides, message
):
    client.force_login(personas.referrer)
    response = client.post(REFER, gp_post(**overrides))
    assert response.status_code == 400
    assert message in response.content
    assert b"There is a problem" in response.content
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_a_possible_duplicate_is_offered_and_the_existing_record_can_be_used(
    client, personas, coverage
):
    existing = make_person(
        given_name="Robert", family_name="Hughes", date_of_birth=dt.date(1950, 1, 2)
    )
    existing.registered_practice = personas.practice
    existing.save()
    client.force_login(personas.referrer)
    response = client.post(REFER, gp_post())
    assert response.status_code == 200
    assert b"This person may already have a record" in response.content
    assert str(existing.uuid).encode() in response.content
    assert not Referral.objects.exists()
    response = client.post(REFER, gp_post(person_choice=str(existing.uuid)))
    assert response.status_code == 302
    assert Referral.objects.get().person == existing
    assert Person.objects.count() == 1


def test_create_new_anyway_makes_a_second_record_only_when_asked(client, personas, coverage):
    existing = make_person(given_name="Robert", family_name="Hughes")
    existing.date_of_birth = dt.date(1950, 1, 2)
    existing.registered_practice = personas.practice
    existing.save()
    client.force_login(personas.referrer)
    response = client.post(REFER, gp_post(person_choice="new"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_a_referrer_cannot_pick_a_person_they_were_not_offered(client, personas, coverage):
    stranger = make_person(given_name="Someone", family_name="Else")
    client.force_login(personas.referrer)
    response = client.post(REFER, gp_post(person_choice=str(stranger.uuid)))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_when_several_services_could_receive_it_the_referrer_chooses(client, personas):
    client.force_login(personas.referrer)
    response = client.get(REFER)
    assert b"Which link-worker service should receive the referral?" in response.content
    response = client.post(REFER, gp_post())
    assert response.status_code == 400
    response = client.post(REFER, gp_post(link_worker_service=str(personas.other_team.pk)))
    assert response.status_code == 302
    assert Referral.objects.get().link_worker_service == personas.other_team


def test_other_agencies_say_who_they_are_and_the_persons_needs(client, personas):
    from linkwell.accounts.models import Organisation, OrganisationKind, Role
    from tests.personas import make_user

    fire = Organisation.objects.create(
        name="Shropshire Fire and Rescue", kind=OrganisationKind.FIRE_AND_RESCUE, area=personas.area
    )
    user = make_user("crew@fire.example", fire, Role.REFERRER)
    client.force_login(user)
    response = client.get(REFER)
    assert b"Fire and rescue (Safe and Well visit)" in response.content
    response = client.post(
        REFER,
        gp_post(
            source="fire_safe_and_well",
            link_worker_service=str(personas.link_worker_service.pk),
            preferred_contact_method="letter",
            accessibility_needs="Hard of hearing",
            language_needs="Welsh",
        ),
    )
    assert response.status_code == 302, response.content
    referral = Referral.objects.get()
    assert (referral.source, referral.language_needs, referral.preferred_contact_method) == (
        "fire_safe_and_well",
        "Welsh",
        "letter",
    )


def test_a_read_only_referrer_cannot_send_a_referral(client, personas, coverage):
    from linkwell.accounts.models import Role
    from tests.personas import make_user

    user = make_user("student@caxton.example", personas.practice, Role.REFERRER, read_only=True)
    client.force_login(user)
    assert client.post(REFER, gp_post()).status_code == 403
    assert not Referral.objects.exists()


@pytest.mark.parametrize("who", ["owner", "link_worker", "commissioner"])
def test_people_who_are_not_referrers_cannot_use_the_referral_form(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(REFER).status_code == 403
    assert client.get(SENT).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_to_refer(client):
    for url in (REFER, SENT, TRIAGE):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- sent list ---------------------------------------------------------------------------------


def test_referrers_see_their_practices_referrals_and_the_reason_one_was_returned(client, personas):
    mine = make_referral(
        make_person(),
        personas.link_worker_service,
        referrer_organisation=personas.practice,
        status=ReferralStatus.RETURNED,
        returned_reason="Please refer to the crisis team",
        details="Very private clinical detail",
    )
    make_referral(make_person(given_name="Other"), personas.link_worker_service)
    client.force_login(personas.referrer)
    response = client.get(SENT)
    assert response.status_code == 200
    assert b"Please refer to the crisis team" in response.content
    assert mine.reference.encode() in response.content
    assert b"Very private clinical detail" not in response.content
    assert b"Other Evans" not in response.content


# --- self-referral -----------------------------------------------------------------------------


def self_post(**overrides: Any) -> dict[str, Any]:
    data = gp_post(
        email="bob@example.com",
        preferred_contact_method="phone",
        form_token=SELF_REFERRAL_TOKEN.make(issued_at=time.time() - 60),
        website="",
    )
    data.pop("urgency")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def one_service(personas):
    personas.other_team.is_active = False
    personas.other_team.save()


def test_anyone_can_refer_themselves_and_gets_a_plain_confirmation(client, personas, one_service):
    assert client.get(SELF).status_code == 200
    response = client.post(SELF, self_post(), follow=True)
    assert response.status_code == 200
    referral = Referral.objects.get()
    assert referral.source == "self" and referral.referrer is None
    assert referral.reference.encode() in response.content
    assert b"What happens next" in response.content
    assert AuditEvent.objects.filter(
        action="referrals.referral_received", person_id=str(referral.person.uuid)
    ).exists()


def test_a_self_referral_needs_consent_to_be_contacted(client, personas, one_service):
    response = client.post(SELF, self_post(consent_to_contact=None))
    assert response.status_code == 400
    assert b"agree to a link worker contacting you" in response.content
    assert not Referral.objects.exists()


def test_the_honeypot_field_stops_scripts(client, personas, one_service):
    response = client.post(SELF, self_post(website="http://spam.example"))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_a_form_sent_back_within_seconds_is_refused(client, personas, one_service):
    response = client.post(SELF, self_post(form_token=SELF_REFERRAL_TOKEN.make()))
    assert response.status_code == 400
    assert b"check your answers" in response.content
    assert not Referral.objects.exists()


def test_a_forged_form_token_is_refused(client, personas, one_service):
    response = client.post(SELF, self_post(form_token="forged"))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_many_attempts_from_one_address_are_rate_limited(client, personas, one_service, settings):
    settings.LINKWELL_SELF_REFERRALS_PER_HOUR = 2
    for _ in range(2):
        client.post(SELF, self_post())
    response = client.post(SELF, self_post())
    assert response.status_code == 429
    assert Referral.objects.count() == 2


def test_the_confirmation_page_without_a_referral_goes_back_to_the_form(client):
    response = client.get(reverse("referrals:self_referral_done"))
    assert response.status_code == 302 and response["Location"] == SELF


# --- triage ------------------------------------------------------------------------------------


@pytest.fixture
def referral(personas):
    return make_referral(
        make_person(),
        personas.link_worker_service,
        days_ago=4,
        safeguarding_concern=True,
        safeguarding_details="Lives with a violent partner",
    )


def detail_url(referral: Referral, action: str = "") -> str:
    name = f"referrals:triage_{action}" if action else "referrals:triage_referral"
    return reverse(name, kwargs={"referral_id": referral.uuid})


@pytest.mark.parametrize(
    "who", ["link_worker", "link_worker_teammate", "read_only_link_worker", "team_manager"]
)
def test_the_team_sees_its_triage_queue_with_waiting_time_and_flags(
    client, personas, referral, who
):
    client.force_login(getattr(personas, who))
    response = client.get(TRIAGE)
    assert response.status_code == 200
    assert b"Margaret Evans" in response.content
    assert b"4 days" in response.content
    assert b"Safeguarding" in response.content
    response = client.get(detail_url(referral))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(kind="access", person_id=str(referral.person.uuid)).exists()


def test_triage_flags_referrals_approaching_or_past_the_first_contact_target(client, personas):
    """Wigan's "seen within a week": the service's target (7 days unless set) is flagged two
    days ahead, and once passed; a referral with longer to go has no flag."""
    service = personas.link_worker_service
    fresh = make_referral(make_person(given_name="Fresh", family_name="Arrival"), service)
    soon = make_referral(make_person(given_name="Nearly", family_name="Due"), service, days_ago=5)
    late = make_referral(make_person(given_name="Long", family_name="Wait"), service, days_ago=9)
    client.force_login(personas.link_worker)
    html = client.get(TRIAGE).content.decode()
    assert "The target for a first contact is 7 days" in html
    rows = {
        r: html[html.index(f"{r.person.given_name} {r.person.family_name}") :]
        for r in (fresh, soon, late)
    }
    first_cell = {r: text[: text.index("</tr>")] for r, text in rows.items()}
    assert "data-target-flag" not in first_cell[fresh]
    assert "Target in 2 days" in first_cell[soon] and "nhsuk-tag--orange" in first_cell[soon]
    assert "2 days past target" in first_cell[late] and "nhsuk-tag--red" in first_cell[late]
    # A service with a 14-day target: the 9-day wait is no longer flagged.
    service.first_contact_target_days = 14
    service.save(update_fields=["first_contact_target_days"])
    html = client.get(TRIAGE).content.decode()
    assert "past target" not in html and "data-target-flag" not in html.split("Long Wait")[1][:400]


def test_another_team_sees_neither_the_referral_nor_it_in_their_queue(client, personas, referral):
    client.force_login(personas.other_team_link_worker)
    assert b"Margaret Evans" not in client.get(TRIAGE).content
    assert client.get(detail_url(referral)).status_code == 404
    response = client.post(
        detail_url(referral, "accept"),
        {"version": 1, "assign_to": str(personas.link_worker.uuid), "complexity": "simple"},
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["owner", "referrer", "commissioner"])
def test_people_outside_link_worker_teams_cannot_triage(client, personas, referral, who):
    client.force_login(getattr(personas, who))
    assert client.get(TRIAGE).status_code == 403
    assert client.get(detail_url(referral)).status_code == 404


def test_a_read_only_member_cannot_accept_return_or_decline(client, personas, referral):
    client.force_login(personas.read_only_link_worker)
    for action in ("accept", "return", "decline"):
        response = client.post(detail_url(referral, action), {"version": 1, "reason": "x"})
        assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_accepting_from_triage_opens_a_case_with_the_suggested_worker(client, personas, referral):
    client.force_login(personas.team_manager)
    page = client.get(detail_url(referral))
    suggested = page.context["options"][0].user
    response = client.post(
        detail_url(referral, "accept"),
        {"version": referral.version, "assign_to": str(suggested.uuid), "complexity": "complex"},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.assigned_to, case.complexity) == (suggested, "complex")


def test_a_stale_accept_is_refused_with_a_message(client, personas, referral):
    client.force_login(personas.link_worker)
    Referral.objects.filter(pk=referral.pk).update(version=3)
    response = client.post(
        detail_url(referral, "accept"),
        {"version": 1, "assign_to": str(personas.link_worker.uuid), "complexity": "simple"},
        follow=True,
    )
    # The triage page again, as every stale form is answered (409), not a redirect.
    assert response.status_code == 409 and not response.redirect_chain
    assert b"changed by someone else" in response.content
    assert not Case.objects.exists()


def test_returning_without_a_reason_is_refused_and_with_one_is_shown_to_the_referrer(
    client, personas, referral
):
    client.force_login(personas.link_worker)
    response = client.post(detail_url(referral, "return"), {"version": referral.version})
    assert response.status_code == 400
    assert b"Say why the referral is being returned" in response.content
    response = client.post(
        detail_url(referral, "return"),
        {"version": referral.version, "reason": "Out of area"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED


def test_declining_from_triage_records_snomed(client, personas, referral):
    client.force_login(personas.link_worker)
    response = client.post(
        detail_url(referral, "decline"), {"version": referral.version, "reason": "Not now"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.snomed_code == "871711000000103"


def test_the_triage_queue_takes_a_fixed_number_of_queries(client, personas):
    for i in range(3):
        r = make_referral(make_person(given_name=f"P{i}"), personas.link_worker_service)
        r.reasons.set(needs("loneliness", "money"))
    client.force_login(personas.link_worker)
    client.get(TRIAGE)
    with CaptureQueriesContext(connection) as few:
        client.get(TRIAGE)
    for i in range(10):
        r = make_referral(make_person(given_name=f"Q{i}"), personas.link_worker_service)
        r.reasons.set(needs("loneliness"))
    with CaptureQueriesContext(connection) as many:
        client.get(TRIAGE)
    assert len(many) == len(few)
