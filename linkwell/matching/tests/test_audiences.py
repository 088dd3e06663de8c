"""Who a listing says it is for: eligibility text as a hard constraint ("For people living with
dementia"), and audiences in a listing's own words ("for women", "for people with COPD", "for
parents of babies and toddlers") as a soft one with a reason the link worker can check."""

from typing import Any

from linkwell.matching import constraints
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import AUDIENCE_FACTOR, Matcher, Suggestion, _fitted_audience_factor
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


def test_a_women_only_service_says_so_but_is_not_lowered_when_the_gender_is_not_known():
    services = [
        svc("w", "Bike rides", eligibility="Women only."),
        svc("o", "Bike rides club", km=1.5),
    ]
    # Not given: an even chance, so the nearer service stays first, with a note to check.
    unknown = by_id(services, person(interests=["bike rides"]))
    assert list(unknown) == ["w", "o"]
    assert "women only, the listing says \u2014 check it suits you" in unknown["w"].reasons
    assert unknown["w"].components["audience"] == 1.0
    # Known to be a woman: no doubt, no note.
    woman = by_id(services, person(interests=["bike rides"], gender="female"))
    assert list(woman) == ["w", "o"]
    assert not any("listing says" in r for r in woman["w"].reasons)
    # Known to be a man: a women-only service is ruled out.
    assert list(by_id(services, person(interests=["bike rides"], gender="male"))) == ["o"]
    # Another audience the person is not known to be in is still lowered.
    lung = [svc("l", "Bike rides", description="Gentle rides for people with COPD."),
            svc("o", "Bike rides club", km=1.5)]  # fmt: skip
    assert list(by_id(lung, person(interests=["bike rides"]))) == ["o", "l"]
    assert by_id(lung, person(interests=["bike rides"]))["l"].components["audience"] == (
        AUDIENCE_FACTOR
    )


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


# --- communities, widowhood, carers of someone with a condition --------------------------------


def test_a_listing_for_lgbt_people_says_so_to_someone_who_has_not_said_they_are():
    helpline = svc(
        "lgbt", "Abuse helpline", description="Support for LGBT+ people experiencing abuse."
    )
    general = svc("da", "Domestic abuse service", description="Support after domestic abuse.")
    (audience,) = constraints.audiences(helpline)
    assert (audience.kind, audience.label) == ("community", "for LGBT+ people")
    leaving = person(needs=["domestic abuse"], gender="female")
    result = ranked([helpline, general], leaving)
    assert [s.service_id for s in result] == ["da", "lgbt"]
    assert "for LGBT+ people, the listing says \u2014 check it suits you" in result[1].reasons
    gay = person(needs=["domestic abuse"], what_matters="He is gay and his partner hits him.")
    assert constraints.belongs(audience, "male", _stems(gay)) is True
    for said in ("For LGBTQ+ adults, monthly.", "For lesbian, gay and bisexual people."):
        (found,) = constraints.audiences(svc("x", "Social", description=said))
        assert found.kind == "community"


def test_a_meet_up_for_widowed_people_is_for_someone_whose_wife_died():
    way = svc("way", "Meet-up", description="Informal social meet-ups for people widowed at 50.")
    (audience,) = constraints.audiences(way)
    assert audience.label == "for people widowed"
    widower = constraints.person_stems(["His wife of 40 years died in January."])
    assert constraints.belongs(audience, "male", widower) is True
    brother = constraints.person_stems(["His younger brother died in the summer."])
    assert constraints.belongs(audience, "male", brother) is None


def test_a_group_for_carers_of_someone_with_a_condition_is_for_carers_who_name_it():
    group = svc(
        "dc",
        "Carers support group",
        description="For family members and friends caring for someone living with dementia.",
    )
    audience, carers = constraints.audiences(group)
    assert audience.label == "those caring for someone living with dementia"
    assert carers.label == "for carers"
    dementia = constraints.person_stems(["I care for my wife, who has dementia."])
    autism = constraints.person_stems(["I care for my son, who has autism."])
    assert constraints.belongs(audience, None, dementia) is True
    assert constraints.belongs(audience, None, autism) is None
    # Living with dementia is not caring for someone who does.
    living_with = constraints.person_stems(["She has dementia."])
    assert constraints.belongs(audience, None, living_with) is True
    assert constraints.belongs(carers, None, living_with) is None
    assert constraints.belongs(carers, None, dementia) is True


