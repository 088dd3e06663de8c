"""Volunteer profiles, the person's profile and the ranking for a request (selectors/ranking.py),
and the property that an introduction succeeds exactly when the engine finds no hard constraint."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.audit.models import AuditEvent, Kind
from linkwell.casework.models import WellbeingReview
from linkwell.casework.tests.factories import case_for
from linkwell.core.exceptions import ValidationFailed
from linkwell.volunteering import checks
from linkwell.volunteering.engine import hard_constraint_failures
from linkwell.volunteering.models import Course, DbsLevel, RoleStatus, SupportRequest
from linkwell.volunteering.selectors import (
    member_profiles,
    person_profile,
    ranked_for_request,
    volunteer_profiles,
)
from linkwell.volunteering.tests.factories import VolunteerCast, make_member
from linkwell.volunteering.tests.request_helpers import introduce, make_request
from tests.personas import Personas

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_a_member_profile_reads_roles_checks_matches_and_place(cast: VolunteerCast) -> None:
    introduce(cast.coordinator, make_request(cast.service), cast.member)
    profiles = {p.id: p for p in volunteer_profiles(cast.service, at=TODAY())}
    margaret = profiles[str(cast.member.uuid)]
    assert margaret.roles == frozenset({"befriender"}) and margaret.status == "active"
    assert margaret.dbs_level == "enhanced"
    assert margaret.dbs_checked_on == TODAY() - dt.timedelta(days=365)
    assert "safeguarding_adults" in margaret.training
    assert margaret.current_matches == 1
    assert margaret.point is not None  # SY11 1AA placed offline
    assert profiles[str(cast.other_member.uuid)].current_matches == 0


def test_a_member_in_training_is_not_active(cast: VolunteerCast) -> None:
    trainee = make_member(cast.service, status=RoleStatus.TRAINING)
    (profile,) = [
        p for p in volunteer_profiles(cast.service, at=TODAY()) if p.id == str(trainee.uuid)
    ]
    assert profile.status == "in_training" and profile.roles == frozenset()


def test_profiles_take_the_same_queries_for_two_members_or_twelve(cast: VolunteerCast) -> None:
    with CaptureQueriesContext(connection) as few:
        volunteer_profiles(cast.service, at=TODAY())
    for _ in range(10):
        make_member(cast.service)
    with CaptureQueriesContext(connection) as many:
        assert len(volunteer_profiles(cast.service, at=TODAY())) == 12
    assert len(many) == len(few) == 3


def test_the_person_profile_comes_from_the_case_and_logs_the_read(
    personas: Personas, cast: VolunteerCast
) -> None:
    case = case_for(personas)
    WellbeingReview.objects.create(
        case=case, held_on=TODAY(), what_matters="My garden", interests="Bowls"
    )
    request = make_request(cast.service, person=case.person, case=case, about="Knitting")
    before = AuditEvent.objects.filter(kind=Kind.ACCESS).count()
    profile, wanted = person_profile(request, actor=cast.coordinator)
    assert "Bowls" in profile.interests and "Knitting" in profile.interests
    assert wanted.contact == "home_visit" and wanted.role == "befriender"
    assert AuditEvent.objects.filter(kind=Kind.ACCESS).count() == before + 1


def test_without_a_case_the_person_record_and_request_are_used(cast: VolunteerCast) -> None:
    request = make_request(cast.service, about="Gardening, birds")
    request.excluded_members.add(cast.member)
    profile, wanted = person_profile(request, actor=cast.coordinator)
    assert profile.gender == "female" and profile.postcode == "SY11 1AA"
    assert profile.languages == ("en",) and profile.interests == ("Gardening", "birds")
    assert wanted.exclude_volunteer_ids == frozenset({str(cast.member.uuid)})


def test_the_ranking_says_why_a_member_is_not_suggested(cast: VolunteerCast) -> None:
    brian = make_member(
        cast.service, given_name="Brian", dbs_on=TODAY() - dt.timedelta(days=4 * 365)
    )
    request = make_request(cast.service)
    ranking = ranked_for_request(cast.coordinator, request)
    suggested = {r.member for r in ranking.suggestions}
    assert suggested == {cast.member, cast.other_member}
    assert ranking.shown == [str(r.member.uuid) for r in ranking.suggestions]
    (why,) = [n for n in ranking.not_suggested if n.member == brian]
    assert any("has lapsed" in reason for reason in why.reasons)


def test_a_member_already_introduced_is_listed_as_such(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    introduce(cast.coordinator, request, cast.member)
    ranking = ranked_for_request(cast.coordinator, request)
    assert [r.member for r in ranking.suggestions] == [cast.other_member]
    assert [(n.member, n.reasons) for n in ranking.not_suggested] == [
        (cast.member, ["Already introduced to this person"])
    ]


# --- the property: the service introduces exactly those the engine allows ----------------

member_attributes = st.fixed_dictionaries(
    {
        "status": st.sampled_from([RoleStatus.ACTIVE, RoleStatus.ACTIVE, RoleStatus.PAUSED]),
        "roles": st.sampled_from([("befriender",), ("connector",), ("befriender", "driver")]),
        "dbs_level": st.sampled_from([None, DbsLevel.STANDARD, DbsLevel.ENHANCED]),
        "dbs_years_ago": st.integers(min_value=0, max_value=5),
        "courses": st.sampled_from(
            [(), ("induction", "safeguarding_adults"), tuple(Course.values)]
        ),
        "max_matches": st.integers(min_value=0, max_value=2),
        "postcode": st.sampled_from(["SY11 1AA", "TF1 1AA", ""]),
        "travel_radius_km": st.sampled_from([None, 2, 50]),
        "home_visits": st.sampled_from([None, True, False]),
        "gender": st.sampled_from(["", "female", "male"]),
        "pref_person_gender": st.sampled_from(["", "female", "male"]),
        "languages": st.sampled_from([[], ["en"], ["cy"]]),
    }
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(attrs=member_attributes, contact=st.sampled_from(["home_visit", "meet_out", "phone"]))
def test_an_introduction_succeeds_exactly_when_no_hard_constraint_fails(
    cast: VolunteerCast, attrs: dict[str, Any], contact: str
) -> None:
    with transaction.atomic():
        years = attrs.pop("dbs_years_ago")
        member = make_member(
            cast.service, dbs_on=TODAY() - dt.timedelta(days=365 * years + 1), **attrs
        )
        request = make_request(cast.service, contact=contact)
        (pair,) = member_profiles(cast.service, at=TODAY(), member_ids=[member.pk])
        profile, wanted = person_profile(request, actor=cast.coordinator)
        failures = hard_constraint_failures(
            profile, wanted, pair[1], at=TODAY(), dbs_renewal_years=checks.renewal_years()
        )
        try:
            introduce(cast.coordinator, request, member)
        except ValidationFailed as exc:
            assert failures, exc.errors
            assert SupportRequest.objects.get(pk=request.pk).status == "waiting"
            assert not request.matches.exists()
        else:
            assert not failures
            assert request.matches.filter(member=member).exists()
        transaction.set_rollback(True)
