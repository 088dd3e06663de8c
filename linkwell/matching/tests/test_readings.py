"""Readings of what people say that were misread as the bare word's meaning, each on listings
and people written here (in no labelled set): what the link worker would notice is the wrong
service suggested first, or a reason that makes no sense read aloud."""

from __future__ import annotations

from typing import Any

import pytest

from linkwell.matching import constraints
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import Matcher, Suggestion
from linkwell.matching.profile import Profile
from linkwell.matching.tests.factories import person, svc


def ranked(services: list[ServiceDoc], profile: Profile, **kwargs: Any) -> list[Suggestion]:
    return Matcher(services, encoder=None).rank(profile, **kwargs)


def reasons_of(result: list[Suggestion], sid: str) -> list[str]:
    return next(s.reasons for s in result if s.service_id == sid)


DRUGS = svc(
    "drugs",
    "Drug and alcohol service",
    description="Help with drugs and alcohol: addiction support and substance misuse groups.",
)
STROKE_CLUB = svc(
    "stroke", "Stroke club", description="A friendly club for stroke survivors.", km=4
)
CARERS = svc(
    "carers",
    "Carers break grants",
    description="Small grants so unpaid carers can take a break from caring.",
)


def test_stroke_recovery_is_not_the_recovery_of_addiction():
    survivor = person(needs=["stroke recovery"], what_matters="He had a stroke in March.")
    result = ranked([DRUGS, STROKE_CLUB], survivor)
    assert result[0].service_id == "stroke"
    assert not any(r.startswith("related to") for r in reasons_of(result, "drugs"))
    # "Recovery from a stroke" and "mental health recovery" are not addiction either; a drug
    # recovery still is.
    for said in ("recovery from a stroke", "mental health recovery"):
        result = ranked([DRUGS, STROKE_CLUB], person(needs=[said]))
        assert not any(r.startswith("related to") for r in reasons_of(result, "drugs")), said
    recovering = ranked([DRUGS, STROKE_CLUB], person(needs=["drug recovery"]))
    assert recovering[0].service_id == "drugs"


def test_a_stroke_is_not_a_heart_condition():
    rehab = svc(
        "rehab", "Cardiac rehab", description="Exercise after a heart attack or heart failure."
    )
    result = ranked([rehab, STROKE_CLUB], person(conditions=["stroke"]))
    assert result[0].service_id == "stroke"
    assert not any(r.startswith("related to") for r in reasons_of(result, "rehab"))


def test_someone_else_caring_for_the_person_does_not_make_them_a_carer():
    cared_for = person(
        needs=["stroke", "wife is carer"],
        what_matters="His wife Hafsa cares for him and is worn out.",
    )
    result = ranked([CARERS, STROKE_CLUB], cared_for)
    assert result[0].service_id == "stroke"
    carers = reasons_of(result, "carers")
    assert not any(r.startswith(("related to", "matches")) for r in carers), carers
    for said in ("My daughter looks after me.", "She is cared for by her son.", "My carer visits"):
        other = ranked([CARERS, STROKE_CLUB], person(needs=["stroke"], what_matters=said))
        assert other[0].service_id == "stroke", said
    # The person caring is still a carer.
    carer = ranked([CARERS, STROKE_CLUB], person(what_matters="He cares for his wife."))
    assert carer[0].service_id == "carers"
    assert "related to 'cares for': carer" in carer[0].reasons


def test_a_parent_carer_is_a_carer_not_a_parent_of_a_baby():
    buggy = svc(
        "buggy",
        "Buggy walk",
        description="A walk for new mums with babies and toddlers.",
    )
    result = ranked([buggy, CARERS], person(needs=["parent carer"]))
    assert result[0].service_id == "carers"
    assert not any(r.startswith("related to") for r in reasons_of(result, "buggy"))


def test_a_relatives_troubles_are_not_the_person_being_a_parent():
    play = svc("play", "Stay and play", description="Stay and play for children and toddlers.")
    young_carers = svc(
        "young", "Young carers project", description="Trips and time out for young carers."
    )
    leon = person(age=13, needs=["young carer", "mum's mental health", "mum died"])
    result = ranked([play, young_carers], leon)
    assert result[0].service_id == "young"
    assert not any(r.startswith(("related to", "matches")) for r in reasons_of(result, "play"))


def test_a_contraction_is_not_a_word_of_its_own():
    shed = svc("shed", "Men's shed", description="Woodwork and repairs in the shed.")
    crafts = svc("crafts", "Craft group", description="Knitting and crochet.", km=5)
    result = ranked([shed, crafts], person(what_matters="She'd love a crafts group."))
    assert result[0].service_id == "crafts"
    assert not any("shed" in r for r in reasons_of(result, "shed"))


