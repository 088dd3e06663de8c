"""Correcting a person's record after the referral: who may, what is checked, what is kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.people.models import Ethnicity, Person, Sex
from linkwell.people.services import PersonDetails, PossibleDuplicates, person_update
from linkwell.referrals.tests.factories import VALID_NHS, make_person, make_referral

pytestmark = pytest.mark.django_db

TEAM_WRITERS = ["link_worker", "link_worker_teammate", "team_manager"]
OUTSIDERS = ["other_team_link_worker", "owner", "commissioner", "outsider"]


@pytest.fixture
def person(personas):
    person = make_person(nhs_number=VALID_NHS)
    make_referral(person, personas.link_worker_service, referrer_organisation=personas.practice)
    return person


def url(person: Person) -> str:
    return reverse("people:edit", kwargs={"person_id": person.uuid})


def form_data(person: Person, **changes: Any) -> dict[str, Any]:
    dob = person.date_of_birth
    data: dict[str, Any] = {
        "version": person.version,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "dob_day": dob.day,
        "dob_month": dob.month,
        "dob_year": dob.year,
        "nhs_number": person.nhs_number,
        "address_line_1": person.address_line_1,
        "address_line_2": person.address_line_2,
        "town": person.town,
        "postcode": person.postcode,
        "phone": person.phone,
        "email": person.email,
        "preferred_contact_method": person.preferred_contact_method,
        "sex": person.sex,
        "gender_identity": person.gender_identity,
        "ethnicity": person.ethnicity,
        "carer_status": person.carer_status,
        "registered_practice": person.registered_practice_id or "",
        "language": person.language,
        "accessibility_needs": person.accessibility_needs,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def details(person: Person, **changes: Any) -> PersonDetails:
    fields = {name: getattr(person, name) for name in PersonDetails.__dataclass_fields__}
    return PersonDetails(**{**fields, **changes})


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", TEAM_WRITERS)
def test_the_persons_team_corrects_the_postcode_sex_ethnicity_and_practice(
    client, personas, person, who
):
    user = getattr(personas, who)
    client.force_login(user)
    assert client.get(url(person)).status_code == 200
    response = client.post(
        url(person),
        form_data(
            person,
            postcode="sy11 2sp",
            sex=Sex.FEMALE,
            ethnicity=Ethnicity.B,
            registered_practice=personas.practice.pk,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", kwargs={"person_id": person.uuid})
    person.refresh_from_db()
    assert (person.postcode, person.sex, person.ethnicity) == ("SY11 2SP", "female", "B")
    assert person.registered_practice == personas.practice
    event = AuditEvent.objects.get(action="people.person_updated", person_id=str(person.uuid))
    assert event.actor_id == user.pk
    # On the team's own trail, where its manager reads it.
    assert event.organisation_id == personas.link_worker_service.pk
    assert event.changes["postcode"] == ["SY11 1AA", "SY11 2SP"]
    assert event.changes["sex"] == ["unknown", "female"]
    assert event.changes["registered_practice"] == [None, str(personas.practice.uuid)]
    assert "phone" not in event.changes  # only what changed


def test_a_read_only_team_member_may_look_but_not_change(client, personas, person):
    client.force_login(personas.read_only_link_worker)
    assert client.get(url(person)).status_code == 403
    assert client.post(url(person), form_data(person, postcode="SY11 2SP")).status_code == 403
    person.refresh_from_db()
    assert person.postcode == "SY11 1AA"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_anyone_else_is_told_there_is_no_such_person(client, personas, person, who):
    client.force_login(getattr(personas, who))
    assert client.get(url(person)).status_code == 404
    assert client.post(url(person), form_data(person, phone="0")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, person):
    response = client.get(url(person))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_referring_practice_corrects_a_phone_number_and_goes_back_to_its_referrals(
    client, personas, person
):
    client.force_login(personas.referrer)
    response = client.post(url(person), form_data(person, phone="07700 900123"))
    assert response.status_code == 302 and response["Location"] == reverse("referrals:sent")
    person.refresh_from_db()
    assert person.phone == "07700 900123"


def test_a_referrer_cannot_edit_someone_another_agency_referred(client, personas):
    other = Organisation.objects.create(name="Elsewhere Surgery", kind=OrganisationKind.GP_PRACTICE)
    person = make_person()
    make_referral(person, personas.link_worker_service, referrer_organisation=other)
    client.force_login(personas.referrer)
    assert client.get(url(person)).status_code == 404


def test_the_person_page_links_to_the_edit_page_for_writers_only(client, personas, person):
    detail = reverse("people:detail", kwargs={"person_id": person.uuid})
    client.force_login(personas.link_worker)
    assert url(person) in client.get(detail).content.decode()
    client.force_login(personas.read_only_link_worker)
    assert url(person) not in client.get(detail).content.decode()


# --- what is checked ----------------------------------------------------------------------------


def test_a_stale_edit_from_a_second_tab_is_refused_and_changes_nothing(client, personas, person):
    client.force_login(personas.link_worker)
    first_tab = form_data(person, phone="07700 900001")
    second_tab = form_data(person, phone="07700 900002")
    assert client.post(url(person), first_tab).status_code == 302
    response = client.post(url(person), second_tab)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "07700 900001"
    assert AuditEvent.objects.filter(action="people.person_updated").count() == 1


def test_bad_input_is_listed_field_by_field_and_nothing_is_saved(client, personas, person):
    client.force_login(personas.link_worker)
    response = client.post(
        url(person),
        form_data(person, nhs_number="1234567890", dob_day="31", dob_month="2", postcode="NOPE"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Date of birth must be a real date" in page
    person.refresh_from_db()
    assert person.nhs_number == VALID_NHS and person.postcode == "SY11 1AA"
    assert not AuditEvent.objects.filter(action="people.person_updated").exists()


def test_an_unknown_postcode_is_queried_then_accepted_once_confirmed(client, personas, person):
    client.force_login(personas.link_worker)
    response = client.post(url(person), form_data(person, postcode="SY11 9ZZ"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "We could not find the postcode SY11 9ZZ" in page
    assert 'name="postcode_confirmed"' in page
    person.refresh_from_db()
    assert person.postcode == "SY11 1AA"
    response = client.post(
        url(person), form_data(person, postcode="SY11 9ZZ", postcode_confirmed="on")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.postcode == "SY11 9ZZ"
    page = client.get(reverse("people:detail", kwargs={"person_id": person.uuid})).content
    assert b"Postcode not found" in page


def test_changing_the_nhs_number_to_another_records_is_refused(personas, person):
    other = make_person(given_name="Olwen", family_name="Price", nhs_number="9434765870")
    make_referral(other, personas.link_worker_service)
    with pytest.raises(ValidationFailed) as refused:
        person_update(
            actor=personas.link_worker,
            person=person,
            details=details(person, nhs_number="943 476 5870"),
            expected_version=person.version,
            confirm_not_duplicate=True,
        )
    assert "Another record already has this NHS number" in str(refused.value)
    person.refresh_from_db()
    assert person.nhs_number == VALID_NHS


def test_a_change_that_looks_like_another_record_asks_first(client, personas, person):
    other = make_person(
        given_name="Margaret", family_name="Jones", date_of_birth=dt.date(1950, 1, 1)
    )
    make_referral(other, personas.link_worker_service)
    client.force_login(personas.link_worker)
    data = form_data(person, family_name="Jones", dob_day="1", dob_month="1", dob_year="1950")
    response = client.post(url(person), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This may be someone who already has a record" in page
    assert 'name="confirm_not_duplicate"' in page
    person.refresh_from_db()
    assert person.family_name == "Evans"
    response = client.post(url(person), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.family_name == "Jones"
    event = AuditEvent.objects.get(action="people.person_updated")
    assert event.detail["confirmed_not_duplicate_of"] == [str(other.uuid)]


def test_the_service_refuses_a_stale_version_and_an_over_long_field(personas, person):
    with pytest.raises(ConcurrentEditError):
        person_update(
            actor=personas.link_worker,
            person=person,
            details=details(person, phone="1"),
            expected_version=person.version + 1,
        )
    with pytest.raises(ValidationFailed) as refused:
        person_update(
            actor=personas.link_worker,
            person=person,
            details=details(person, accessibility_needs="x", gender_identity="y" * 101),
            expected_version=person.version,
        )
    assert "gender_identity" in refused.value.errors


def test_only_a_gp_practice_can_be_the_registered_practice(personas, person):
    with pytest.raises(ValidationFailed) as refused:
        person_update(
            actor=personas.link_worker,
            person=person,
            details=details(person, registered_practice=personas.provider_org),
            expected_version=person.version,
        )
    assert "registered_practice" in refused.value.errors


def test_saving_without_changes_writes_nothing(personas, person):
    version = person.version
    person_update(
        actor=personas.link_worker,
        person=person,
        details=details(person),
        expected_version=person.version,
    )
    person.refresh_from_db()
    assert person.version == version
    assert not AuditEvent.objects.filter(action="people.person_updated").exists()


def test_possible_duplicates_write_nothing_until_confirmed(personas, person):
    other = make_person(given_name="Margret", family_name="Evans")
    make_referral(other, personas.link_worker_service)
    with pytest.raises(PossibleDuplicates):
        person_update(
            actor=personas.link_worker,
            person=person,
            details=details(person, given_name="Margret"),
            expected_version=person.version,
        )
    person.refresh_from_db()
    assert person.given_name == "Margaret"


def test_the_referrers_list_and_the_case_page_link_to_the_edit_page(client, personas, person):
    from linkwell.casework.tests.factories import case_for

    client.force_login(personas.referrer)
    assert url(person) in client.get(reverse("referrals:sent")).content.decode()
    case = case_for(personas, person=person)
    client.force_login(personas.link_worker)
    page = client.get(reverse("casework:case_detail", kwargs={"case_id": case.uuid}))
    assert url(person) in page.content.decode()
    client.force_login(personas.read_only_link_worker)
    page = client.get(reverse("casework:case_detail", kwargs={"case_id": case.uuid}))
    assert page.status_code == 200 and url(person) not in page.content.decode()


def test_a_closed_practice_does_not_stop_other_changes_being_saved(client, personas, person):
    closed = Organisation.objects.create(
        name="Old Surgery", kind=OrganisationKind.GP_PRACTICE, is_active=False
    )
    Person.objects.filter(pk=person.pk).update(registered_practice=closed)
    person.refresh_from_db()
    client.force_login(personas.link_worker)
    response = client.post(url(person), form_data(person, phone="07700 900321"))
    assert response.status_code == 302, response.content.decode()[-1500:]
    person.refresh_from_db()
    assert person.phone == "07700 900321" and person.registered_practice == closed
