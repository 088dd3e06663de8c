"""Each hard constraint: a volunteer who breaks it is refused with a sentence saying why, one
who does not is not; and `rank` never shows a refused volunteer."""

import datetime as dt
from typing import Any

import pytest

from linkwell.matching.profile import Profile
from linkwell.volunteering.engine import VolunteerMatcher, hard_constraint_failures
from linkwell.volunteering.profile import SupportWanted, VolunteerProfile
from linkwell.volunteering.tests.engine_factories import AT, north, person, slot, volunteer, wanted


def failures(
    p: Profile | None = None,
    w: SupportWanted | None = None,
    v: VolunteerProfile | None = None,
    **kwargs: Any,
) -> list[str]:
    return hard_constraint_failures(
        p or person(), w or wanted(), v or volunteer(), at=kwargs.pop("at", AT), **kwargs
    )


def test_the_default_volunteer_may_be_introduced():
    assert failures() == []
    for contact in ("home_visit", "meet_out", "phone", None):
        for role in ("befriender", "connector", "peer_supporter"):
            assert failures(w=wanted(contact=contact, role=role)) == []


@pytest.mark.parametrize("status", ["enquiry", "in_training", "paused", "left"])
def test_a_volunteer_who_is_not_active_is_refused(status):
    assert failures(v=volunteer(status=status)) == [
        f"They are not active (status: {status.replace('_', ' ')})"
    ]


def test_an_unknown_status_does_not_refuse_but_says_to_check():
    assert failures(v=volunteer(status=None)) == []
    [suggestion] = VolunteerMatcher([volunteer(status=None)], encoder=None).rank(
        person(), wanted(), at=AT
    )
    assert "Check they are active: no status recorded" in suggestion.reasons


@pytest.mark.parametrize(
    ("contact", "role", "roles", "message"),
    [
        ("phone", "befriender", {"befriender"}, "They are not approved as a telephone befriender"),
        ("home_visit", "befriender", {"telephone_befriender"}, "They are not approved as a befriender"),
        ("meet_out", "befriender", {"connector"}, "They are not approved as a befriender"),
        (None, "befriender", {"driver"}, "They are not approved as a befriender or telephone befriender"),
        ("meet_out", "connector", {"befriender"}, "They are not approved as a connector"),
        ("phone", "peer_supporter", {"befriender"}, "They are not approved as a peer supporter"),
        ("home_visit", "befriender", set(), "They are not approved as a befriender"),
    ],
)  # fmt: skip
def test_a_volunteer_not_approved_for_the_role_is_refused(contact, role, roles, message):
    v = volunteer(roles=frozenset(roles))
    assert failures(w=wanted(contact=contact, role=role), v=v) == [message]


def test_the_right_role_passes():
    phone = volunteer(roles=frozenset({"telephone_befriender"}), home_visits=False)
    assert failures(w=wanted(contact="phone"), v=phone) == []
    assert failures(w=wanted(contact=None), v=phone) == []
    connector = volunteer(roles=frozenset({"connector"}))
    assert failures(w=wanted(role="connector", contact="home_visit"), v=connector) == []


def test_no_dbs_check_is_refused():
    assert failures(v=volunteer(dbs_level=None, dbs_checked_on=None)) == [
        "They have no DBS check on record"
    ]


def test_a_lapsed_dbs_check_is_refused_and_the_renewal_period_is_a_setting():
    v = volunteer(dbs_checked_on=dt.date(2022, 3, 3))
    assert failures(v=v, at=dt.date(2025, 3, 3)) == [
        "Their DBS check (enhanced, 3 March 2022) has lapsed: checks are renewed every 3 years"
    ]
    assert failures(v=v, at=dt.date(2025, 3, 2)) == []  # the last day it counts
    assert failures(v=v, at=dt.date(2025, 3, 3), dbs_renewal_years=4) == []


