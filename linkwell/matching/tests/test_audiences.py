"""Who a listing says it is for: eligibility text as a hard constraint ("For people living with
dementia"), and audiences in a listing's own words ("for women", "for people with COPD", "for
parents of babies and toddlers") as a soft one with a reason the link worker can check."""

from typing import Any

from linkwell.matching import constraints
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import AUDIENCE_FACTOR, Matcher, Suggestion
from linkwell.matching.profile import Profile
from linkwell.matching.tests.factories import person, svc


def ranked(services: list[ServiceDoc], profile: Profile, **kwargs: Any) -> list[Suggestion]:
    return Matcher(services, encoder=None).rank(profile, **kwargs)


def ids(services: list[ServiceDoc], profile: Profile, **kwargs: Any) -> list[str]:
    return [s.service_id for s in ranked(services, profile, **kwargs)]


def by_id(services: list[ServiceDoc], profile: Profile, **kwargs: Any) -> dict[str, Suggestion]:
    return {s.service_id: s for s in ranked(services, profile, **kwargs)}


# --- eligibility text that starts "For people with ..." is a requirement ----------------------


def test_eligibility_for_people_living_with_a_condition_is_a_requirement():
    services = [
        svc("pp", "Cycling", eligibility="For people living with dementia or memory problems."),
        svc("ride", "Cycling club"),
    ]
    assert ids(services, person(interests=["cycling"])) == ["ride"]
    # Either condition named will do; "problems" alone is not one.
    assert sorted(ids(services, person(interests=["cycling"], needs=["memory problems"]))) == [
        "pp",
        "ride",
    ]
    assert ids(services, person(interests=["cycling"], needs=["money problems"])) == ["ride"]
    assert "pp" in ids(services, person(interests=["cycling"], conditions=["dementia"]))


def test_a_carer_who_names_the_condition_passes_a_requirement_that_welcomes_carers():
    services = [
        svc(
            "dc", "Companions", eligibility="For people with a dementia diagnosis and their carers."
        )
    ]
    carer = person(needs=["carer strain"], what_matters="I care for my mother, who has dementia.")
    assert ids(services, carer) == ["dc"]
    assert ids(services, person(needs=["loneliness"])) == []


# --- gender ------------------------------------------------------------------------------------


def test_a_women_only_service_ranks_lower_and_says_so_when_the_gender_is_not_known():
    services = [
        svc("w", "Bike rides", eligibility="Women only."),
        svc("o", "Bike rides club", km=1.5),
    ]
    unknown = by_id(services, person(interests=["bike rides"]))
    assert list(unknown) == ["o", "w"]
    assert "women only, the listing says \u2014 check it suits you" in unknown["w"].reasons
    assert unknown["w"].components["audience"] == AUDIENCE_FACTOR
    # Known to be a woman: no doubt, no note, the nearer service first.
    woman = by_id(services, person(interests=["bike rides"], gender="female"))
    assert list(woman) == ["w", "o"]
    assert not any("listing says" in r for r in woman["w"].reasons)
    # The rule can be switched off for the benchmark's ablation.
    assert ids(services, person(interests=["bike rides"]), disable=frozenset({"audience"})) == [
        "w",
        "o",
    ]


def test_for_men_in_the_description_is_an_audience_but_men_and_women_is_not():
    men = svc("m", "Breakfast", description="A full breakfast and a chat for men of any age.")
    both = svc("b", "Walking football", description="For men and women over 50.")
    assert [a.kind for a in constraints.audiences(men)] == ["male"]
    assert constraints.audiences(both) == ()
    services = [men, svc("o", "Breakfast club", km=1.5)]
    # Stated the other gender: kept (the description is not an eligibility rule) but well down.
    woman = by_id(services, person(interests=["breakfast"], gender="female"))
    assert list(woman) == ["o", "m"]
    assert "for men, the listing says" in woman["m"].reasons
    assert list(by_id(services, person(interests=["breakfast"], gender="male"))) == ["m", "o"]


# --- conditions ------------------------------------------------------------------------------


def test_a_group_for_people_with_a_condition_ranks_lower_for_someone_who_has_not_said_it():
    lung = svc(
        "lung",
        "Singing for lung health",
        description="A singing group for people with COPD, asthma and other lung conditions.",
    )
    choir = svc("choir", "Community singing group", km=2.0)
    singer = by_id([lung, choir], person(interests=["singing"]))
    assert list(singer) == ["choir", "lung"]
    assert (
        "for people with COPD, asthma and other lung conditions, the listing says "
        "\u2014 check it suits you"
    ) in singer["lung"].reasons
    with_copd = by_id([lung, choir], person(interests=["singing"], conditions=["COPD"]))
    assert list(with_copd) == ["lung", "choir"]
    assert not any("listing says" in r for r in with_copd["lung"].reasons)


def test_every_group_a_listing_names_must_be_a_condition_to_make_it_an_audience():
    mixed = svc(
        "g", "Garden", description="A garden club for people with dementia and wheelchair users."
    )
    generic = svc("e", "Gym", description="For adults with a health condition, referred by a GP.")
    listed = svc("p", "Pain", description="For people with long-term pain (back pain, arthritis).")
    assert constraints.audiences(mixed) == ()
    assert constraints.audiences(generic) == ()
    (pain,) = constraints.audiences(listed)
    assert constraints.belongs(pain, None, constraints.person_stems(["arthritis"])) is True


# --- parents and relatives -------------------------------------------------------------------


def test_a_walk_for_parents_of_babies_needs_a_baby_and_my_mum_is_not_one():
    buggy = svc(
        "buggy",
        "Walk and talk",
        description="A walk with pushchairs for parents and carers of babies and toddlers.",
    )
    walk = svc("walk", "Walk and talk group", km=2.0)
    (audience,) = constraints.audiences(buggy)
    assert audience.label == "parents and carers of babies and toddlers"
    assert "mum" not in constraints.person_stems(["I look after my mum"])
    assert "mum" in constraints.person_stems(["I'm a new mum"])
    assert list(by_id([buggy, walk], person(interests=["walking"]))) == ["walk", "buggy"]
    assert list(by_id([buggy, walk], person(interests=["walking"], needs=["new baby"]))) == [
        "buggy",
        "walk",
    ]
    # Older children do not make someone a parent of a toddler.
    kids = person(interests=["walking"], what_matters="No contact with my kids.")
    assert list(by_id([buggy, walk], kids)) == ["walk", "buggy"]


def test_a_forum_for_parents_of_children_needs_a_child_not_a_mother():
    forum = svc(
        "f",
        "Parent carers' forum",
        description="Support group for parents of children with disabilities or additional needs.",
    )
    (audience,) = constraints.audiences(forum)
    assert audience.label == "parents of children with disabilities or additional needs"
    daughter = constraints.person_stems(["I care for my daughter, who is autistic"])
    mother = constraints.person_stems(["I care for my mother, who has dementia"])
    assert constraints.belongs(audience, None, daughter) is True
    assert constraints.belongs(audience, None, mother) is None
