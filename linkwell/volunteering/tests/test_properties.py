"""Random volunteers and people against an oracle written here from ENGINE.md's rule list,
without the engine's code: no suggested volunteer breaks a hard constraint, and
`hard_constraint_failures` is empty exactly for those the oracle finds eligible."""

import datetime as dt
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.matching.profile import Availability, Profile
from linkwell.volunteering.engine import VolunteerMatcher, hard_constraint_failures
from linkwell.volunteering.profile import SupportWanted, VolunteerProfile

AT = dt.date(2026, 12, 1)
HOME = (52.86, -3.05)
ROLES = ["befriender", "telephone_befriender", "connector", "peer_supporter", "driver"]
TRAINING = ["induction", "safeguarding_adults", "befriending", "connector_coaching", "lone_working"]
GENDERS = [None, "female", "Woman", "male", "M", "non-binary", "Non binary"]


def _minute_slots() -> Any:
    day = st.sampled_from(["MO", "TU", "SA"])
    hour = st.one_of(st.none(), st.integers(8, 20))

    def build(d, a, b):
        if a is not None and b is not None and b <= a:
            a, b = b, a + 1 if a == b else a
        return Availability(
            d, dt.time(a) if a is not None else None, dt.time(b) if b is not None else None
        )

    return st.builds(build, day, hour, hour)


def _place() -> Any:
    return st.one_of(
        st.none(),
        st.tuples(st.floats(-0.15, 0.15), st.floats(-0.2, 0.2)).map(
            lambda d: (HOME[0] + d[0], HOME[1] + d[1])
        ),
    )


def mostly(good: Any, *others: Any) -> Any:
    """`good` about four times in five: each rule breaks often enough to be tested, yet enough
    volunteers pass them all for the eligible side to be tested too."""
    return st.sampled_from([good] * 4 + list(others))


@st.composite
def volunteers(draw, vid):
    point = draw(_place())
    level = draw(mostly("enhanced", None, "basic", "standard", "enhanced_with_barred_list"))
    low = draw(st.one_of(st.none(), st.none(), st.integers(18, 70)))
    return VolunteerProfile(
        id=vid,
        gender=draw(st.sampled_from(GENDERS)),
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        travel_radius_km=draw(st.one_of(st.none(), st.floats(1, 30))),
        travel=draw(st.sampled_from([None, "walk", "public_transport", "car"])),
        roles=frozenset(
            draw(st.one_of(st.just(ROLES), st.just(ROLES), st.sets(st.sampled_from(ROLES))))
        ),
        status=draw(mostly("active", None, "paused", "in_training")),
        interests=tuple(draw(st.sets(st.sampled_from(["gardening", "fishing", "baking"])))),
        languages=tuple(draw(st.sets(st.sampled_from(["en", "pl", "cy"])))),
        availability=tuple(draw(st.lists(_minute_slots(), max_size=3))),
        dbs_level=level,
        dbs_checked_on=None
        if level is None
        else AT - dt.timedelta(days=draw(st.integers(0, 1200))),
        training=frozenset(
            draw(
                st.one_of(st.just(TRAINING), st.just(TRAINING), st.sets(st.sampled_from(TRAINING)))
            )
        ),
        max_matches=draw(st.one_of(st.none(), st.integers(0, 3))),
        current_matches=draw(mostly(0, 1, 2, 3)),
        home_visits=draw(mostly(True, None, False)),
        pref_person_gender=draw(mostly(None, *GENDERS[1:])),
        pref_person_min_age=low,
        pref_person_max_age=draw(st.one_of(st.none(), st.integers(low or 0, 100))),
    )


@st.composite
def people(draw):
    point = draw(_place())
    return Profile(
        id="p",
        age=draw(st.one_of(st.none(), st.integers(18, 95), st.integers(14, 95))),
        gender=draw(st.sampled_from(GENDERS)),
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        max_distance_km=draw(st.one_of(st.none(), st.floats(0.5, 15))),
        travel=draw(st.sampled_from([None, "walk", "public_transport", "car", "needs_transport"])),
        interests=tuple(draw(st.sets(st.sampled_from(["gardening", "fishing", "singing"])))),
        languages=tuple(draw(st.one_of(st.just(()), st.sets(st.sampled_from(["en", "pl", "cy"]))))),
        availability=tuple(draw(st.lists(_minute_slots(), max_size=2))),
    )


wanted_support = st.builds(
    SupportWanted,
    volunteer_gender=mostly(None, *GENDERS[1:]),
    contact=st.sampled_from([None, "home_visit", "meet_out", "phone"]),
    role=st.sampled_from(["befriender", "connector", "peer_supporter"]),
    exclude_volunteer_ids=st.sets(st.sampled_from(["v0", "v1", "v2"]), max_size=1).map(frozenset),
)


# --- the oracle: ENGINE.md's rules, written again from the text -------------------------------