def test_home_visits_to_adults_need_an_enhanced_check():
    v = volunteer(dbs_level="standard", dbs_checked_on=dt.date(2022, 3, 3))
    assert failures(w=wanted(contact="home_visit"), v=v, at=dt.date(2024, 1, 1)) == [
        "Their DBS check (standard, 3 March 2022) is not enhanced: home visits to adults need an "
        "enhanced check"
    ]
    assert failures(w=wanted(contact="phone"), v=v, at=dt.date(2024, 1, 1)) == []
    barred = volunteer(dbs_level="enhanced_with_barred_list")
    assert failures(w=wanted(contact="home_visit"), v=barred) == []


def test_someone_under_18_needs_an_enhanced_check_with_barred_list():
    young = person(age=16)
    assert failures(p=young, w=wanted(contact="phone"), v=volunteer()) == [
        "Their DBS check (enhanced, 1 June 2025) is not enhanced with barred list: supporting "
        "someone under 18 needs one"
    ]
    barred = volunteer(dbs_level="enhanced_with_barred_list")
    assert failures(p=young, w=wanted(contact="phone"), v=barred) == []


@pytest.mark.parametrize(
    ("contact", "role", "training", "missing"),
    [
        ("phone", "befriender", {"induction", "befriending"}, "safeguarding adults"),
        ("meet_out", "befriender", {"induction", "safeguarding_adults"}, "befriending"),
        ("meet_out", "connector", {"induction", "safeguarding_adults", "befriending"}, "connector coaching"),
        ("home_visit", "befriender", {"induction", "safeguarding_adults", "befriending"}, "lone working"),
        ("phone", "peer_supporter", {"safeguarding_adults"}, "induction"),
    ],
)  # fmt: skip
def test_missing_training_is_refused_naming_it(contact, role, training, missing):
    v = volunteer(training=frozenset(training))
    assert failures(w=wanted(contact=contact, role=role), v=v) == [
        f"They have not done the training this needs: {missing}"
    ]


def test_the_training_each_support_needs_passes():
    core = {"induction", "safeguarding_adults"}
    assert failures(w=wanted(role="peer_supporter"), v=volunteer(training=frozenset(core))) == []
    phone = volunteer(training=frozenset({*core, "befriending"}))
    assert failures(w=wanted(contact="phone"), v=phone) == []


def test_a_volunteer_at_their_limit_is_refused_and_two_is_the_default_limit():
    assert failures(v=volunteer(max_matches=2, current_matches=2)) == [
        "They support 2 people already (their limit is 2)"
    ]
    assert failures(v=volunteer(max_matches=None, current_matches=2)) == [
        "They support 2 people already (their limit is 2, the default when none is recorded)"
    ]
    assert failures(v=volunteer(max_matches=0)) == [
        "They support 0 people already (their limit is 0)"
    ]
    assert failures(v=volunteer(max_matches=3, current_matches=2)) == []
    assert failures(v=volunteer(max_matches=None, current_matches=1)) == []


def test_home_visits_need_a_volunteer_who_visits_within_their_radius():
    home = wanted(contact="home_visit")
    assert failures(w=home, v=volunteer(home_visits=False)) == ["They do not do home visits"]
    assert failures(w=home, v=volunteer(home_visits=None)) == []
    far = volunteer(travel_radius_km=5.0, **north(6))
    assert failures(w=home, v=far) == ["The person lives 6.0 km away, beyond the 5 km they travel"]
    assert failures(w=home, v=volunteer(travel_radius_km=5.0, **north(4.9))) == []
    # No radius: a default by how they travel.
    walker = volunteer(travel_radius_km=None, travel="walk", **north(3))
    assert failures(w=home, v=walker) == [
        "The person lives 3.0 km away, beyond the 2 km assumed (no radius)"
    ]
    # Unknown places do not refuse.
    assert failures(w=home, v=volunteer(latitude=None, longitude=None, **{})) == []
    assert failures(p=person(latitude=None, longitude=None), w=home, v=far) == []
    # Phone calls go any distance.
    assert failures(w=wanted(contact="phone"), v=far) == []


