"""Property tests: for random directories and people, no ineligible, inactive,
unaffordable, inaccessible or out-of-range service ever appears, and ranking is deterministic."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.directory.postcodes import haversine_km
from linkwell.matching import stated
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import Matcher
from linkwell.matching.profile import Profile
from linkwell.matching.tests.factories import HOME, person, place

WORDS = ["walking", "choir", "garden", "lunch club", "befriending", "art", "cycling", "debt advice"]
ACCESS = [
    "Step-free access and a hearing loop.",
    "Sorry, no wheelchair access: the room is upstairs.",
    "Hearing loop available.",
]


@st.composite
def services(draw):
    n = draw(st.integers(min_value=0, max_value=14))
    out = []
    for i in range(n):
        min_age = draw(st.none() | st.integers(0, 90))
        max_age = draw(st.none() | st.integers(min_age or 0, 110))
        paid = draw(st.sampled_from([None, True, False]))
        out.append(
            ServiceDoc(
                id=f"s{i:02d}",
                name=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2))),
                # Some are given by phone or at home (a local scheme, a national line), some
                # only say how to get in touch.
                description=draw(
                    st.sampled_from(
                        [
                            "",
                            "Phone to book a place.",
                            "A weekly telephone call from a volunteer.",
                            "Volunteers visit you at home.",
                            "A free national helpline.",
                        ]
                    )
                ),
                status=draw(
                    st.sampled_from(
                        ["active", "active", "inactive", "defunct", "temporarily closed"]
                    )
                ),
                min_age=min_age,
                max_age=max_age,
                eligibility=draw(
                    st.sampled_from(
                        [
                            "",
                            "Women only",
                            "For men",
                            "Over 60s",
                            "Only for people with dementia.",
                            "For people living with dementia or memory problems.",
                        ]
                    )
                ),
                locations=tuple(place(km) for km in draw(st.lists(st.floats(0, 60), max_size=2))),
                free=None if paid is None else not paid,
                cost_amount=draw(st.floats(1, 20)) if paid else None,
                accessibility=tuple(draw(st.lists(st.sampled_from(ACCESS), max_size=1))),
                languages=tuple(
                    draw(st.lists(st.sampled_from(["en", "pl", "cy"]), max_size=2, unique=True))
                ),
                interpretation=draw(st.booleans()),
                capacity_available=draw(st.none() | st.integers(0, 5)),
                provides_transport=draw(st.booleans()),
            )
        )
    return out


@st.composite
def people(draw, ids):
    return person(
        age=draw(st.none() | st.integers(0, 120)),
        travel=draw(
            st.none() | st.sampled_from(["walk", "public_transport", "car", "needs_transport"])
        ),
        max_distance_km=draw(st.none() | st.floats(0.5, 30)),
        interests=draw(st.lists(st.sampled_from(WORDS), max_size=3)),
        cost=draw(st.sampled_from(["any", "free_only", "low_cost"])),
        accessibility=draw(st.lists(st.sampled_from(["wheelchair", "hearing loop"]), max_size=1)),
        languages=draw(st.lists(st.sampled_from(["en", "pl", "cy"]), max_size=1)),
        gender=draw(st.none() | st.sampled_from(["female", "male"])),
        exclude_service_ids=draw(st.lists(st.sampled_from(ids), max_size=2)) if ids else None,
    )


def reach(profile: Profile, service: ServiceDoc) -> float:
    if profile.travel == "needs_transport":
        far = profile.max_distance_km or 25
        return far if service.provides_transport else min(1.0, profile.max_distance_km or 1.0)
    if profile.max_distance_km is not None:
        return profile.max_distance_km
    return {"walk": 2, "public_transport": 10, "car": 25}.get(profile.travel or "", 10)


def allowed(profile: Profile, s: ServiceDoc) -> str | None:
    if s.status != "active" or s.id in profile.exclude_service_ids:
        return "inactive or already tried"
    age = profile.age
    low = s.min_age if s.min_age is not None else (60 if "Over 60s" in s.eligibility else None)
    if age is not None and (
        (low is not None and age < low) or (s.max_age is not None and age > s.max_age)
    ):
        return "age"
    # A service given by phone, online or at home reaches its district (or everyone).
    far = max(reach(profile, s), stated.remote_reach_km(s))
    if s.points and min(haversine_km(HOME, p) for p in s.points) > far + 1e-6:
        return "out of range"
    if profile.cost == "free_only" and s.free is False:
        return "not free"
    if profile.cost == "low_cost" and s.free is False and (s.cost_amount or 0) > 5:
        return "not low cost"
    if "wheelchair" in profile.accessibility and any("no wheelchair" in a for a in s.accessibility):
        return "not accessible"
    if (
        profile.languages
        and s.languages
        and not s.interpretation
        and not set(profile.languages) & set(s.languages)
    ):
        return "language"
    if "dementia" in s.eligibility:  # nobody here mentions dementia
        return "condition required"
    if profile.gender == "male" and s.eligibility == "Women only":
        return "gender"
    if profile.gender == "female" and s.eligibility == "For men":
        return "gender"
    return None


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_excluded_service_ever_appears(data):
    directory = data.draw(services())
    profile = data.draw(people([s.id for s in directory]))
    matcher = Matcher(directory, encoder=None)
    result = matcher.rank(profile, top=data.draw(st.integers(1, 20)))
    by_id = {s.id: s for s in directory}
    for suggestion in result:
        assert allowed(profile, by_id[suggestion.service_id]) is None, suggestion
    assert len({s.service_id for s in result}) == len(result)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_ranking_is_deterministic_and_ordered(data):
    directory = data.draw(services())
    profile = data.draw(people([s.id for s in directory]))
    first = Matcher(directory, encoder=None).rank(profile, top=8)
    assert first == Matcher(list(reversed(directory)), encoder=None).rank(profile, top=8)
    scores = [s.score for s in first]
    assert scores == sorted(scores, reverse=True)
    eligible = [s for s in directory if allowed(profile, s) is None]
    assert len(first) <= min(8, len(eligible))
