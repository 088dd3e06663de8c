"""One behaviour per test: each hard constraint, each reason, capacity, diversity, switches."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from linkwell.matching import engine, features, fitting
from linkwell.matching.documents import Place, ServiceDoc
from linkwell.matching.engine import COMPONENTS, Matcher, Suggestion, bm25_baseline
from linkwell.matching.profile import Profile
from linkwell.matching.tests.factories import AT, person, session, svc


def ranked(services: list[ServiceDoc], profile: Profile, **kwargs: Any) -> list[Suggestion]:
    return Matcher(services, encoder=None).rank(profile, **kwargs)


def ids(services: list[ServiceDoc], profile: Profile, **kwargs: Any) -> list[str]:
    return [s.service_id for s in ranked(services, profile, **kwargs)]


def reasons_of(services: list[ServiceDoc], profile: Profile, sid: str, **kwargs: Any) -> list[str]:
    return next(s for s in ranked(services, profile, **kwargs) if s.service_id == sid).reasons


# --- hard constraints -------------------------------------------------------------------------


def test_inactive_defunct_and_closed_services_never_appear():
    services = [
        svc("a", "Walking group", status="active"),
        svc("b", "Walking group", status="inactive"),
        svc("c", "Walking group", status="defunct"),
        svc("d", "Walking group", status="temporarily closed"),
    ]
    assert ids(services, person(interests=["walking"])) == ["a"]


def test_services_already_tried_are_left_out():
    services = [svc("a", "Walking group"), svc("b", "Walking club")]
    assert ids(services, person(interests=["walking"], exclude_service_ids=["a"])) == ["b"]


def test_ages_outside_the_service_criteria_are_left_out():
    services = [
        svc("young", "Youth walking", max_age=25),
        svc("old", "Walking for over 50s", min_age=50),
        svc("text", "Walking", eligibility="Open to people aged 65 and over"),
        svc("any", "Walking"),
    ]
    assert sorted(ids(services, person(age=20, interests=["walking"]))) == ["any", "young"]
    assert sorted(ids(services, person(age=40, interests=["walking"]))) == ["any"]
    assert sorted(ids(services, person(age=70, interests=["walking"]))) == ["any", "old", "text"]
    assert len(ids(services, person(interests=["walking"]))) == 4  # age unknown: no limit


def test_a_stated_maximum_distance_is_a_hard_limit():
    services = [
        svc("near", "Choir", km=2.9),
        svc("far", "Choir", km=3.2),
        svc("online", "Choir", km=None),
    ]
    assert sorted(ids(services, person(interests=["choir"], max_distance_km=3))) == [
        "near",
        "online",
    ]


@pytest.mark.parametrize(("travel", "reach"), [("walk", 2), ("public_transport", 10), ("car", 25)])
def test_travel_sets_a_default_reach(travel, reach):
    services = [svc("in", "Choir", km=reach - 0.2), svc("out", "Choir", km=reach + 0.3)]
    assert ids(services, person(interests=["choir"], travel=travel)) == ["in"]


def test_someone_who_needs_transport_reaches_services_that_provide_it_or_are_very_near():
    services = [
        svc("collects", "Cycling rides", km=8, provides_transport=True),
        svc("near", "Cycling club", km=0.8),
        svc("far", "Cycle club", km=3),
    ]
    found = ids(services, person(interests=["cycling"], travel="needs_transport"))
    assert sorted(found) == ["collects", "near"]
    assert "provides transport" in reasons_of(
        services, person(interests=["cycling"], travel="needs_transport"), "collects"
    )


def test_free_only_leaves_out_paid_services_and_low_cost_leaves_out_dear_ones():
    services = [
        svc("free", "Yoga", free=True),
        svc("cheap", "Yoga", free=False, cost_amount=3.0, cost_text="£3.00"),
        svc("dear", "Yoga", free=False, cost_amount=12.0, cost_text="£12.00"),
        svc("unknown", "Yoga"),
    ]
    assert sorted(ids(services, person(interests=["yoga"], cost="free_only"))) == [
        "free",
        "unknown",
    ]
    assert sorted(ids(services, person(interests=["yoga"], cost="low_cost"))) == [
        "cheap",
        "free",
        "unknown",
    ]
    assert "cost not stated \u2014 check it is free" in reasons_of(
        services, person(interests=["yoga"], cost="free_only"), "unknown"
    )


def test_an_access_need_the_listing_refuses_is_a_hard_limit_and_an_unmentioned_one_a_warning():
    services = [
        svc("step", "Art group", accessibility=("Step-free access via a ramp at the side.",)),
        svc(
            "stairs",
            "Art group",
            accessibility=("Upstairs room; unfortunately there is no lift or wheelchair access.",),
        ),
        svc("silent", "Art group", accessibility=("Hearing loop in the main hall.",)),
        svc("home", "Art group by post", km=None),
    ]
    profile = person(interests=["art"], accessibility=["wheelchair"])
    found = ids(services, profile)
    assert "stairs" not in found and set(found) == {"step", "silent", "home"}
    assert "suits your access needs (wheelchair)" in reasons_of(services, profile, "step")
    assert "check access: the listing does not mention wheelchair" in reasons_of(
        services, profile, "silent"
    )
    assert found.index("step") < found.index("silent")


def test_languages_must_be_shared_when_both_sides_list_them():
    services = [
        svc("pl", "Coffee morning", languages=("pl", "en")),
        svc("en", "Coffee morning", languages=("en",)),
        svc("interpreted", "Coffee morning", languages=("en",), interpretation=True),
        svc("unlisted", "Coffee morning"),
    ]
    # Someone without English: a listing naming no language is taken to be in English only.
    assert sorted(ids(services, person(interests=["coffee morning"], languages=["pl"]))) == [
        "interpreted",
        "pl",
    ]
    assert "unlisted" in ids(services, person(interests=["coffee morning"], languages=["pl", "en"]))
    assert "in Polish" in reasons_of(
        services, person(interests=["coffee morning"], languages=["pl"]), "pl"
    )


def test_a_gender_restriction_in_the_eligibility_text_is_respected():
    services = [
        svc("w", "Walking", eligibility="Women only"),
        svc("m", "Walking", eligibility="For men aged 60+"),
    ]
    assert ids(services, person(interests=["walking"], gender="male", age=64)) == ["m"]
    assert ids(services, person(interests=["walking"], gender="female", age=64)) == ["w"]
    assert len(ids(services, person(interests=["walking"], age=64))) == 2


# --- relevance and reasons ----------------------------------------------------------------


def test_direct_matches_use_stems_and_say_what_matched():
    services = [
        svc("g", "Community Garden", description="Growing vegetables together."),
        svc("x", "Bingo"),
    ]
    result = ranked(services, person(interests=["gardening"]))
    assert result[0].service_id == "g" and "matches 'gardening'" in result[0].reasons


def test_related_terms_match_and_say_how():
    services = [
        svc("b", "Befriending scheme", description="Weekly visits from a volunteer."),
        svc("x", "Bingo"),
    ]
    result = ranked(services, person(needs=["lonely"]))
    assert result[0].service_id == "b"
    assert "related to 'lonely': befriending" in result[0].reasons


def test_a_related_phrase_must_match_as_a_whole():
    services = [svc("lc", "Lunch club"), svc("cc", "Chess club")]
    result = {s.service_id: s for s in ranked(services, person(needs=["isolation"]))}
    assert result["lc"].score > result["cc"].score
    assert not any("related" in r for r in result["cc"].reasons)


def test_free_text_reasons_quote_the_words_that_matched():
    services = [svc("w", "Walking group", description="Gentle walks in the countryside.")]
    result = ranked(
        services, person(what_matters="I want to get out walking in the countryside again")
    )
    assert "matches 'walking' and 'countryside' from what matters to you" in result[0].reasons


def test_distance_ranks_nearer_first_and_is_said_in_km():
    services = [svc("far", "Choir", km=6), svc("near", "Choir", km=1.4)]
    result = ranked(services, person(interests=["choir"]))
    assert [s.service_id for s in result] == ["near", "far"]
    assert "1.4 km away" in result[0].reasons and result[0].distance_km == pytest.approx(
        1.4, abs=0.01
    )


def test_bus_routes_are_read_out_for_people_on_public_transport():
    from linkwell.matching.tests.factories import place

    services = [
        svc("c", "Choir", locations=(place(1.4, transportation="The 12 bus stops outside"),))
    ]
    assert (
        "1.4 km away, the 12 bus stops outside"
        in ranked(services, person(interests=["choir"], travel="public_transport"))[0].reasons
    )


def test_schedule_fit_ranks_and_says_when():
    services = [
        svc("tue", "Craft group", schedules=(session("TU", "10:00", "12:00"),)),
        svc("thu", "Craft group", schedules=(session("TH", "14:00", "16:00"),)),
    ]
    profile = person(
        interests=["crafts"], availability=[{"day": "TU", "from": "09:00", "to": "12:00"}]
    )
    result = ranked(services, profile)
    assert result[0].service_id == "tue"
    assert "Tuesdays 10:00\u201312:00 \u2014 you said Tuesday mornings" in result[0].reasons
    # A session outside every free window is a hard constraint (`stated.py`): not suggested.
    assert [s.service_id for s in result] == ["tue"]
    # Free all day on Thursdays too: the Thursday group fits, and says so.
    later = person(
        interests=["crafts"],
        availability=[{"day": "TU", "from": "09:00", "to": "12:00"}, {"day": "TH"}],
    )
    thursday = next(s for s in ranked(services, later) if s.service_id == "thu")
    assert "Thursdays 14:00\u201316:00 \u2014 you said Thursdays" in thursday.reasons


def test_sessions_that_ended_before_at_do_not_count():
    services = [
        svc(
            "old",
            "Craft group",
            schedules=(session("TU", "10:00", "12:00", valid_to=dt.date(2026, 7, 1)),),
        )
    ]
    profile = person(interests=["crafts"], availability=[{"day": "TU"}])
    assert "no sessions listed after 24 November" in ranked(services, profile, at=AT)[0].reasons
    assert ranked(services, profile)[0].components["schedule"] == 1.0


def test_free_and_places_left_are_said():
    services = [
        svc("a", "Choir", free=True, capacity_available=3),
        svc("b", "Choir", capacity_available=1),
    ]
    result = {s.service_id: s for s in ranked(services, person(interests=["choir"]))}
    assert {"free", "3 places left"} <= set(result["a"].reasons) and result["a"].places_left == 3
    assert "1 place left" in result["b"].reasons


def test_full_services_are_labelled_and_never_pushed_ahead_of_an_open_similar_one():
    services = [
        svc("full", "Walking group", description="Health walks.", capacity_available=0, km=0.5),
        svc("open", "Walking group", description="Health walks.", capacity_available=4, km=1.5),
    ]
    result = ranked(services, person(interests=["walking"]))
    assert [s.service_id for s in result] == ["open", "full"]
    assert (
        result[1].at_capacity
        and "full at the moment \u2014 try the waiting list" in result[1].reasons
    )


def test_unanswered_referrals_count_against_published_places():
    services = [svc("a", "Choir", capacity_available=2, open_referrals=2)]
    result = ranked(services, person(interests=["choir"]))[0]
    assert result.at_capacity and result.places_left == 0


def test_stale_listings_rank_lower_and_say_so():
    services = [
        svc("stale", "Choir", last_modified=dt.date(2024, 3, 1)),
        svc("fresh", "Choir", last_verified=dt.date(2026, 10, 1)),
    ]
    result = ranked(services, person(interests=["choir"]), at=AT)
    assert [s.service_id for s in result] == ["fresh", "stale"]
    assert "listing not checked since March 2024 \u2014 ring first" in result[1].reasons


def test_quality_assured_providers_rank_higher():
    services = [
        svc("lapsed", "Choir", quality_assured=False),
        svc("assured", "Choir", quality_assured=True),
    ]
    result = ranked(services, person(interests=["choir"]))
    assert [s.service_id for s in result] == ["assured", "lapsed"]
    assert "quality assured" in result[0].reasons
    assert "provider's quality checks have lapsed" in result[1].reasons


# --- diversity, determinism, switches -------------------------------------------------------


def walks_choir_and_garden() -> tuple[list[Any], Any]:
    """Six walking groups near by, a choir and an allotment further away, and someone who named
    walking, singing and gardening."""
    walks = [
        svc(f"walk{i}", f"Walking group {i}", description="Health walk", km=0.5 + i * 0.1)
        for i in range(6)
    ]
    others = [
        svc("choir", "Community choir", description="Singing for fun", km=3),
        svc("garden", "Allotment project", description="Gardening together", km=3),
    ]
    return walks + others, person(interests=["walking", "singing", "gardening"])


def test_the_top_covers_different_interests_not_five_walking_groups():
    directory, profile = walks_choir_and_garden()
    top = ids(directory, profile, top=5)
    assert {"choir", "garden"} <= set(top)
    plain = ids(directory, profile, top=5, disable=frozenset({"diversity"}))
    assert plain == [f"walk{i}" for i in range(5)]


@pytest.mark.parametrize("times", [2, 3])
def test_larger_fitted_weights_choose_the_same_different_interests(times):
    """Weights fitted with less regularisation (or on another semantic share) can be several
    times as large; the log-scores and their spread on the pools they were fitted on
    (`Ranker.spread`, which `fitting.fit` measures and which grows in proportion) grow with
    them. The diversity discount is counted in that spread, so the same listings are chosen:
    a step fixed in log-score would let the walking groups fill the top five."""
    directory, profile = walks_choir_and_garden()
    shipped = features.default_ranker()
    assert shipped is not None
    spread = shipped.spread or engine.REFERENCE_SPREAD
    larger = features.Ranker(
        weights={name: times * w for name, w in shipped.weights.items()}, spread=times * spread
    )
    top = Matcher(directory, encoder=None, ranker=larger).rank(profile, top=5, at=AT)
    assert {"choir", "garden"} <= {s.service_id for s in top}
    assert [s.service_id for s in top] == ids(directory, profile, top=5, at=AT)


def test_the_spread_of_fitted_weights_grows_with_them():
    rows = np.array([[0.1, 0.9], [0.5, 0.2], [0.7, 0.0]])
    examples = [fitting.Example("p", ["a", "b", "c"], rows, np.array([2.0, 1.0, 0.0]))]
    beta = np.array([1.0, -2.0])
    spread = fitting.spread(examples, beta)
    assert spread is not None
    assert fitting.spread(examples, 3 * beta) == pytest.approx(3 * spread)


def test_scores_are_ordered_and_ties_go_to_the_smaller_id():
    services = [svc(sid, "Choir") for sid in ("c", "a", "b")]
    result = ranked(services, person(interests=["choir"]), disable=frozenset({"diversity"}))
    assert [s.service_id for s in result] == ["a", "b", "c"]
    many = ranked(
        [svc(f"s{i}", "Choir", km=i % 4) for i in range(12)], person(interests=["choir", "art"])
    )
    scores = [s.score for s in many]
    assert scores == sorted(scores, reverse=True)


def test_ranking_is_deterministic():
    services = [
        svc(f"s{i}", name, km=i % 5)
        for i, name in enumerate(["Choir", "Art", "Walk", "Lunch club"] * 3)
    ]
    profile = person(interests=["art", "walking"], needs=["lonely"])
    matcher = Matcher(services, encoder=None)
    first = matcher.rank(profile, top=6, at=AT)
    assert first == matcher.rank(profile, top=6, at=AT)
    assert first == Matcher(list(reversed(services)), encoder=None).rank(profile, top=6, at=AT)


def test_switches_turn_components_off_and_unknown_ones_are_refused():
    services = [svc("b", "Befriending")]
    profile = person(needs=["lonely"])
    assert ranked(services, profile)[0].components["synonyms"] > 0
    assert ranked(services, profile, disable=frozenset({"synonyms"}))[0].components["synonyms"] == 0
    assert ranked(services, profile, disable=COMPONENTS)  # still ranks
    with pytest.raises(ValueError, match="unknown component"):
        ranked(services, profile, disable=frozenset({"magic"}))
    with pytest.raises(ValueError, match="top must be at least 1"):
        ranked(services, profile, top=0)


class FakeEncoder:
    """Unit vectors by topic word, so 'feeling down' and 'talking therapy' are close."""

    name = "fake"
    topics = ["mood", "garden", "other"]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for t in texts:
            t = t.lower()
            vec = np.array(
                [any(w in t for w in ("down", "therapy", "mood")), "garden" in t, 0.1],
                dtype=np.float32,
            )
            out.append(vec / np.linalg.norm(vec))
        return np.array(out)


def test_semantic_similarity_finds_what_words_miss():
    services = [
        svc("t", "Talking therapy", description="Six sessions with a counsellor."),
        svc("g", "Garden club"),
    ]
    with_model = Matcher(services, encoder=FakeEncoder()).rank(person(needs=["feeling a bit down"]))
    assert with_model[0].service_id == "t"
    assert "similar to 'feeling a bit down'" in with_model[0].reasons
    off = Matcher(services, encoder=FakeEncoder()).rank(
        person(needs=["feeling a bit down"]), disable=frozenset({"semantic"})
    )
    assert off[0].components["semantic"] == 0


def test_the_keyword_baseline_ranks_by_words_only():
    services = [svc("g", "Garden club"), svc("x", "Gardening", status="defunct"), svc("c", "Choir")]
    result = bm25_baseline(services, person(interests=["garden"]), top=5)
    assert [s.service_id for s in result][:1] == ["g"] and "x" not in [s.service_id for s in result]


def test_a_second_matcher_reuses_the_service_vectors():
    class CountingEncoder(FakeEncoder):
        def __init__(self) -> None:
            self.texts: list[str] = []

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            self.texts.extend(texts)
            return super().encode(texts)

    encoder = CountingEncoder()
    services = [svc("t", "Talking therapy"), svc("g", "Garden club")]
    Matcher(services, encoder=encoder)
    Matcher([*services, svc("n", "New choir")], encoder=encoder)
    assert encoder.texts == ["Talking therapy", "Garden club", "New choir"]


def test_reasons_quote_only_the_words_that_matched_and_the_persons_own_words():
    services = [
        svc("d", "Dial-a-ride", description="Door to door rides to appointments."),
        svc("c", "Carers centre", description="Carers support and breaks."),
    ]
    profile = person(interests=["bike rides"], what_matters="He cares for his wife every day")
    reasons = {s.service_id: s.reasons for s in ranked(services, profile)}
    assert "matches 'rides'" in reasons["d"]
    assert "related to 'cares for': carer" in reasons["c"]
    # Someone else caring for the person does not make them a carer (test_readings.py).
    cared_for = person(interests=["bike rides"], what_matters="My wife cares for me every day")
    reasons = {s.service_id: s.reasons for s in ranked(services, cared_for)}
    assert not any(r.startswith("related to") for r in reasons["c"])


def test_a_condition_the_eligibility_requires_must_be_one_the_person_mentioned():
    services = [
        svc("mc", "Memory café", eligibility="Only for people with dementia and their carers."),
        svc("be", "Breathe Easy", eligibility="Must have a diagnosis of COPD."),
        svc("open", "Coffee morning"),
    ]
    assert ids(services, person(interests=["coffee"])) == ["open"]
    assert sorted(ids(services, person(conditions=["dementia"]))) == ["mc", "open"]
    assert sorted(ids(services, person(needs=["carer support"]))) == ["mc", "open"]
    assert sorted(ids(services, person(what_matters="My COPD is getting worse"))) == ["be", "open"]


def test_ranking_keeps_nothing_a_person_said_unless_prepared():
    services = [svc("t", "Talking therapy"), svc("g", "Garden club")]
    matcher = Matcher(services, encoder=FakeEncoder())
    first = matcher.rank(person(needs=["feeling a bit down"]))
    assert matcher._said_vectors == {}  # a shared Matcher must not hold one person's words
    matcher.prepare([person(needs=["feeling a bit down"])])
    assert "feeling a bit down" in matcher._said_vectors
    assert matcher.rank(person(needs=["feeling a bit down"])) == first
    matcher.forget()
    assert matcher._said_vectors == {}


def test_the_pool_is_taken_best_first_as_a_full_sort_would_take_it():
    rng = np.random.default_rng(3)
    services = [svc(f"s{i:03d}", f"Group {i}") for i in range(300)]
    matcher = Matcher(services, encoder=None)
    # Many ties (two decimals), so the id order inside a tie matters.
    rounded = np.round(rng.random(300), 2)
    candidates = np.flatnonzero(rng.random(300) < 0.9)
    full = candidates[np.lexsort((matcher._id_rank[candidates], -rounded[candidates]))].tolist()
    assert list(matcher._best_first(candidates, rounded, 10)) == full


def test_the_pool_s_schedule_score_is_the_one_the_reasons_are_worded_from():
    from linkwell.matching.engine import _schedule_fit, _schedule_score

    ended = session("WE", "10:00", "11:00", valid_to=dt.date(2026, 1, 1))
    sessions = [session("TU", "10:00", "12:00"), session("FR", None, None), ended]
    services = [svc("a", schedules=(sessions[0],)), svc("b", schedules=tuple(sessions)),
                svc("c"), svc("d", schedules=(sessions[1],)), svc("e", schedules=(ended,))]  # fmt: skip
    people = [
        person(availability=[{"day": d, "from": "09:00", "to": "12:00"}])
        for d in ("TU", "FR", "MO", "WE")
    ] + [person()]
    for profile in people:
        for service in services:
            for at in (None, AT):
                assert (
                    _schedule_score(profile, service, at) == _schedule_fit(profile, service, at)[0]
                )


# --- work follows the candidates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("home", "within"),
    [((52.86, -3.06), 3.0), ((52.86, -3.06), 25.0), ((78.2, 15.6), 40.0), ((0.0, 179.99), 30.0)],
)
def test_distances_measured_only_near_the_person_are_exact_within_reach(home, within):
    rng = np.random.default_rng(11)
    services = [
        svc(
            f"s{i}",
            locations=tuple(
                Place(latitude=home[0] + dlat, longitude=(home[1] + dlon + 180) % 360 - 180)
                for dlat, dlon in rng.normal(0, 0.4, size=(int(rng.integers(1, 4)), 2))
            ),
        )
        for i in range(300)
    ] + [svc("online", km=None)]
    matcher = Matcher(services, encoder=None)
    profile = person(latitude=home[0], longitude=home[1])
    every = matcher._distances(profile)
    near = matcher._distances(profile, within=within)
    inside = every <= within
    assert 0 < inside.sum() < len(services) - 1  # some venues on either side of the line
    np.testing.assert_array_equal(near[inside], every[inside])
    assert np.all(near[~inside] > within)  # farther, or not measured (inf): out of reach
    assert np.isinf(near[-1])  # no venue


def test_a_large_directory_ranks_its_candidates_as_the_whole_directory_would(monkeypatch):
    from linkwell.matching import engine

    names = ["Talking therapy", "Garden club", "Mood walk", "Community garden", "Choir", "Tea"]
    rng = np.random.default_rng(4)
    n = engine.GATHER_MIN + 200
    kms = [float(rng.uniform(0, 30)) if i % 7 else None for i in range(n)]  # some: no venue
    services = [
        svc(
            f"s{i:05d}",
            f"{names[i % len(names)]} {i}",
            km=kms[i],
            min_age=70 if i % 11 == 0 else None,
            status="inactive" if i % 13 == 0 else "active",
        )
        for i in range(n)
    ]
    matcher = Matcher(services, encoder=FakeEncoder())
    profile = person(age=40, needs=["feeling a bit down"], interests=["gardening"], travel="walk")
    shown = matcher.rank(profile, top=10)
    ineligible = {s.id for s in services if s.status != "active" or s.min_age == 70}
    far = {s.id for s, km in zip(services, kms, strict=True) if km is not None and km > 2.0}
    assert len(shown) == 10
    assert not {s.service_id for s in shown} & (ineligible | far)
    monkeypatch.setattr(engine, "GATHER_MIN", n + 1)  # every vector read in place
    again = matcher.rank(profile, top=10)
    assert [s.service_id for s in again] == [s.service_id for s in shown]