def _sex(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.lower().replace("-", "").replace(" ", "")
    return {"woman": "female", "f": "female", "man": "male", "m": "male"}.get(v, v)


def _km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float:
    assert a is not None and b is not None
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _span(slot: Availability) -> tuple[int, int]:
    start = slot.start.hour * 60 + slot.start.minute if slot.start else 0
    end = slot.end.hour * 60 + slot.end.minute if slot.end else 1440
    return start, end


def eligible(p: Profile, w: SupportWanted, v: VolunteerProfile) -> bool:
    if v.id in w.exclude_volunteer_ids or v.status not in (None, "active"):
        return False
    if w.role == "befriender":
        need = {
            "phone": {"telephone_befriender"},
            None: {"befriender", "telephone_befriender"},
        }.get(w.contact, {"befriender"})
    else:
        need = {w.role}
    if not v.roles & need:
        return False
    if v.dbs_checked_on is None:
        return False
    done = v.dbs_checked_on
    leap_day = (done.month, done.day) == (2, 29)  # renewed on 28 February
    renew = dt.date(done.year + 3, done.month, 28 if leap_day else done.day)
    if renew <= AT:
        return False
    if p.age is not None and p.age < 18:
        if v.dbs_level != "enhanced_with_barred_list":
            return False
    elif w.contact == "home_visit" and v.dbs_level not in ("enhanced", "enhanced_with_barred_list"):
        return False
    training = {"induction", "safeguarding_adults"}
    role = sorted(v.roles & need)[0] if v.roles & need else None
    training |= {"befriender": {"befriending"}, "telephone_befriender": {"befriending"},
                 "connector": {"connector_coaching"}}.get(role or "", set())  # fmt: skip
    if w.contact == "home_visit":
        training.add("lone_working")
    if not training <= v.training:
        return False
    if v.current_matches >= (2 if v.max_matches is None else v.max_matches):
        return False
    both = p.point is not None and v.point is not None
    radius = v.travel_radius_km or {"walk": 2, "public_transport": 10, "car": 25}.get(
        v.travel or "", 10
    )
    if w.contact == "home_visit":
        if v.home_visits is False:
            return False
        if both and _km(p.point, v.point) > radius:
            return False
    if w.contact == "meet_out" and both:
        theirs = p.max_distance_km
        if theirs is None:
            theirs = {"walk": 2, "public_transport": 10, "car": 25, "needs_transport": 1}.get(
                p.travel or "", 10
            )
        if _km(p.point, v.point) > radius + theirs:
            return False
    if (
        _sex(v.pref_person_gender)
        and _sex(p.gender)
        and _sex(v.pref_person_gender) != _sex(p.gender)
    ):
        return False
    if p.age is not None and v.pref_person_min_age is not None and p.age < v.pref_person_min_age:
        return False
    if p.age is not None and v.pref_person_max_age is not None and p.age > v.pref_person_max_age:
        return False
    if _sex(w.volunteer_gender) and _sex(v.gender) and _sex(w.volunteer_gender) != _sex(v.gender):
        return False
    if p.languages and not set(p.languages) & set(v.languages or ["en"]):
        return False
    meet = any(
        a.day == b.day and max(_span(a)[0], _span(b)[0]) < min(_span(a)[1], _span(b)[1])
        for a in p.availability
        for b in v.availability
    )
    return meet or not p.availability or not v.availability


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=people(), w=wanted_support, v=volunteers("v1"))
def test_failures_are_empty_exactly_for_the_eligible(p, w, v):
    got = hard_constraint_failures(p, w, v, at=AT)
    assert (got == []) == eligible(p, w, v), got


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    p=people(),
    w=wanted_support,
    vols=st.tuples(*(volunteers(f"v{i}") for i in range(6))),
)
def test_no_suggested_volunteer_breaks_a_hard_constraint(p, w, vols):
    suggestions = VolunteerMatcher(list(vols), encoder=None).rank(p, w, top=6, at=AT)
    shown = [s.volunteer_id for s in suggestions]
    assert shown == sorted(
        shown, key=lambda i: (-next(s.score for s in suggestions if s.volunteer_id == i), i)
    )
    assert set(shown) == {v.id for v in vols if eligible(p, w, v)}
    assert all(0 <= s.score <= 1 for s in suggestions)


@st.composite
def reach_cases(draw):
    """Only places, radii, travel and contact vary: the distance rules at their edges."""
    km = draw(st.floats(0, 40))
    v = VolunteerProfile(
        id="v1",
        latitude=HOME[0] + km / 111.2,
        longitude=HOME[1],
        travel_radius_km=draw(st.one_of(st.none(), st.floats(1, 20), st.sampled_from([2.0, 5.0]))),
        travel=draw(st.sampled_from([None, "walk", "public_transport", "car"])),
        roles=frozenset(ROLES),
        status="active",
        dbs_level="enhanced",
        dbs_checked_on=AT,
        training=frozenset(TRAINING),
        home_visits=draw(mostly(True, None, False)),
    )
    p = Profile(
        id="p",
        latitude=HOME[0],
        longitude=HOME[1],
        max_distance_km=draw(st.one_of(st.none(), st.floats(0.5, 10))),
        travel=draw(st.sampled_from([None, "walk", "public_transport", "car", "needs_transport"])),
    )
    return p, SupportWanted(contact=draw(st.sampled_from(["home_visit", "meet_out"]))), v


@settings(max_examples=300, deadline=None)
@given(case=reach_cases())
def test_the_reach_rules_agree_with_the_oracle(case):
    p, w, v = case
    assert (hard_constraint_failures(p, w, v, at=AT) == []) == eligible(p, w, v)