def test_part_of_a_communitys_words_does_not_place_someone_in_it():
    vets = svc("v", "Op Courage", description="Mental health service for veterans.")
    (audience,) = constraints.audiences(vets)
    # "armed forces" said whole places them; "arm" or "forces" alone does not.
    assert constraints.belongs(audience, None, constraints.person_stems(["pain in my arm"])) is None
    assert (
        constraints.belongs(audience, None, constraints.person_stems(["the forces of nature"]))
        is None
    )
    assert (
        constraints.belongs(audience, None, constraints.person_stems(["ex armed forces"])) is True
    )


def test_the_fitted_score_discounts_a_listing_for_an_audience_the_person_is_not_known_in():
    plain = svc("a", "Bereavement support", description="One-to-one bereavement support.")
    for_others = svc(
        "b",
        "Bereavement support",
        description="One-to-one bereavement support for anyone affected by gambling.",
    )
    matcher = Matcher([plain, for_others], encoder=None)
    assert matcher.ranker is not None
    said = person(needs=["bereavement"])
    scores = {s.service_id: s.score for s in matcher.rank(said, disable=frozenset({"diversity"}))}
    # Far more than the hand score's 0.8: the step is chosen by cross-validation.
    assert scores["b"] < 0.5 * scores["a"]
    assert _fitted_audience_factor(1.0, 0.25) == 1.0
    assert _fitted_audience_factor(AUDIENCE_FACTOR, 0.25) == 0.25
    assert _fitted_audience_factor(0.5, 0.25) < 0.25


def _stems(profile: Profile) -> frozenset[str]:
    return constraints.person_stems(
        [*profile.conditions, *profile.needs, *profile.interests, profile.what_matters]
    )


def test_a_listing_named_after_a_condition_is_for_people_living_with_it():
    course = svc(
        "a",
        "Arthritis self-management course",
        description="Six sessions to help you manage pain, fatigue and low mood with arthritis.",
    )
    pain = svc(
        "p", "Living well with pain", description="For adults with chronic pain, fibromyalgia too."
    )
    (arthritis,) = constraints.audiences(course)
    assert arthritis.label == "people with arthritis"
    knees = constraints.person_stems(["osteoarthritis"])
    fibro = constraints.person_stems(["fibromyalgia"])
    # Pain in its description is what arthritis brings, not another audience.
    assert constraints.belongs(arthritis, None, knees) is True
    assert constraints.belongs(arthritis, None, fibro) is None
    (chronic,) = constraints.audiences(pain)
    assert constraints.belongs(chronic, None, fibro) is True
    assert constraints.belongs(chronic, None, knees) is True  # arthritis brings pain
    # Words that only look like a condition in a name set none.
    for name in ("Sporting memories club", "Hearing voices group", "Heart of the village cafe"):
        assert constraints.audiences(svc("x", name)) == ()
    choir = svc("choir", "Community singing group", km=2.0)
    singer = by_id([course, choir], person(interests=["a course"], needs=["singing"]))
    assert "for people with arthritis, the listing says \u2014 check it suits you" in (
        singer["a"].reasons
    )


def test_one_word_for_a_kind_of_condition_places_someone_among_people_with_any():
    lungs = svc("l", "Singing", description="Singing for people with COPD and lung conditions.")
    (audience,) = constraints.audiences(lungs)
    assert constraints.belongs(audience, None, constraints.person_stems(["asthma"])) is True
    # A symptom many conditions bring is not one of them.
    assert constraints.belongs(audience, None, constraints.person_stems(["breathless"])) is None
    blind = svc("b", "Social club", description="A social club for people with sight loss.")
    (sight,) = constraints.audiences(blind)
    registered = constraints.person_stems(["registered blind", "glaucoma"])
    assert constraints.belongs(sight, None, registered) is True
    impaired = constraints.person_stems(["hearing impaired"])
    assert constraints.belongs(sight, None, impaired) is None


