"""What receiving a referral writes, and how: the statements one referral costs (the duplicate
check's one indexed query for a new person, the actor's memberships only when a record matched,
the audit events appended together), with every check as strict and the audit trail written in
the same transaction as the rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import TaxonomyTerm
from linkwell.people.models import Person
from linkwell.people.services import PersonDetails, PossibleDuplicates
from linkwell.referrals.models import Referral, ReferralSource
from linkwell.referrals.services import ReferralDetails, referral_create
from linkwell.referrals.tests.factories import VALID_NHS, make_person, make_referral, needs

pytestmark = pytest.mark.django_db
BIRTHDAY = dt.date(1950, 1, 2)


def _details(personas: Any) -> ReferralDetails:
    needs()  # the shipped taxonomy, seeded (and audited) before anything is counted
    # The reasons as the referral form's choices give them: with their taxonomy.
    reasons = list(
        TaxonomyTerm.objects.filter(pk__in=[t.pk for t in needs("loneliness", "money")])
        .select_related("taxonomy")
        .order_by("name")
    )
    return ReferralDetails(
        link_worker_service=personas.link_worker_service,
        source=ReferralSource.GP_PRACTICE,
        reasons=reasons,
        consent_to_contact=True,
        referrer_organisation=personas.practice,
    )


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _statements(captured: CaptureQueriesContext) -> list[str]:
    """What was asked of the database, as "VERB table": the test's own transaction makes the
    service's atomic block a savepoint, which a request does not pay, so those are left out."""
    out = []
    for query in captured.captured_queries:
        sql = query["sql"].lstrip()
        verb = sql.split(None, 1)[0].upper()
        if verb in ("SAVEPOINT", "RELEASE"):
            continue
        marker = {"SELECT": " FROM ", "INSERT": "INTO ", "UPDATE": "UPDATE "}[verb]
        table = sql.split(marker, 1)[1].split(None, 1)[0].strip('"')
        out.append(f"{verb} {table}")
    return out


@pytest.fixture
def neighbours(personas: Any) -> list[Person]:
    """People sharing the new person's birthday, known to the practice, none of them a match."""
    out = []
    for given, family in (("Tom", "Price"), ("Sian", "Morgan")):
        person = make_person(
            given_name=given, family_name=family, date_of_birth=BIRTHDAY, postcode="LL13 3CC"
        )
        make_referral(person, personas.link_worker_service, referrer_organisation=personas.practice)
        out.append(person)
    return out


def test_a_new_persons_referral_is_one_search_and_four_inserts(
    personas: Any, neighbours: list[Person]
) -> None:
    details = _details(personas)
    before = _last_event()
    with CaptureQueriesContext(connection) as captured:
        referral = referral_create(
            actor=personas.referrer,
            referral=details,
            new_person=PersonDetails(
                given_name="Bob", family_name="Hughes", date_of_birth=BIRTHDAY
            ),
        )
    assert _statements(captured) == [
        "SELECT people_person",  # the indexed candidate search (the neighbours: no match)
        "INSERT people_person",
        "INSERT referrals_referral",
        "INSERT referrals_referral_reasons",
        "INSERT audit_auditevent",  # both events, in one statement
    ]
    events = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))
    assert [e.action for e in events] == [
        "people.person_created",
        "referrals.referral_received",
    ]
    assert {e.person_id for e in events} == {str(referral.person.uuid)}
    assert events[0].object_id == str(referral.person.uuid)
    assert events[0].changes["family_name"] == [None, "Hughes"]
    assert events[1].object_id == str(referral.uuid)
    assert set(events[1].detail["reasons"]) == {"loneliness", "money"}
    assert {e.actor_id for e in events} == {personas.referrer.pk}
    assert sorted(t.code for t in referral.reasons.all()) == ["loneliness", "money"]


def test_a_known_persons_referral_is_three_inserts(personas: Any) -> None:
    known = make_person(registered_practice=personas.practice)
    details = _details(personas)
    before = _last_event()
    with CaptureQueriesContext(connection) as captured:
        referral = referral_create(actor=personas.referrer, referral=details, person=known)
    assert _statements(captured) == [
        "INSERT referrals_referral",
        "INSERT referrals_referral_reasons",
        "INSERT audit_auditevent",
    ]
    assert AuditEvent.objects.get(pk__gt=before).action == "referrals.referral_received"
    assert referral.person == known


