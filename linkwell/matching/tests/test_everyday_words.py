"""Needs said in everyday words reach listings that describe the service in its own words, each
on people and listings written here (in no labelled set): what the link worker would notice is a
service that meets the need left out because it never uses the person's words."""

from __future__ import annotations

import pytest

from linkwell.matching import features
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import Matcher, Suggestion
from linkwell.matching.profile import Profile
from linkwell.matching.tests.factories import person, svc
from linkwell.text import analysis as text


def ranked(services: list[ServiceDoc], profile: Profile) -> list[Suggestion]:
    return Matcher(services, encoder=None).rank(profile, top=len(services))


def related(result: list[Suggestion], sid: str) -> list[str]:
    reasons = next(s.reasons for s in result if s.service_id == sid)
    return [r for r in reasons if r.startswith("related to")]


# A listing nearer the person that meets none of the needs below: without the reading, it is
# first on distance alone.
NEARBY = svc("nearby", "Bike maintenance", description="Learn to fix a puncture.", km=0.3)


@pytest.mark.parametrize(
    "said",
    [
        "I don't see anyone from one week to the next.",
        "Since she retired she barely sees anyone.",
        "He says he never sees a soul.",
        "She sees no one all week.",
        "There's nobody to talk to since the move.",
    ],
)
def test_not_seeing_anyone_is_loneliness(said):
    friendship = svc("friendship", "Thursday friendship group", description="Tea and a chat.", km=3)
    result = ranked([NEARBY, friendship], person(what_matters=said))
    assert result[0].service_id == "friendship"
    assert related(result, "friendship")


def test_a_listing_that_says_meet_new_people_is_found_for_loneliness():
    lunch = svc(
        "lunch", "Soup lunch", description="Soup and sandwiches. Come and meet new people!", km=3
    )
    result = ranked([NEARBY, lunch], person(needs=["lonely"]))
    assert result[0].service_id == "lunch"
    assert related(result, "lunch") == ["related to 'lonely': meet new people"]


def test_a_new_thing_in_a_category_is_not_a_category_the_person_needs():
    # "Refugees and new arrivals" is not about someone who would like to meet new people.
    said = "She would like to meet new people."
    assert "new" not in features.facet_taxonomy_words(said, text.expand(said))


@pytest.mark.parametrize(
    "said",
    [
        "He can't cook.",
        "She's been eating badly since her husband died.",
        "He's living on toast.",
        "Not eating properly.",
    ],
)
def test_not_eating_well_points_to_a_hot_meal(said):
    lunch = svc("lunch", "Lunch club", description="A two-course hot lunch for older people.", km=3)
    result = ranked([NEARBY, lunch], person(what_matters=said))
    assert result[0].service_id == "lunch"
    assert related(result, "lunch")


def test_someone_who_cannot_cook_is_still_pointed_to_cookery():
    course = svc("course", "Cookery for beginners", description="Simple recipes, six weeks.", km=3)
    result = ranked([NEARBY, course], person(needs=["can't cook"]))
    assert result[0].service_id == "course"


@pytest.mark.parametrize(
    "said",
    [
        "She needs more grab rails.",
        "Home adaptations",
        "He can't manage the stairs and needs a stairlift.",
    ],
)
def test_adapting_a_home_points_to_what_listings_call_the_adaptations(said):
    grant = svc(
        "grant",
        "Disabled facilities grant",
        description="Grants for stairlifts, level-access showers and grab rails.",
        km=None,
    )
    result = ranked([NEARBY, grant], person(what_matters=said))
    assert result[0].service_id == "grant"
    assert related(result, "grant")


def test_an_adapted_bike_is_not_a_home_adaptation():
    assert not [e for e in text.expand("adapted cycles") if e.trigger.startswith("adapt")]


@pytest.mark.parametrize(
    "said",
    [
        "She needs somewhere to live after Christmas.",
        "He wants a home without steps, near the shops.",
        "They are looking for a home closer to her mum.",
        "He has to move house by March.",
    ],
)
def test_needing_somewhere_to_live_is_housing(said):
    housing = svc("housing", "Housing options", description="Advice from our housing team.", km=4)
    result = ranked([NEARBY, housing], person(what_matters=said))
    assert result[0].service_id == "housing"
    assert related(result, "housing")


def test_a_home_visit_is_not_a_home_to_live_in():
    # "At home" is where a service comes, and "home visits" what it does: neither asks for housing.
    said = "She would like someone to visit her at home."
    assert not any(e for e in text.expand(said) if "housing" in {p.text for p in e.phrases})


@pytest.mark.parametrize(
    ("said", "name", "description"),
    [
        ("He wants to quit betting.", "Gambling support", "Counselling for people affected by gambling."),
        ("She owes about £3,000 on cards.", "Money advice", "Free help with debts and arrears."),
        ("He can't keep on top of the bills.", "Money advice", "Free help with debts and arrears."),
        ("Her husband passed away in May.", "Grief café", "A bereavement café, every week."),
        ("He lost his wife last year.", "Grief café", "A bereavement café, every week."),
        ("She'd like some pals her own age.", "Tuesday social", "A friendship group with tea."),
        ("He loves days out.", "Over 60s club", "Coach trips and outings each month."),
        ("She wants people who've been through it.", "Open circle", "Peer support run by members."),
        ("He has lost all his self-belief.", "Steps forward", "A confidence building course."),
        ("She wants to feel useful again.", "Volunteer centre", "Find a volunteering role."),
        ("He looks after his wife, who has MS.", "Carers centre", "Support for unpaid carers."),
        ("He likes a kickabout.", "Walking football", "Football at a walking pace."),
        ("He's been down in the dumps for months.", "Mind drop-in", "Support for low mood."),
        ("She needs help when things get really bad.", "Safe haven", "A crisis café at night."),
        ("He's been getting by on toast.", "Lunch club", "A hot meal and a chat."),
        ("She wants to get moving gently.", "Seated class", "A gentle exercise class."),
        ("He's at a loose end since he retired.", "Volunteer centre", "Find a volunteering role."),
        ("She likes anything historical.", "Heritage society", "Talks on local history."),
        ("She'd like a pendant alarm.", "Community alarms", "Lifeline and telecare."),
        ("He wants a home safety check.", "Handyperson", "Small repairs and trip hazards."),
        ("Her mobility is poor.", "Seated class", "Chair based exercise."),
    ],
)  # fmt: skip
def test_everyday_words_reach_the_listing_that_meets_them(said, name, description):
    listing = svc("listing", name, description=description, km=3)
    result = ranked([NEARBY, listing], person(what_matters=said))
    assert result[0].service_id == "listing"
    assert related(result, "listing")


