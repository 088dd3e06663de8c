"""Ranking and reasons: shared interests first, lived experience, skills, distance, free time,
language; deterministic order; the baseline."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from linkwell.matching.profile import Profile
from linkwell.volunteering.engine import (
    DBS_RENEWAL_YEARS,
    VolunteerMatcher,
    VolunteerSuggestion,
    shared_interests_baseline,
)
from linkwell.volunteering.profile import SupportWanted, VolunteerProfile
from linkwell.volunteering.tests.engine_factories import AT, north, person, slot, volunteer, wanted


def rank(
    vols: Sequence[VolunteerProfile], p: Profile, w: SupportWanted | None = None, **kwargs: Any
) -> list[VolunteerSuggestion]:
    return VolunteerMatcher(vols, encoder=None).rank(p, w or wanted(), at=AT, **kwargs)


def ids(
    vols: Sequence[VolunteerProfile], p: Profile, w: SupportWanted | None = None, **kwargs: Any
) -> list[str]:
    return [s.volunteer_id for s in rank(vols, p, w, **kwargs)]


def reasons(
    vols: Sequence[VolunteerProfile], p: Profile, vid: str, w: SupportWanted | None = None
) -> tuple[str, ...]:
    return next(s for s in rank(vols, p, w, top=50) if s.volunteer_id == vid).reasons


def test_shared_interests_come_first_and_sharing_more_ranks_higher():
    vols = [
        volunteer("a", interests=("football",)),
        volunteer("b", interests=("gardening",)),
        volunteer("c", interests=("gardening", "baking", "church")),
    ]
    p = person(interests=("gardening", "baking", "church"))
    assert ids(vols, p) == ["c", "b", "a"]
    assert reasons(vols, p, "c")[0] == "You both enjoy gardening, baking and church"


def test_words_match_by_their_stems_and_related_terms():
    vols = [volunteer("a", interests=("chess",)), volunteer("b", interests=("gardener",))]
    assert ids(vols, person(interests=("Gardening",)))[0] == "b"
    vols = [volunteer("a", interests=("chess",)), volunteer("b", interests=("woodwork",))]
    p = person(interests=("crafts",))
    assert ids(vols, p)[0] == "b"
    assert "Enjoys woodwork \u2014 the person said crafts" in reasons(vols, p, "b")


def test_lived_experience_close_to_what_the_person_said_ranks_higher_with_a_reason():
    vols = [
        volunteer("a", lived_experience=("hip replacement",)),
        volunteer("b", lived_experience=("caring for a parent with dementia",)),
    ]
    p = person(what_matters="I look after my mum, who has dementia, and never get a break")
    assert ids(vols, p) == ["b", "a"]
    assert "Has cared for a parent with dementia" in reasons(vols, p, "b")
    copd = person(conditions=("COPD",))
    vols = [volunteer("a"), volunteer("b", lived_experience=("COPD",))]
    assert ids(vols, copd) == ["b", "a"]
    assert "Has lived experience of COPD" in reasons(vols, copd, "b")


def test_a_skill_the_person_asked_for_is_a_reason():
    vols = [volunteer("a"), volunteer("b", skills=("benefits advice",))]
    p = person(needs=("benefits advice",))
    assert ids(vols, p) == ["b", "a"]
    assert "Can help with benefits advice, which the person asked for" in reasons(vols, p, "b")


def test_nearer_ranks_higher_and_says_how_they_travel():
    vols = [volunteer("far", **north(8)), volunteer("near", travel="car", **north(2.1))]
    assert ids(vols, person(), wanted(contact="home_visit")) == ["near", "far"]
    assert "2.1 km away; drives" in reasons(vols, person(), "near")


def test_common_free_time_is_named_beside_what_the_person_said():
    p = person(availability=(slot("TU", 13, 17), slot("TH", 13, 17)))
    vols = [
        volunteer("one", availability=(slot("TU"),)),
        volunteer("both", availability=(slot("TU"), slot("TH"), slot("SA"))),
    ]
    assert ids(vols, p) == ["both", "one"]
    assert (
        "Free Tuesday and Thursday afternoons \u2014 the person said Tuesday and Thursday "
        "afternoons"
    ) in reasons(vols, p, "both")


def test_a_shared_language_other_than_english_ranks_higher():
    p = person(languages=("pl", "en"))
    vols = [volunteer("a", languages=("en",)), volunteer("b", languages=("pl", "en"))]
    assert ids(vols, p) == ["b", "a"]
    assert "Speaks Polish" in reasons(vols, p, "b")
    assert not any("Speaks" in r for r in reasons(vols, p, "a"))


def test_unknowns_are_named_as_things_to_check():
    v = volunteer(
        "v",
        home_visits=None,
        gender=None,
        latitude=None,
        longitude=None,
        pref_person_min_age=60,
        dbs_checked_on=AT - dt.timedelta(days=365 * DBS_RENEWAL_YEARS - 30),
    )
    said = reasons([v], person(), "v", wanted(contact="home_visit", volunteer_gender="female"))
    assert "Check they do home visits: not recorded" in said
    assert "Check the distance: no address for the volunteer" in said
    assert any(r.startswith("Check: the person asked for a volunteer who is female") for r in said)
    assert "Check the person's age: they support only some ages" in said
    assert any(r.startswith("DBS check due for renewal by ") for r in said)


def test_when_the_contact_is_not_said_it_says_a_volunteer_only_phones():
    phone_only = volunteer("v", roles=frozenset({"telephone_befriender"}))
    assert "Telephone befriending only" in reasons([phone_only], person(), "v")


def test_ties_go_to_the_smaller_id_and_the_output_is_deterministic():
    vols = [volunteer(vid) for vid in ("c", "a", "b")]
    assert ids(vols, person()) == ["a", "b", "c"]
    first = rank(vols, person(interests=("walking",)))
    assert first == rank(list(reversed(vols)), person(interests=("walking",)))


def test_scores_are_in_zero_to_one_and_components_are_kept():
    [s] = rank([volunteer(interests=("gardening",))], person(interests=("gardening",)))
    assert isinstance(s, VolunteerSuggestion) and 0 <= s.score <= 1
    assert set(s.components) == {
        "interests",
        "experience",
        "skills",
        "distance",
        "availability",
        "language",
    }
    assert s.components["interests"] == 1.0


def test_top_limits_the_list_and_must_be_positive():
    vols = [volunteer(f"v{i}") for i in range(8)]
    assert len(rank(vols, person(), top=3)) == 3
    with pytest.raises(ValueError, match="top must be at least 1"):
        rank(vols, person(), top=0)
    assert VolunteerMatcher([], encoder=None).rank(person(), wanted(), at=AT) == []


def test_repeated_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        VolunteerMatcher([volunteer("a"), volunteer("a")], encoder=None)


def test_at_defaults_to_today():
    v = volunteer(dbs_checked_on=dt.date.today() - dt.timedelta(days=365 * 4))
    assert VolunteerMatcher([v], encoder=None).rank(person(), wanted()) == []


def test_the_baseline_counts_shared_interest_words_under_the_same_constraints():
    vols = [
        volunteer("a", interests=("gardening",)),
        volunteer("b", interests=("gardening", "baking")),
        volunteer("c", interests=("gardening", "baking"), status="paused"),
        volunteer("d", interests=("gardener",)),
    ]
    got = shared_interests_baseline(
        vols, person(interests=("gardening", "baking")), wanted(), top=5, at=AT
    )
    assert [(s.volunteer_id, s.score) for s in got] == [("b", 2.0), ("a", 1.0), ("d", 0.0)]


def test_the_sentence_encoder_finds_meaning_the_words_miss():
    """With the real model: "astronomy" is close to "looking at the stars", though no word is
    shared and the related-terms list does not know them."""
    from linkwell.matching import embedding

    encoder = embedding.get_encoder()
    if encoder is None:
        pytest.skip("the sentence-embedding model is not installed")
    vols = [
        volunteer("a", interests=("snooker",)),
        volunteer("b", interests=("astronomy",)),
    ]
    p = person(interests=("looking at the stars",))
    words_only = VolunteerMatcher(vols, encoder=None).rank(p, wanted(), at=AT)
    assert [s.volunteer_id for s in words_only] == ["a", "b"]
    ranked = VolunteerMatcher(vols, encoder=encoder).rank(p, wanted(), at=AT)
    assert [s.volunteer_id for s in ranked] == ["b", "a"]
    assert ranked[0].components["interests"] > 0


class TopicEncoder:
    """Unit vectors by topic (football, gardening), the way a sentence encoder sees a text."""

    name = "topics"

    def encode(self, texts: Sequence[str]) -> Any:
        import numpy as np

        out = []
        for said in texts:
            vec = np.array(["football" in said, "garden" in said, 0.1], dtype=np.float32)
            out.append(vec / np.linalg.norm(vec))
        return np.array(out)


def test_what_the_person_refuses_or_a_qualifier_takes_over_is_not_matched():
    vols = [volunteer("a", interests=("football",)), volunteer("b", interests=("gardening",))]
    p = person(
        what_matters="She doesn't want to talk about football any more; she loves gardening."
    )
    for encoder in (None, TopicEncoder()):
        ranked = VolunteerMatcher(vols, encoder=encoder).rank(p, wanted(), at=AT)
        assert [s.volunteer_id for s in ranked] == ["b", "a"]
        assert ranked[1].components["interests"] == 0
        assert not any("football" in r for r in ranked[1].reasons)
    # "Stroke recovery" is not the recovery of addiction.
    vols = [
        volunteer("a", lived_experience=("recovery from addiction",)),
        volunteer("b", lived_experience=("stroke",)),
    ]
    ranked = rank(vols, person(needs=("stroke recovery",)))
    assert [s.volunteer_id for s in ranked] == ["b", "a"]
    assert ranked[1].components["experience"] == 0
