"""The matching profile is read from the case record: each field from its source, no typing twice."""

import datetime as dt

import pytest

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import WellbeingReview
from linkwell.casework.tests.factories import referred_case
from linkwell.connections.services import connection_signpost
from linkwell.matching.case_profile import age_on, build_case_profile, case_profile
from linkwell.people.models import ContactMethod, Person, Sex

from .factories import directory, reviewed_case

pytestmark = pytest.mark.django_db


def test_age_comes_from_the_date_of_birth():
    assert age_on(dt.date(1948, 5, 17), dt.date(2026, 5, 16)) == 77
    assert age_on(dt.date(1948, 5, 17), dt.date(2026, 5, 17)) == 78


def test_it_reads_where_the_person_lives_their_access_language_and_contact(personas):
    case = reviewed_case(personas, preferred=ContactMethod.EMAIL)
    Person.objects.filter(pk=case.person.pk).update(sex=Sex.FEMALE, accessibility_needs="")
    case.refresh_from_db()
    built = build_case_profile(case, today=dt.date(2026, 6, 1))
    profile = built.profile
    assert profile.id == str(case.uuid)
    assert profile.age == 78
    assert profile.postcode == "SY11 2SP"
    assert profile.point is not None
    assert profile.accessibility == ("Wheelchair user",)
    assert profile.languages == ("en", "cy")
    assert profile.gender == "female"
    assert built.contact_method == ContactMethod.EMAIL


def test_needs_come_from_referral_reasons_struggling_life_areas_and_open_goals(personas):
    profile = build_case_profile(reviewed_case(personas)).profile
    assert profile.needs == ("Loneliness or isolation", "Loneliness", "Join a walking group")
    assert "Old goal" not in profile.needs  # achieved goals are not needs any more
    assert "Money" not in profile.needs  # scored 8, not a priority


def test_interests_what_matters_strengths_and_conditions_come_from_the_latest_review(personas):
    case = reviewed_case(personas)
    profile = build_case_profile(case).profile
    assert profile.interests == ("Gardening", "singing", "hymns", "Baking")
    assert "Her daughter" not in profile.interests  # a social asset, not an interest
    assert profile.what_matters == "Getting out of the house and seeing people again."
    assert profile.conditions == ("COPD", "arthritis")
    # A newer review replaces the older one.
    WellbeingReview.objects.create(
        case=case, held_on=dt.date.today(), what_matters="Being useful", interests="Fishing"
    )
    profile = build_case_profile(case).profile
    assert profile.interests == ("Fishing",)
    assert profile.what_matters == "Being useful"


def test_services_already_tried_are_excluded(personas):
    case = reviewed_case(personas)
    services = directory(personas)
    connection_signpost(actor=personas.link_worker, case=case, service=services["walk"])
    profile = build_case_profile(case).profile
    assert profile.exclude_service_ids == frozenset({str(services["walk"].uuid)})


def test_without_a_review_or_a_known_postcode_it_says_what_is_missing(personas):
    case = referred_case(personas)
    Person.objects.filter(pk=case.person.pk).update(postcode="ZZ99 9ZZ")
    case.refresh_from_db()
    built = build_case_profile(case)
    assert built.profile.point is None and built.profile.postcode is None
    assert built.profile.interests == () and built.profile.what_matters == ""
    assert built.profile.travel is None and built.profile.cost == "any"
    assert built.profile.availability == ()
    assert any("postcode" in m for m in built.missing)
    assert any("wellbeing review" in m for m in built.missing)
    assert ("Travel, cost, days", "no preference recorded") in built.sources


def test_reading_the_profile_is_an_audited_access_to_the_person(personas):
    case = reviewed_case(personas)
    case_profile(actor=personas.link_worker, case=case)
    event = AuditEvent.objects.get(action="access", person_id=str(case.person.uuid))
    assert event.actor_id == personas.link_worker.pk
    assert event.detail["purpose"] == "matching profile"
