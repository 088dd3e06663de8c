"""People from the Shropshire and Halton programmes' stories, matched against a small Oswestry
directory."""

import pytest

from linkwell.matching.engine import Matcher, Suggestion
from linkwell.matching.tests.factories import AT, person, session, svc

DIRECTORY = [
    svc(
        "cycling-without-age",
        "Cycling Without Age Oswestry",
        description="Trishaw bike rides for older people and people living with dementia. "
        "Our volunteer pilots collect you from home.",
        taxonomy_terms=("Physical activity",),
        km=6,
        provides_transport=True,
        schedules=(session("TU", "10:00", "12:00"),),
        free=True,
        capacity_available=3,
    ),
    svc(
        "road-club",
        "Oswestry Road Cycling Club",
        description="Fast club rides.",
        km=2,
        min_age=18,
        max_age=65,
        free=False,
        cost_amount=4.0,
    ),
    svc(
        "memory-cafe",
        "Memory Café",
        description="A friendly café for people with dementia and their carers.",
        km=0.8,
        free=True,
    ),
    svc(
        "warm-homes",
        "Warm Homes Shropshire",
        description="Energy advice and boiler grants for cold homes.",
        taxonomy_terms=("Housing",),
        km=None,
        free=True,
    ),
    svc(
        "breathe-easy",
        "Breathe Easy Oswestry",
        description="Support group for people living with COPD and other lung conditions.",
        km=1.5,
        free=True,
        schedules=(session("WE", "14:00", "15:30"),),
    ),
    svc(
        "ukulele",
        "Strum Along",
        description="Ukulele group for beginners; instruments lent.",
        taxonomy_terms=("Music",),
        km=1.1,
        free=False,
        cost_amount=2.0,
        cost_text="£2.00",
    ),
    svc(
        "gym",
        "Iron Gym",
        description="High intensity training.",
        km=0.5,
        free=False,
        cost_amount=25.0,
    ),
    svc(
        "seated",
        "Sit and Be Fit",
        description="Chair-based exercise for people with arthritis or limited mobility.",
        km=1.2,
        free=True,
        schedules=(session("TH", "10:30", "11:30"),),
    ),
    svc(
        "day-centre",
        "Age UK Day Centre",
        description="Lunch, activities and company for older people.",
        km=2.5,
        min_age=60,
    ),
    svc(
        "cruse",
        "Cruse Bereavement Support",
        description="Grief support after the death of someone close.",
        km=None,
        free=True,
    ),
    svc(
        "walking-football", "Walking Football", description="Gentle football for over 50s.", km=1.0
    ),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(DIRECTORY, encoder=None)


def names(results: list[Suggestion]) -> list[str]:
    return [r.service_id for r in results]


def test_mike_who_has_dementia_and_can_no_longer_cycle_alone_is_offered_a_group_that_collects_him(
    matcher,
):
    mike = person(
        id="mike",
        age=78,
        travel="needs_transport",
        interests=["cycling"],
        conditions=["dementia"],
        availability=[{"day": "TU", "from": "09:00", "to": "13:00"}],
    )
    results = matcher.rank(mike, top=3, at=AT)
    assert results[0].service_id == "cycling-without-age"
    assert "road-club" not in names(results)  # too old for it, and he cannot cycle alone
    assert results[0].reasons[:6] == [
        "matches 'cycling'",
        "matches 'dementia'",
        "6.0 km away",
        "provides transport",
        "Tuesdays 10:00\u201312:00 \u2014 you said Tuesday mornings",
        "free",
    ]
    assert "3 places left" in results[0].reasons
    assert "memory-cafe" in names(results)  # under 1 km: reachable without transport


def test_bob_with_copd_and_a_cold_house_gets_the_boiler_grant_and_then_the_ukulele(matcher):
    bob = person(
        id="bob",
        age=68,
        needs=["cold home"],
        conditions=["COPD"],
        interests=["ukulele"],
        cost="low_cost",
        travel="walk",
    )
    results = matcher.rank(bob, top=4, at=AT)
    top3 = names(results)[:3]
    assert set(top3) == {"warm-homes", "breathe-easy", "ukulele"}
    reasons = {r.service_id: r.reasons for r in results}
    assert "related to 'cold home': boiler grant" in reasons["warm-homes"] or any(
        "cold home" in r for r in reasons["warm-homes"]
    )
    assert (
        "related to 'COPD': breathe easy" in reasons["breathe-easy"]
        or "matches 'COPD'" in reasons["breathe-easy"]
    )
    assert "gym" not in names(results)  # £25 is not low cost


def test_a_bereaved_woman_in_her_seventies_with_arthritis_gets_seated_exercise_and_a_day_centre(
    matcher,
):
    her = person(
        id="mrs-b",
        age=74,
        gender="female",
        needs=["bereavement", "loneliness"],
        conditions=["arthritis"],
        what_matters="Since my husband died I hardly see anyone",
        travel="public_transport",
    )
    results = matcher.rank(her, top=5, at=AT)
    top = names(results)
    assert {"seated", "cruse", "day-centre"} <= set(top)
    seated = next(r for r in results if r.service_id == "seated")
    assert (
        "related to 'arthritis': chair based" in seated.reasons
        or "matches 'arthritis'" in seated.reasons
    )
