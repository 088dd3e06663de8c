"""Creating people with duplicate detection, and merging duplicates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case, CaseNote, CaseReferral, Plan
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.people.models import Person
from linkwell.people.services import PersonDetails, PossibleDuplicates, person_create, person_merge
from linkwell.referrals.tests.factories import (
    OTHER_VALID_NHS,
    VALID_NHS,
    make_person,
    make_referral,
)

pytestmark = pytest.mark.django_db


def details(**overrides: Any) -> PersonDetails:
    data: dict[str, Any] = {
        "given_name": "Margaret",
        "family_name": "Evans",
        "date_of_birth": dt.date(1948, 3, 15),
        "postcode": "sy11 1aa",
    }
    data.update(overrides)
    return PersonDetails(**data)


@pytest.fixture
def known(personas):
    """Margaret is known to the link worker's team through a referral."""
    person = make_person(nhs_number=VALID_NHS)
    make_referral(person, personas.link_worker_service)
    return person


def test_it_creates_a_person_with_normalised_details_and_audits_it(personas):
    person = person_create(
        actor=personas.link_worker, details=details(nhs_number="943 476 5919", given_name=" Meg ")
    )
    assert (person.given_name, person.nhs_number, person.postcode) == (
        "Meg",
        VALID_NHS,
        "SY11 1AA",
    )
    event = AuditEvent.objects.get(action="people.person_created")
    assert event.person_id == str(person.uuid)


def test_it_reports_every_problem_at_once_and_creates_nothing(personas):
    with pytest.raises(ValidationFailed) as exc:
        person_create(
            actor=personas.link_worker,
            details=details(
                given_name="",
                nhs_number="9434765918",
                postcode="not a postcode",
                date_of_birth=timezone.localdate() + dt.timedelta(days=1),
            ),
        )
    assert set(exc.value.errors) == {"given_name", "nhs_number", "postcode", "date_of_birth"}
    assert not Person.objects.exists()


def test_it_offers_the_existing_record_with_the_same_nhs_number(personas, known):
    with pytest.raises(PossibleDuplicates) as exc:
        person_create(
            actor=personas.link_worker,
            details=details(given_name="Peggy", family_name="Jones", nhs_number=VALID_NHS),
        )
    assert [c.person for c in exc.value.candidates] == [known]
    assert exc.value.candidates[0].same_nhs_number


def test_it_never_creates_a_second_record_with_the_same_nhs_number(personas, known):
    with pytest.raises(ValidationFailed) as exc:
        person_create(
            actor=personas.link_worker, details=details(nhs_number=VALID_NHS), confirm_new=True
        )
    assert "already exists" in exc.value.errors["nhs_number"][0]
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("given", "family", "postcode", "reason"),
    [
        ("Maggie", "EVANS", "LL11 1AA", "Same date of birth and family name"),
        ("Margret", "Evens", "LL11 1AA", "Same date of birth and a similar name"),
        ("Susan", "Price", "SY11 1AA", "Same date of birth and postcode"),
    ],
)
def test_it_offers_records_with_the_same_birthday_and_a_similar_name_or_postcode(
    personas, known, given, family, postcode, reason
):
    with pytest.raises(PossibleDuplicates) as exc:
        person_create(
            actor=personas.link_worker,
            details=details(given_name=given, family_name=family, postcode=postcode),
        )
    assert exc.value.candidates[0].reasons == [reason]


def test_it_creates_the_new_record_when_the_user_confirms_it_is_someone_else(personas, known):
    person = person_create(
        actor=personas.link_worker, details=details(given_name="Maggie"), confirm_new=True
    )
    assert Person.objects.count() == 2
    assert AuditEvent.objects.get(action="people.person_created", person_id=str(person.uuid))


def test_it_does_not_offer_people_the_actor_cannot_see(personas, known):
    # The other team's link worker has nothing to do with Margaret: no candidates, no leak.
    person = person_create(actor=personas.other_team_link_worker, details=details())
    assert person.pk != known.pk