def test_a_listing_filed_under_a_condition_it_names_is_for_people_with_it():
    nurses = svc(
        "n",
        "Nurse service",
        description="Specialist dementia nurses supporting families with complex needs.",
        taxonomy_terms=("Dementia and memory", "Carers"),
    )
    (audience,) = constraints.audiences(nurses)
    assert audience.label == "people with dementia"
    carer = constraints.person_stems(["I care for my husband, who has Alzheimer's."])
    other = constraints.person_stems(["I care for my son, who has cerebral palsy."])
    assert constraints.belongs(audience, None, carer) is True
    assert constraints.belongs(audience, None, other) is None
    # Filed there but not naming it (a category given wrongly): no audience.
    garden = svc(
        "g", "Garden club", description="Gardening.", taxonomy_terms=("Dementia and memory",)
    )
    assert constraints.audiences(garden) == ()


def test_a_listing_filed_under_babies_and_about_them_is_for_parents_of_babies():
    feeding = svc(
        "f",
        "Breastfeeding support group",
        description="Peer supporters and an infant feeding lead. Drop in.",
        taxonomy_terms=("Pregnancy, babies and early years",),
    )
    (audience,) = constraints.audiences(feeding)
    assert (audience.kind, audience.label) == ("children", "parents of babies and toddlers")
    older = constraints.person_stems(["parent carer", "Their son is 10 and their daughter 9."])
    new_mum = constraints.person_stems(["struggling to breastfeed"])
    assert constraints.belongs(audience, None, older) is None
    assert constraints.belongs(audience, None, new_mum) is True
    # Filed there but about something else in its words: no audience.
    bank = svc("b", "Clothes bank", description="Free clothes.", taxonomy_terms=("Babies",))
    assert constraints.audiences(bank) == ()


def test_a_group_for_people_who_hear_voices_is_for_them():
    voices = svc("v", "Peer group", description="For people who hear voices or have psychosis.")
    (audience,) = constraints.audiences(voices)
    assert constraints.belongs(audience, None, constraints.person_stems(["schizophrenia"]))
    crisis = constraints.person_stems(["personality disorder", "ends up in A&E at night"])
    assert constraints.belongs(audience, None, crisis) is None


def test_a_listing_for_older_people_says_so_to_someone_younger():
    rides = svc(
        "r",
        "Trishaw rides",
        description="Rides for older people and people with limited mobility, piloted by volunteers.",
    )
    (audience,) = constraints.audiences(rides)
    assert (audience.kind, audience.label) == (
        "older",
        "for older people and people with limited mobility",
    )
    nobody = frozenset[str]()
    assert constraints.belongs(audience, None, nobody, 72) is True
    assert constraints.belongs(audience, None, nobody, None) is True  # age not known
    assert constraints.belongs(audience, None, nobody, 41) is None
    mobility = constraints.person_stems(["limited mobility after a fall"])
    assert constraints.belongs(audience, None, mobility, 41) is True
    assert (
        constraints.belongs(audience, None, constraints.person_stems(["limited income"]), 41)
        is None
    )
    bike = svc("b", "Bike club", km=2.0)
    young = by_id([rides, bike], person(age=38, interests=["bike rides"]))
    assert (
        "for older people and people with limited mobility, the listing says \u2014 check it suits you"
        in young["r"].reasons
    )


def test_a_measure_beside_the_conditions_named_is_not_another_group():
    online = svc(
        "w",
        "Weight programme",
        description="Online programme for adults with diabetes or high blood pressure and a BMI "
        "over 30. GP referral.",
    )
    (audience,) = constraints.audiences(online)
    assert audience.label == "adults with diabetes or high blood pressure"
    assert constraints.belongs(audience, None, constraints.person_stems(["hypertension"]))
    assert constraints.belongs(audience, None, constraints.person_stems(["type 2 diabetes"]))
    overweight = constraints.person_stems(["obesity", "asthma", "osteoarthritis"])
    assert constraints.belongs(audience, None, overweight) is None


# --- carers ----------------------------------------------------------------------------------