def test_meeting_out_needs_a_place_both_can_reach():
    out = wanted(contact="meet_out")
    v = volunteer(travel_radius_km=3.0, **north(6))
    assert failures(p=person(travel="walk"), w=out, v=v) == [
        "They live 6.0 km apart: too far to meet (the volunteer travels 3 km, the person 2 km)"
    ]
    assert failures(p=person(travel="car"), w=out, v=v) == []
    assert failures(p=person(max_distance_km=3.5), w=out, v=v) == []


def test_the_volunteers_own_gender_and_age_preferences_are_respected():
    only_women = volunteer(pref_person_gender="Female")
    assert failures(p=person(gender="man"), v=only_women) == [
        "They support only people who are Female; the person is man"
    ]
    assert failures(p=person(gender="Woman"), v=only_women) == []
    assert failures(p=person(gender=None), v=only_women) == []
    older = volunteer(pref_person_min_age=60, pref_person_max_age=90)
    assert failures(p=person(age=45), v=older) == [
        "They support only people aged 60 to 90; the person is 45"
    ]
    assert failures(p=person(age=95), v=volunteer(pref_person_max_age=90)) == [
        "They support only people aged up to 90; the person is 95"
    ]
    assert failures(p=person(age=60), v=older) == []
    assert failures(p=person(age=None), v=older) == []


def test_the_persons_wish_for_a_volunteers_gender_is_respected():
    w = wanted(volunteer_gender="woman")
    assert failures(w=w, v=volunteer(gender="male")) == [
        "The person asked for a volunteer who is woman; they are male"
    ]
    assert failures(w=w, v=volunteer(gender="F")) == []
    assert failures(w=w, v=volunteer(gender=None)) == []
    assert failures(w=wanted(volunteer_gender="Non-binary"), v=volunteer(gender="non binary")) == []


def test_no_shared_language_is_refused_and_no_languages_stated_counts_as_english():
    polish = person(languages=("pl",))
    assert failures(p=polish, v=volunteer(languages=())) == [
        "They share no language with the person (the person speaks Polish; they speak English)"
    ]
    assert failures(p=polish, v=volunteer(languages=("pl", "en"))) == []
    assert failures(p=person(languages=("pl", "en")), v=volunteer(languages=())) == []
    assert failures(p=person(languages=()), v=volunteer(languages=("cy",))) == []


def test_no_common_free_time_is_refused():
    p = person(availability=(slot("TU", 13, 17),))
    assert failures(p=p, v=volunteer(availability=(slot("TU", 9, 12), slot("SA")))) == [
        "They are not free when the person is (they: Tuesday mornings; Saturdays; the person: "
        "Tuesday afternoons)"
    ]
    assert failures(p=p, v=volunteer(availability=(slot("TU", 16, 20),))) == []
    assert failures(p=p, v=volunteer(availability=())) == []


def test_windows_that_only_touch_do_not_overlap():
    p = person(availability=(slot("TU", 13, 17),))
    assert failures(p=p, v=volunteer(availability=(slot("TU", 10, 13),))) != []


def test_a_volunteer_the_person_excluded_is_refused():
    assert failures(w=wanted(exclude_volunteer_ids=frozenset({"v1"}))) == [
        "The person's referral excludes them"
    ]
    assert failures(w=wanted(exclude_volunteer_ids=frozenset({"v2"}))) == []


def test_every_broken_rule_is_listed():
    v = volunteer(status="paused", dbs_level=None, dbs_checked_on=None, max_matches=0)
    assert len(failures(v=v)) == 3


def test_rank_never_shows_a_refused_volunteer():
    vols = [
        volunteer("ok", interests=("gardening",)),
        volunteer("paused", status="paused", interests=("gardening",)),
        volunteer("lapsed", dbs_checked_on=dt.date(2020, 1, 1), interests=("gardening",)),
    ]
    suggestions = VolunteerMatcher(vols, encoder=None).rank(
        person(interests=("gardening",)), wanted(), at=AT, top=10
    )
    assert [s.volunteer_id for s in suggestions] == ["ok"]