def test_drinking_finds_alcohol_services_not_hot_drinks():
    warm = svc("warm", "Warm space", description="Hot drinks, soup and a warm room.")
    # "Drinking" said by the person is about alcohol, but a listing's "drinks" are not.
    result = ranked([warm, DRUGS], person(needs=["alcohol problems"]))
    assert result[0].service_id == "drugs"
    assert not any(r.startswith("related to") for r in reasons_of(result, "warm"))


def test_a_symptom_does_not_name_a_condition():
    fatigue = svc(
        "fatigue", "Fatigue management course", description="Managing fatigue after long illness."
    )
    lungs = svc(
        "lungs", "Breathe easy", description="Support group for people with lung conditions.", km=4
    )
    result = ranked([fatigue, lungs], person(needs=["breathlessness", "can't sleep"]))
    assert result[0].service_id == "lungs"
    assert not any(r.startswith("related to") for r in reasons_of(result, "fatigue"))


# --- who a listing is for -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "label"),
    [
        ("Support for anyone affected by a suicide \u2013 practical help with inquests.",
         "anyone affected by a suicide"),
        ("Drop-in for anyone affected by cancer, including benefits advice.",
         "anyone affected by cancer"),
        ("Peer group for people who struggle with clutter and hoarding.",
         "people who struggle with clutter and hoarding"),
        ("NHS mental health service for veterans and service leavers.",
         "for veterans and service leavers"),
        ("Peer support group for trans and non-binary adults.",
         "for trans and non-binary adults"),
    ],
)  # fmt: skip
def test_who_a_listing_is_for_is_read_from_its_words(description, label):
    service = svc("x", "Support", description=description)
    assert [a.label for a in constraints.audiences(service)] == [label]


def test_a_listing_for_people_bereaved_by_suicide_says_so_to_other_bereaved_people():
    suicide = svc(
        "suicide",
        "Suicide bereavement support",
        description="Bereavement support for anyone affected by a suicide \u2013 help with inquests.",
    )
    cruse = svc("cruse", "Bereavement support", description="Bereavement support for anyone.")
    widower = person(needs=["bereavement"], what_matters="His wife died in January.")
    result = ranked([suicide, cruse], widower)
    assert result[0].service_id == "cruse"
    assert (
        "for anyone affected by a suicide, the listing says \u2014 check it suits you"
        in reasons_of(result, "suicide")
    )
    brother = person(needs=["bereavement by suicide"])
    assert ranked([suicide, cruse], brother)[0].service_id == "suicide"


def test_a_service_for_veterans_says_so_to_someone_who_has_not_served():
    veterans = svc(
        "vets", "Op Courage", description="Mental health service for veterans and service leavers."
    )
    talking = svc("talk", "Talking therapies", description="Mental health support for adults.")
    low = person(needs=["mental health"])
    assert "for veterans and service leavers, the listing says \u2014 check it suits you" in (
        reasons_of(ranked([veterans, talking], low), "vets")
    )
    served = person(needs=["mental health"], what_matters="He left the army last year.")
    assert not any("veterans" in r for r in reasons_of(ranked([veterans, talking], served), "vets"))


# --- a word that shares a stem, a refusal, a qualified word, one's own faith -----------------

HOUSING = svc(
    "housing",
    "Housing advice",
    description="Housing options, homelessness prevention and help with your tenancy.",
)
WALK = svc("walk", "Friendly walk", description="A gentle walk and a chat, every Thursday.", km=4)


def test_the_house_someone_is_stuck_in_is_not_a_housing_need():
    for said in (
        "She is stuck in the house all day.",
        "He wants to get out of the house more.",
    ):
        result = ranked([HOUSING, WALK], person(what_matters=said))
        housing = reasons_of(result, "housing")
        assert not any(r.startswith(("related to", "matches")) for r in housing), (said, housing)
    # A housing need and a cold house still read as what they are.
    homeless = ranked([HOUSING, WALK], person(needs=["housing"]))
    assert homeless[0].service_id == "housing"
    warm = svc("warm", "Warm homes", description="Free insulation and heating grants.", km=4)
    cold = ranked([HOUSING, warm], person(needs=["cold house"]))
    assert cold[0].service_id == "warm"
    assert not any(r.startswith(("related to", "matches")) for r in reasons_of(cold, "housing"))