def test_a_known_person_without_a_practice_gets_it_and_both_events_in_one_insert(
    personas: Any,
) -> None:
    known = make_person()
    version = known.version
    details = _details(personas)
    before = _last_event()
    with CaptureQueriesContext(connection) as captured:
        referral_create(actor=personas.referrer, referral=details, person=known)
    assert _statements(captured) == [
        "UPDATE people_person",
        "INSERT referrals_referral",
        "INSERT referrals_referral_reasons",
        "INSERT audit_auditevent",
    ]
    known.refresh_from_db()
    assert known.registered_practice == personas.practice
    assert known.version == version + 1  # the record's version moves: a stale edit is refused
    events = AuditEvent.objects.filter(pk__gt=before).order_by("pk")
    assert list(events.values_list("action", flat=True)) == [
        "people.registered_practice_recorded",
        "referrals.referral_received",
    ]


def test_a_failure_after_the_person_is_written_leaves_neither_person_nor_audit(
    personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import linkwell.referrals.services.receiving as receiving

    def broken(events: Any) -> None:
        raise RuntimeError("audit store unavailable")

    details = _details(personas)
    monkeypatch.setattr(receiving, "audit_record_many", broken)
    people, before = Person.objects.count(), _last_event()
    with pytest.raises(RuntimeError):
        referral_create(
            actor=personas.referrer,
            referral=details,
            new_person=PersonDetails(
                given_name="Bob", family_name="Hughes", date_of_birth=BIRTHDAY
            ),
        )
    assert Person.objects.count() == people
    assert not Referral.objects.exists()
    assert _last_event() == before


@pytest.mark.parametrize(
    ("given", "family", "postcode", "nhs_number", "reason"),
    [
        ("Robert", "Hughes", "", "", "Same date of birth and family name"),
        ("Bobb", "Hughess", "", "", "Same date of birth and a similar name"),
        ("Alun", "Owen", "SY11 1AA", "", "Same date of birth and postcode"),
        ("Alun", "Owen", "", VALID_NHS, "Same NHS number"),
    ],
)
def test_every_kind_of_possible_duplicate_still_stops_a_referral(
    personas: Any,
    neighbours: list[Person],
    given: str,
    family: str,
    postcode: str,
    nhs_number: str,
    reason: str,
) -> None:
    existing = make_person(
        given_name="Bob",
        family_name="Hughes",
        date_of_birth=BIRTHDAY,
        postcode="SY11 1AA",
        nhs_number=VALID_NHS,
    )
    make_referral(existing, personas.other_team, referrer_organisation=personas.practice)
    details = _details(personas)
    people, events = Person.objects.count(), AuditEvent.objects.count()
    with pytest.raises(PossibleDuplicates) as exc:
        referral_create(
            actor=personas.referrer,
            referral=details,
            new_person=PersonDetails(
                given_name=given,
                family_name=family,
                date_of_birth=BIRTHDAY,
                postcode=postcode,
                nhs_number=nhs_number,
            ),
        )
    assert [(c.person, c.reasons[0]) for c in exc.value.candidates] == [(existing, reason)]
    assert (Person.objects.count(), AuditEvent.objects.count()) == (people, events)
    if nhs_number:  # an NHS number is never duplicated, even when confirmed
        with pytest.raises(ValidationFailed) as refused:
            referral_create(
                actor=personas.referrer,
                referral=details,
                new_person=PersonDetails(
                    given_name=given,
                    family_name=family,
                    date_of_birth=BIRTHDAY,
                    nhs_number=nhs_number,
                ),
                confirm_new_person=True,
            )
        assert "nhs_number" in refused.value.errors
        assert Person.objects.count() == people


def test_a_match_the_referrer_may_not_see_is_not_offered(personas: Any) -> None:
    hidden = make_person(given_name="Bob", family_name="Hughes", date_of_birth=BIRTHDAY)
    make_referral(hidden, personas.other_team)  # not the practice's, not registered there
    referral = referral_create(
        actor=personas.referrer,
        referral=_details(personas),
        new_person=PersonDetails(given_name="Bob", family_name="Hughes", date_of_birth=BIRTHDAY),
    )
    assert referral.person != hidden
    assert Person.objects.filter(given_name="Bob", family_name="Hughes").count() == 2


def test_reasons_given_without_their_taxonomy_are_checked_in_one_query(
    personas: Any, django_assert_num_queries: Any
) -> None:
    from linkwell.referrals.services import referral_errors

    plain = needs("loneliness", "money", "housing")  # taxonomies not loaded with the terms
    assert len(plain) == 3
    details = _details(personas)
    details.reasons = plain
    with django_assert_num_queries(1):
        assert referral_errors(referral=details) == {}
    knitting = TaxonomyTerm.objects.create(name="Knitting")  # in no taxonomy
    mixed = [*needs("loneliness"), knitting]
    details.reasons = mixed
    assert referral_errors(referral=details)["reasons"] == ["Choose reasons from the list"]