def test_studying_is_learning():
    # (The nearby bike maintenance class teaches too: "learn to fix a puncture".)
    groups = {e.phrases[0].text for e in text.expand("She misses studying.")}
    assert "learning" in groups


def test_saying_betting_places_the_person_among_those_affected_by_gambling():
    listing = svc("gamb", "Gambling support", description="For people affected by gambling.")
    result = ranked([listing], person(needs=["betting"]))
    assert not any("check it suits you" in r for r in result[0].reasons)


@pytest.mark.parametrize(
    "said",
    [
        "I don't want to be sat in a day centre, I want to be off somewhere.",
        "She doesn't want to be put in a home.",
    ],
)
def test_a_place_the_person_would_be_sat_or_put_in_is_refused(said):
    assert text.refusals(said)
    assert not text.refusals("I don't want to be on my own.")


def test_a_care_leaver_is_not_a_carer():
    carers = svc("carers", "Carers centre", description="Support for unpaid carers.", km=1)
    course = svc("course", "Starting out", description="For young people leaving foster homes.")
    assert "care" not in text.stems("Jade is a care leaver in her first flat.")
    result = ranked([carers, course], person(needs=["care leaver"]))
    assert not any(
        r.startswith("matches") for r in next(s for s in result if s.service_id == "carers").reasons
    )


def test_a_heart_attack_is_a_heart_condition():
    rehab = svc("rehab", "Cardiac rehab club", description="Exercise after a cardiac event.", km=3)
    result = ranked([NEARBY, rehab], person(conditions=["heart attack (March)"]))
    assert result[0].service_id == "rehab"


def test_strength_and_balance_is_not_a_mobility_scooter():
    # "Mobility" said by a person is moving about; in a listing's name it is often a scooter hire.
    scooters = svc("scoot", "Shopmobility", description="Mobility scooters to hire in town.")
    result = ranked([scooters], person(needs=["strength and balance"]))
    assert not related(result, "scoot")


WELFARE_RIGHTS = svc("advice", "Welfare rights", description="Benefits checks and appeals.", km=3)


@pytest.mark.parametrize(
    ("said", "sid", "listing"),
    [
        (
            "Money's down since she stopped work and she hasn't looked at what she could claim.",
            "advice",
            WELFARE_RIGHTS,
        ),
        (
            "He wants to get his money sorted while he's between jobs.",
            "advice",
            WELFARE_RIGHTS,
        ),
        (
            "He took an overdose three weeks ago and went home with a leaflet.",
            "line",
            svc("line", "Listening line", description="Samaritans volunteers, day or night.", km=3),
        ),
        (
            "She'd like someone to sit with him for a couple of hours; she can't leave him.",
            "sitting",
            svc("sitting", "Sitting service", description="Respite for unpaid carers.", km=3),
        ),
    ],
)
def test_what_a_person_is_owed_a_crisis_and_not_leaving_him_are_said_sideways(said, sid, listing):
    result = ranked([NEARBY, listing], person(what_matters=said))
    assert result[0].service_id == sid
    assert related(result, sid)


def test_someone_who_cannot_leave_him_is_a_carer_for_a_carers_centre():
    centre = svc("centre", "Carers Centre", description="Support for carers.", km=3)
    theirs = person(what_matters="She can't leave him for more than an hour.")
    result = ranked([NEARBY, centre], theirs)
    assert result[0].service_id == "centre"
    assert not any("check it suits you" in r for r in result[0].reasons)


def test_cannot_face_a_kind_of_group_is_a_refusal_but_cannot_face_the_post_is_a_trouble():
    assert [r.thing for r in text.refusals("She can't face baby groups.")] == ["baby groups"]
    assert [r.thing for r in text.refusals("couldn't face going to a club")] == ["going to a club"]
    assert text.refusals("He can't face the post.") == ()
    assert features.refuses_groups(person(what_matters="She can't face groups at the moment."))


@pytest.mark.parametrize(
    ("said", "listing"),
    [
        (
            "He can't get up the stairs, so he sleeps in his armchair.",
            svc("x", "Adaptations grant", description="Grants for stairlifts and ramps.", km=3),
        ),
        (
            "There's a letter from the council about paying for her care he can't follow.",
            svc("x", "Money advice", description="Benefits checks and money advice.", km=3),
        ),
        (
            "His wife went into a home in August and he visits every day.",
            svc("x", "Carers' hub", description="Support for carers.", km=3),
        ),
        (
            "She has never used online banking and the letters pile up.",
            svc("x", "Tech help", description="Help with tablets and digital skills.", km=3),
        ),
    ],
)
def test_stairs_care_fees_a_wife_gone_into_a_home_and_online_banking(said, listing):
    result = ranked([NEARBY, listing], person(what_matters=said))
    assert result[0].service_id == "x"
    assert related(result, "x")
