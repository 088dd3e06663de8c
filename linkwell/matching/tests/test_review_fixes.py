"""Behaviour a link worker would notice, found in review: what related terms fire on, the
wording of reasons, and near-identical listings at the top."""

from __future__ import annotations

from linkwell.matching import wording
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import Matcher
from linkwell.matching.profile import profile_from_json
from linkwell.text import analysis as text


def test_a_phrase_of_stop_words_still_finds_its_related_terms() -> None:
    (expansion,) = text.expand("feeling down")
    assert expansion.trigger == "feeling down"
    assert "low mood" in [p.text for p in expansion.phrases]


def test_a_phrase_with_stop_words_is_never_searched_for_in_listings() -> None:
    # "looking after my" would be searched as "look" and match every listing saying "look".
    carer = next(g for g in text.related_groups() if g.name == "carer")
    looking = next(p for p in carer.phrases if p.text == "looking after my")
    assert not looking.target
    phrases = [p.text for e in text.expand("I am a carer") for p in e.phrases]
    assert "looking after my" not in phrases and "respite" in phrases


def test_the_longer_phrase_wins_where_two_groups_overlap() -> None:
    expansions = text.expand("money worries")
    assert [e.trigger for e in expansions] == ["money worries"]
    phrases = [p.text for p in expansions[0].phrases]
    assert "debt" in phrases and "low mood" not in phrases
    # On its own, a worry is still about low mood.
    assert "low mood" in [p.text for e in text.expand("worries") for p in e.phrases]


def test_money_worries_do_not_suggest_a_choir_for_low_mood() -> None:
    services = [
        ServiceDoc("choir", "Community choir", description="Singing lifts low mood."),
        ServiceDoc("debt", "Debt advice clinic", description="Free, confidential debt help."),
    ]
    ranked = Matcher(services, encoder=None).rank(
        profile_from_json({"id": "p", "needs": ["money worries"]}), top=2
    )
    assert ranked[0].service_id == "debt"
    assert ranked[0].reasons[0] == "related to 'money worries': debt"
    choir = next(s for s in ranked if s.service_id == "choir")
    assert not any("related to" in r for r in choir.reasons)


def filler(n: int) -> list[ServiceDoc]:
    return [
        ServiceDoc(f"z{k:02}", f"Drop-in {k}", description="Come along to our home from home.")
        for k in range(n)
    ]


def test_a_common_word_from_what_matters_is_not_given_as_the_reason() -> None:
    services = [
        ServiceDoc("garden", "Community garden", description="Gardening at home and away."),
        *filler(30),
    ]
    ranked = Matcher(services, encoder=None).rank(
        profile_from_json(
            {"id": "p", "what_matters": "getting out of the home more and back to my garden"}
        ),
        top=3,
    )
    garden = next(s for s in ranked if s.service_id == "garden")
    assert "matches 'garden' from what matters to you" in garden.reasons
    assert not any("'home'" in r for s in ranked for r in s.reasons)


def test_a_long_quote_is_cut_at_a_word() -> None:
    said = "Keeping warm this winter and having something to look forward to"
    assert wording.quote(said) == "'Keeping warm this winter and having\u2026'"
    assert wording.quote("short") == "'short'"


def test_the_same_activity_from_several_providers_does_not_fill_the_top() -> None:
    befriending = [
        ServiceDoc(
            f"b{k}",
            f"Telephone befriending ({town} Good Neighbours)",
            description="A weekly friendly phone call for people who feel lonely.",
            taxonomy_terms=("Loneliness",),
        )
        for k, town in enumerate(["Whitchurch", "Baschurch", "Oswestry", "Wem"])
    ]
    other = [
        ServiceDoc("lunch", "Lunch club", description="A hot meal in company."),
        ServiceDoc("walk", "Walk and talk", description="Gentle walks to make friends."),
    ]
    matcher = Matcher([*befriending, *other], encoder=None)
    profile = profile_from_json({"id": "p", "needs": ["lonely"]})
    top3 = [s.service_id for s in matcher.rank(profile, top=3)]
    assert sum(sid.startswith("b") for sid in top3) == 1, top3
    # Switched off (the benchmark's ablation), the duplicates crowd the top again.
    plain = [s.service_id for s in matcher.rank(profile, top=3, disable=frozenset({"diversity"}))]
    assert sum(sid.startswith("b") for sid in plain) >= 2, plain


def test_the_bus_route_reason_has_no_stray_full_stop() -> None:
    from linkwell.matching.documents import Place

    service = ServiceDoc(
        "s",
        "Walking group",
        locations=(Place(52.86, -3.05, "", "", "Ten minutes' walk from the bus station."),),
    )
    (suggestion,) = Matcher([service], encoder=None).rank(
        profile_from_json(
            {"id": "p", "latitude": 52.861, "longitude": -3.05, "interests": ["walk"]}
        )
    )
    assert any(r.endswith("ten minutes' walk from the bus station") for r in suggestion.reasons)


def test_walking_to_the_shop_is_not_a_need_for_home_help() -> None:
    said = "Walking to the shop and back without stopping"
    assert "shop" not in [e.trigger for e in text.expand(said)]
    assert "home visits" in [p.text for e in text.expand("help with shopping") for p in e.phrases]


def test_a_need_named_in_a_reason_is_not_repeated_as_a_related_term() -> None:
    service = ServiceDoc("s", "Lunch club", description="Company for anyone facing loneliness.")
    profile = profile_from_json(
        {"id": "p", "needs": ["Loneliness"], "what_matters": "Getting out on my own again"}
    )
    (suggestion,) = Matcher([service], encoder=None).rank(profile)
    assert "matches 'Loneliness'" in suggestion.reasons
    assert not any(r.endswith(": loneliness") for r in suggestion.reasons), suggestion.reasons


def test_choirs_named_after_their_towns_are_the_same_kind_of_thing() -> None:
    from linkwell.matching.documents import Place

    def choir(sid: str, town: str, postcode: str) -> ServiceDoc:
        return ServiceDoc(
            sid,
            f"{town} community choir",
            description="Sing with friends; no experience needed.",
            locations=(Place(52.86, -3.05, f"Village Hall, {town}, {postcode}", postcode),),
        )

    services = [
        choir("a", "Gobowen", "SY11 3JS"),
        choir("b", "Pant", "SY10 9QA"),
        ServiceDoc("c", "Ukulele club", description="Strum along with friends."),
    ]
    profile = profile_from_json({"id": "p", "interests": ["singing"]})
    matcher = Matcher(services, encoder=None)
    ranked = [s.service_id for s in matcher.rank(profile, top=2)]
    assert sorted(ranked) == ["a", "c"], ranked
    plain = matcher.rank(profile, top=2, disable=frozenset({"diversity"}))
    assert sorted(s.service_id for s in plain) == ["a", "b"]  # without it, both choirs