def test_it_does_not_offer_a_different_person_born_the_same_day(personas, known):
    person_create(
        actor=personas.link_worker,
        details=details(given_name="Tom", family_name="Price", postcode="LL11 1AA"),
    )
    assert Person.objects.count() == 2


# --- merge -------------------------------------------------------------------------------------


def test_merging_moves_referrals_and_cases_fills_blanks_and_is_audited(personas, known):
    duplicate = make_person(given_name="Maggie", phone="07700 900123", nhs_number="")
    known.phone = ""
    known.save()
    referral = make_referral(duplicate, personas.link_worker_service)
    case = Case.objects.create(
        person=duplicate, link_worker_service=personas.other_team, opened_at=timezone.now()
    )
    kept = person_merge(actor=personas.link_worker, keep=known, duplicate=duplicate)
    referral.refresh_from_db()
    case.refresh_from_db()
    duplicate.refresh_from_db()
    assert referral.person == kept and case.person == kept
    assert duplicate.merged_into == kept
    assert kept.phone == "07700 900123"
    event = AuditEvent.objects.get(action="people.person_merged")
    assert event.person_id == str(kept.uuid)
    assert event.detail["duplicate"] == str(duplicate.uuid)
    assert event.changes["phone"] == ["", "07700 900123"]
    assert AuditEvent.objects.get(action="people.person_merged_away").person_id == str(
        duplicate.uuid
    )


def test_merging_combines_two_cases_with_the_same_service(personas, known):
    duplicate = make_person(given_name="Maggie")
    service = personas.link_worker_service
    kept_case = Case.objects.create(
        person=known, link_worker_service=service, opened_at=timezone.now()
    )
    dup_case = Case.objects.create(
        person=duplicate, link_worker_service=service, opened_at=timezone.now()
    )
    referral = make_referral(duplicate, service, status="accepted")
    CaseReferral.objects.create(case=dup_case, referral=referral)
    note = CaseNote.objects.create(case=dup_case, text="Likes gardening")
    person_merge(actor=personas.link_worker, keep=known, duplicate=duplicate)
    note.refresh_from_db()
    assert note.case == kept_case
    assert CaseReferral.objects.get(referral=referral).case == kept_case
    assert not Case.objects.filter(pk=dup_case.pk).exists()
    kept_case.refresh_from_db()
    assert kept_case.version == 2
    event = AuditEvent.objects.get(action="people.person_merged")
    assert event.detail["combined"][0]["removed"] == str(dup_case.uuid)


def test_merging_refuses_two_cases_that_both_have_a_plan_and_changes_nothing(personas, known):
    duplicate = make_person(given_name="Maggie")
    service = personas.link_worker_service
    for person in (known, duplicate):
        case = Case.objects.create(
            person=person, link_worker_service=service, opened_at=timezone.now()
        )
        Plan.objects.create(case=case)
    with pytest.raises(ValidationFailed) as exc:
        person_merge(actor=personas.link_worker, keep=known, duplicate=duplicate)
    assert "cannot combine" in str(exc.value)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert Case.objects.filter(person=duplicate).count() == 1
    assert not AuditEvent.objects.filter(action="people.person_merged").exists()


def test_merging_refuses_records_with_different_nhs_numbers(personas, known):
    duplicate = make_person(nhs_number=OTHER_VALID_NHS)
    with pytest.raises(ValidationFailed, match="different people"):
        person_merge(actor=personas.link_worker, keep=known, duplicate=duplicate)


def test_merging_refuses_a_record_changed_since_the_user_looked(personas, known):
    duplicate = make_person(given_name="Maggie")
    with pytest.raises(ConcurrentEditError):
        person_merge(
            actor=personas.link_worker,
            keep=known,
            duplicate=duplicate,
            expected_keep_version=known.version - 1,
        )
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merging_a_record_into_itself_is_refused(personas, known):
    with pytest.raises(ValidationFailed):
        person_merge(actor=personas.link_worker, keep=known, duplicate=known)