def test_a_service_for_carers_ranks_lower_for_someone_who_says_nothing_of_caring():
    carers = svc("c", "Riverside Carers Hub", description="Advice and a cuppa for unpaid carers.")
    drop_in = svc("d", "Riverside drop-in", description="Advice and a cuppa for anyone.", km=2.0)
    assert [a.label for a in constraints.audiences(carers)] == ["for carers"]
    # A care leaver is not a carer.
    leaver = by_id([carers, drop_in], person(needs=["care leaver", "advice"]))
    assert list(leaver) == ["d", "c"]
    assert "for carers, the listing says \u2014 check it suits you" in leaver["c"].reasons
    # Someone who looks after their husband is one, said in any of these ways.
    for said in ("I look after my husband", "carer for her son", "caring for mum"):
        carer = by_id([carers, drop_in], person(needs=["advice"], what_matters=said))
        assert list(carer) == ["c", "d"], said


def test_a_club_for_people_with_a_condition_that_supports_carers_too_is_not_only_for_carers():
    club = svc(
        "f",
        "Forget-me-not club",
        description="For people with early-stage dementia. We also support carers.",
    )
    assert [a.kind for a in constraints.audiences(club)] == ["condition"]
    group = svc(
        "g", "Carers support group", description="For those caring for someone with dementia."
    )
    assert {a.kind for a in constraints.audiences(group)} == {"condition", "carers"}


def test_a_club_named_for_dads_with_children_under_five_is_for_fathers_of_young_children():
    club = svc(
        "d",
        "Dads' Saturday Club",
        description="For dads, granddads and male carers with children under 5.",
    )
    kinds = {a.kind: a for a in constraints.audiences(club)}
    assert set(kinds) == {"male", "children"}
    assert kinds["children"].stems == constraints.BABY_STEMS
    teen_dad = constraints.person_stems(["His son is fifteen."])
    new_dad = constraints.person_stems(["A new dad: the baby is five months old."])
    assert constraints.belongs(kinds["children"], "male", teen_dad) is None
    assert constraints.belongs(kinds["children"], "male", new_dad) is True
    assert constraints.belongs(kinds["male"], "female", new_dad) is False
    mums = svc("m", "Mums' Coffee Morning", description="A cuppa and a chat.")
    assert [a.kind for a in constraints.audiences(mums)] == ["female"]


def test_a_service_for_people_in_secondary_mental_health_care_needs_someone_in_it():
    eligibility = "People under the care of secondary mental health services."
    requirement = constraints.required_condition(eligibility)
    assert requirement is not None
    in_care = constraints.person_stems(["Bipolar; sees her care coordinator monthly."])
    low_mood = constraints.person_stems(["Low mood and anxiety; mental health is poor."])
    assert constraints.meets_condition(requirement, in_care)
    assert not constraints.meets_condition(requirement, low_mood)
    ips = svc(
        "i", "Employment specialists", description="Help into paid work.", eligibility=eligibility
    )
    club = svc("j", "Job club", description="Help into paid work.", km=2)
    ranked = [
        s.service_id
        for s in Matcher([ips, club], encoder=None).rank(
            person(needs=["work"], conditions=["low mood"])
        )
    ]
    assert ranked == ["j"]


def test_a_crisis_service_is_for_someone_who_says_they_are_in_crisis():
    cafe = svc(
        "c",
        "Sanctuary",
        description="Out-of-hours crisis café for anyone in mental health distress.",
    )
    food = svc("f", "Food bank", description="Emergency food parcels for people in crisis.")
    bereaved = svc(
        "b",
        "After suicide group",
        description="For people bereaved by suicide. Mental health support.",
    )
    assert [a.kind for a in constraints.audiences(cafe)] == ["crisis"]
    assert "crisis" not in {a.kind for a in constraints.audiences(food)}
    assert "crisis" not in {a.kind for a in constraints.audiences(bereaved)}
    low = by_id([cafe], person(needs=["low mood"], what_matters="Feeling low since the move."))
    assert any("check it suits you" in r for r in low["c"].reasons)
    overdose = by_id([cafe], person(what_matters="He took an overdose three weeks ago."))
    assert not any("check it suits you" in r for r in overdose["c"].reasons)
