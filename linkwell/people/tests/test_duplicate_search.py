"""The duplicate check finds exactly what it found when it weighed every record the actor may
see: the same candidates, for the same reasons, in the same order (the earlier reading is kept
below as `_every_visible_record`); it reads only the records sharing an NHS number or a date of
birth, and the actor's memberships once, only when some record matched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from linkwell.accounts.models import Membership, Role
from linkwell.people.access import people_known_to
from linkwell.people.models import Person
from linkwell.people.selectors import (
    DuplicateCandidate,
    _compact_postcode,
    _similar,
    normalise_name,
    person_duplicate_candidates,
)
from linkwell.people.services import PersonDetails, person_duplicates_for
from linkwell.referrals.tests.factories import OTHER_VALID_NHS, VALID_NHS, make_referral
from tests.personas import Personas

pytestmark = pytest.mark.django_db
BIRTHDAY = dt.date(1948, 3, 15)


def _every_visible_record(
    *,
    people: QuerySet[Person],
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    postcode: str = "",
    nhs_number: str = "",
    exclude: Person | None = None,
) -> list[DuplicateCandidate]:
    """The check as it was: the scope filtered by NHS number or date of birth in one query."""
    q = Q(pk__in=[])
    if nhs_number:
        q |= Q(nhs_number=nhs_number)
    if date_of_birth is not None:
        q |= Q(date_of_birth=date_of_birth)
    rows = people.filter(q, merged_into__isnull=True).select_related("registered_practice")
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    family = normalise_name(family_name)
    full = normalise_name(given_name) + " " + family
    code = _compact_postcode(postcode)
    out: list[DuplicateCandidate] = []
    for person in rows[:200]:
        reasons: list[str] = []
        if nhs_number and person.nhs_number == nhs_number:
            reasons.append("Same NHS number")
        if date_of_birth is not None and person.date_of_birth == date_of_birth:
            their_family = normalise_name(person.family_name)
            their_full = normalise_name(person.given_name) + " " + their_family
            if family and their_family == family:
                reasons.append("Same date of birth and family name")
            elif _similar(full, their_full):
                reasons.append("Same date of birth and a similar name")
            elif code and _compact_postcode(person.postcode) == code:
                reasons.append("Same date of birth and postcode")
        if reasons:
            out.append(DuplicateCandidate(person=person, reasons=reasons))
    out.sort(key=lambda c: (not c.same_nhs_number, c.person.family_name, c.person.given_name))
    return out


def _person(personas: Personas, how: str, **fields: Any) -> Person:
    data: dict[str, Any] = {
        "given_name": "Margaret",
        "family_name": "Evans",
        "date_of_birth": BIRTHDAY,
        "postcode": "SY11 1AA",
    }
    data.update(fields)
    person = Person.objects.create(**data)
    if how == "team_referral":
        make_referral(person, personas.link_worker_service)
    elif how == "team_case":
        # People sits below casework: the case is made through the person's reverse relation.
        person.cases.create(
            link_worker_service=personas.link_worker_service, opened_at=timezone.now()
        )
    elif how == "other_team":
        make_referral(person, personas.other_team)
    elif how == "registered":
        person.registered_practice = personas.practice
        person.save(update_fields=["registered_practice"])
    elif how == "referred_by_practice":
        make_referral(person, personas.other_team, referrer_organisation=personas.practice)
    return person


@pytest.fixture
def region(personas: Personas) -> dict[str, Person]:
    """Records reached every way the scope allows, and some it does not."""
    made = {
        "nhs": _person(
            personas,
            "team_referral",
            nhs_number=VALID_NHS,
            given_name="Peggy",
            family_name="Jones",
            date_of_birth=dt.date(1960, 1, 1),
        ),
        "family": _person(
            personas, "team_case", given_name="Maggie", family_name="EVANS", postcode="LL11 1AA"
        ),
        "accents": _person(personas, "registered", given_name="Marged", family_name="Évans-"),
        "similar": _person(
            personas,
            "team_referral",
            given_name="Margret",
            family_name="Evens",
            postcode="LL12 2BB",
        ),
        "postcode": _person(
            personas,
            "referred_by_practice",
            given_name="Susan",
            family_name="Price",
            postcode="sy111aa",
        ),
        "stranger": _person(
            personas, "team_referral", given_name="Tom", family_name="Hughes", postcode="LL13 3CC"
        ),
        "other_team": _person(personas, "other_team", given_name="Margaret"),
        "nobody": _person(personas, "none", given_name="Margaret"),
        "other_day": _person(personas, "team_referral", date_of_birth=BIRTHDAY.replace(day=16)),
        "nhs_elsewhere": _person(personas, "other_team", nhs_number=OTHER_VALID_NHS),
    }
    merged = _person(personas, "team_referral", given_name="Margaret")
    merged.merged_into = made["family"]
    merged.save(update_fields=["merged_into"])
    made["merged"] = merged
    return made


PROBES: list[dict[str, Any]] = [
    {"given_name": "Margaret", "family_name": "Evans", "postcode": "SY11 1AA"},
    {"given_name": "Meg", "family_name": "evans", "postcode": ""},
    {"given_name": "Margarett", "family_name": "Evanns", "postcode": "LL99 9ZZ"},
    {"given_name": "Susan", "family_name": "Smith", "postcode": "SY11 1AA"},
    {"given_name": "Tom", "family_name": "Price", "postcode": "LL11 1AA"},
    {"given_name": "Zed", "family_name": "Quill", "postcode": "LL99 9ZZ"},
    {
        "given_name": "Peggy",
        "family_name": "Jones",
        "nhs_number": VALID_NHS,
        "date_of_birth": dt.date(1960, 1, 1),
    },
    {"given_name": "Anyone", "family_name": "Else", "nhs_number": VALID_NHS},
    {"given_name": "Anyone", "family_name": "Else", "nhs_number": OTHER_VALID_NHS},
]


def _key(candidates: list[DuplicateCandidate]) -> list[tuple[int, list[str]]]:
    return [(c.person.pk, c.reasons) for c in candidates]


def test_every_actor_is_offered_exactly_the_candidates_the_full_reading_offered(
    personas: Personas, region: dict[str, Person]
) -> None:
    offered = 0
    for actor in (
        personas.link_worker,
        personas.referrer,
        personas.other_team_link_worker,
        personas.outsider,
    ):
        for probe in PROBES:
            args: dict[str, Any] = {
                "date_of_birth": BIRTHDAY,
                "postcode": "",
                "nhs_number": "",
                **probe,
            }
            for exclude in (None, region["family"]):
                old = _every_visible_record(people=people_known_to(actor), exclude=exclude, **args)
                new = person_duplicate_candidates(
                    people=people_known_to(actor), exclude=exclude, **args
                )
                assert _key(new) == _key(old), (actor.email, probe, exclude)

                # The scope given as a function (read only when something matched): the same.
                def scope(actor: Any = actor) -> QuerySet[Person]:
                    return people_known_to(actor)

                lazy = person_duplicate_candidates(people=scope, exclude=exclude, **args)
                assert _key(lazy) == _key(old), (actor.email, probe, exclude)
                offered += len(new)
    assert offered >= 20


def test_what_a_link_worker_is_offered_for_margaret(
    personas: Personas, region: dict[str, Person]
) -> None:
    found = person_duplicates_for(
        actor=personas.link_worker,
        details=PersonDetails(
            given_name="Margaret", family_name="Evans", date_of_birth=BIRTHDAY, postcode="SY11 1AA"
        ),
    )
    names = {c.person.pk: c.reasons for c in found}
    assert names == {
        region["family"].pk: ["Same date of birth and family name"],
        region["similar"].pk: ["Same date of birth and a similar name"],
    }  # not the stranger, the other team's, the unseen, the merged or the other birthday
    referrer = person_duplicates_for(
        actor=personas.referrer,
        details=PersonDetails(
            given_name="Margaret", family_name="Evans", date_of_birth=BIRTHDAY, postcode="SY11 1AA"
        ),
    )
    assert {c.person.pk: c.reasons for c in referrer} == {
        region["accents"].pk: ["Same date of birth and family name"],
        region["postcode"].pk: ["Same date of birth and postcode"],
    }


def test_an_nhs_number_is_found_whatever_the_birthday_and_comes_first(
    personas: Personas, region: dict[str, Person]
) -> None:
    found = person_duplicates_for(
        actor=personas.link_worker,
        details=PersonDetails(
            given_name="Meg", family_name="Evans", date_of_birth=BIRTHDAY, nhs_number=VALID_NHS
        ),
    )
    assert found[0].person == region["nhs"] and found[0].same_nhs_number
    assert [c.person for c in found[1:]] == [region["family"]]  # Margret Evens is not Meg


def test_someone_new_is_offered_nobody(personas: Personas, region: dict[str, Person]) -> None:
    for actor in (personas.link_worker, personas.referrer):
        assert (
            person_duplicates_for(
                actor=actor,
                details=PersonDetails(
                    given_name="Zed",
                    family_name="Quill",
                    date_of_birth=BIRTHDAY,
                    postcode="LL99 9ZZ",
                ),
            )
            == []
        )


def test_the_check_reads_memberships_once_and_only_the_matching_records(
    personas: Personas, region: dict[str, Person], django_assert_num_queries: Any
) -> None:
    Membership.objects.create(
        user=personas.link_worker, organisation=personas.practice, role=Role.REFERRER
    )
    details = PersonDetails(given_name="Margaret", family_name="Evans", date_of_birth=BIRTHDAY)
    # Memberships, the records sharing the birthday, those of them the user may see.
    with django_assert_num_queries(3):
        found = person_duplicates_for(actor=personas.link_worker, details=details)
    # Both ways in count: the team's records and the practice's registered ones.
    assert {region["family"].pk, region["accents"].pk} <= {c.person.pk for c in found}


def test_someone_new_costs_the_one_candidate_query_and_no_membership_read(
    personas: Personas, region: dict[str, Person], django_assert_num_queries: Any
) -> None:
    details = PersonDetails(given_name="Zed", family_name="Quill", date_of_birth=BIRTHDAY)
    # Records share the birthday but none matches the name: the scope is never needed.
    with django_assert_num_queries(1):
        assert person_duplicates_for(actor=personas.link_worker, details=details) == []


def test_an_anonymous_actor_is_offered_nobody_and_nothing_is_read(
    personas: Personas, region: dict[str, Person], django_assert_num_queries: Any
) -> None:
    details = PersonDetails(given_name="Margaret", family_name="Evans", date_of_birth=BIRTHDAY)
    with django_assert_num_queries(0):
        assert person_duplicates_for(actor=AnonymousUser(), details=details) == []


def test_staff_outside_every_team_and_practice_are_offered_nobody_though_records_match(
    personas: Personas, region: dict[str, Person]
) -> None:
    details = PersonDetails(given_name="Margaret", family_name="Evans", date_of_birth=BIRTHDAY)
    assert person_duplicates_for(actor=personas.outsider, details=details) == []
    # ...while a link worker asking the same is offered the team's matches.
    assert person_duplicates_for(actor=personas.link_worker, details=details)
