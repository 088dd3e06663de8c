"""Carers and what they say: "I care for my mother, who has dementia" makes the person a carer
whose need is about dementia; "my mum" is a relative, not parenting; "at home" is where, not a
home (so it does not match "cold home")."""

from typing import Any

from linkwell.matching import constraints
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import Matcher, Suggestion
from linkwell.matching.profile import Profile
from linkwell.matching.tests.factories import person, svc
from linkwell.text import analysis as text


def ranked(services: list[ServiceDoc], profile: Profile, **kwargs: Any) -> list[Suggestion]:
    return Matcher(services, encoder=None).rank(profile, **kwargs)


def test_what_the_cared_for_person_lives_with_is_read_from_how_a_carer_says_it():
    assert constraints.cared_for_conditions(
        ["I care for my mother, who has dementia and lives with us."]
    ) == ("dementia",)
    assert constraints.cared_for_conditions(["Looking after my husband with Parkinson's"]) == (
        "parkinson's",
    )
    assert constraints.cared_for_conditions(
        ["I am a carer for my son who has a learning disability"]
    ) == ("learning disability",)
    # Someone else caring for the person is not the person caring.
    assert constraints.cared_for_conditions(["His wife, who cares for him, needs a break"]) == ()
    assert constraints.cared_for_conditions(["I have dementia"]) == ()


def test_a_carer_gets_services_about_what_the_person_they_care_for_lives_with():
    cafe = svc(
        "cafe", "Memory café", description="A café for people with dementia and their carers."
    )
    choir = svc("choir", "Community choir", description="Singing for everyone.", km=0.5)
    carer = person(
        interests=["singing"],
        needs=["carer strain"],
        what_matters="I care for my mother, who has dementia. I'm worn out.",
    )
    result = ranked([cafe, choir], carer)
    assert [s.service_id for s in result] == ["cafe", "choir"]
    assert "about 'dementia', which the person you care for lives with" in result[0].reasons
    # The same words without the caring relation do not make dementia a need of theirs.
    other = person(
        interests=["singing"],
        needs=["carer strain"],
        what_matters="My mother lives with us. I'm worn out. Dementia runs in the family.",
    )
    theirs = {s.service_id: s for s in ranked([cafe, choir], other)}
    assert not any("which the person you care for lives with" in r for r in theirs["cafe"].reasons)
    assert theirs["cafe"].score < result[0].score


def test_my_mum_is_a_relative_not_a_reason_to_suggest_parents_groups():
    assert [e.trigger for e in text.expand("I look after my mum who has MS")] == ["look after my"]
    assert [e.trigger for e in text.expand("I'm a new mum")] == ["new mum"]
    assert [e.trigger for e in text.expand("help for mums")] == ["mums"]
    group = svc("mums", "Stay and play", description="Stay and play for new mums.")
    carers = svc("carers", "Carers' support group", description="Support for unpaid carers.", km=3)
    profile = person(what_matters="I look after my mum.")
    result = {s.service_id: s for s in ranked([group, carers], profile)}
    assert list(result) == ["carers", "mums"]
    assert result["mums"].components["lexical"] == result["mums"].components["synonyms"] == 0
    assert not any(r.startswith(("matches", "related")) for r in result["mums"].reasons)


def test_at_home_is_where_a_service_happens_not_a_home_need():
    assert text.stems("Support at home, by phone") == ["support", "at-home", "phone"]
    assert "home" in text.terms("cold home")
    visits = svc("visits", "Bereavement support", description="One-to-one support at home.")
    warm = svc("warm", "Warm homes grants", description="Grants for a warm home.", km=4)
    result = {s.service_id: s for s in ranked([visits, warm], person(needs=["cold home"]))}
    assert list(result) == ["warm", "visits"]
    assert result["visits"].components["lexical"] == 0
    assert not any("home" in r for r in result["visits"].reasons)
    # Someone who wants help at home still finds it.
    helped = ranked([visits, warm], person(needs=["help at home"]))
    assert helped[0].service_id == "visits"
    assert helped[0].components["lexical"] > 0
