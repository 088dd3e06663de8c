"""Worked examples: a listing close to what suited people whose needs read like someone's ranks
higher for them, a person is never their own example, and the shipped file is what the
development people's grades give. Listings and people here are made up (in no labelled set)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pytest

from linkwell.matching import examples
from linkwell.matching.engine import Matcher
from linkwell.matching.examples import Example, ExamplesError, ExampleSet
from linkwell.matching.features import Ranker
from linkwell.matching.tests.factories import person, svc

TOPICS = (
    ("grief", ("died", "death", "bereave", "grief", "widow", "loss of")),
    ("money", ("debt", "bills", "benefit", "money")),
    ("food", ("lunch", "meal", "food", "cook")),
)


class TopicEncoder:
    """Unit vectors by topic: bereavement, money, food; everything shares a little."""

    name = "topics-for-examples"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for said in texts:
            low = said.lower()
            vec = np.array(
                [any(w in low for w in words) for _, words in TOPICS] + [0.2], dtype=np.float32
            )
            out.append(vec / np.linalg.norm(vec))
        return np.array(out)


GRIEF_GROUP = "Afterwards: a drop-in for anyone whose partner has died"
LUNCH_CLUB = "Tuesday lunch club with a hot meal, widowers welcome"
WORKED = ExampleSet(
    examples=(
        Example(id="ex-grief", said=("my wife died last spring",), suits=(0,)),
        Example(id="ex-debt", said=("behind with the bills",), suits=(1,)),
    ),
    listings=(
        "A group for people after a death: bereavement support",
        "Debt advice and help with benefits",
    ),
)


def test_a_listing_like_what_suited_a_similar_person_is_closer():
    encoded = examples.EncodedExamples(WORKED, TopicEncoder().encode)
    enc = TopicEncoder()
    needs = examples.person_needs(enc.encode(["my husband died in March"]))
    listings = enc.encode([GRIEF_GROUP, "Money advice drop-in for debt"]).astype(np.float64)
    grief, money = encoded.closeness(needs, listings)
    assert grief > money
    # Someone in debt is nearer the money listing.
    needs = examples.person_needs(enc.encode(["worried about debt"]))
    grief, money = encoded.closeness(needs, listings)
    assert money > grief


def test_a_person_is_never_their_own_example():
    only = ExampleSet(examples=(WORKED.examples[0],), listings=WORKED.listings)
    encoded = examples.EncodedExamples(only, TopicEncoder().encode)
    enc = TopicEncoder()
    needs = examples.person_needs(enc.encode(["my wife died last spring"]))
    listing = enc.encode([GRIEF_GROUP]).astype(np.float64)
    assert encoded.closeness(needs, listing)[0] > 0.9
    assert encoded.closeness(needs, listing, person_id="ex-grief").tolist() == [0.0]


def _grief_matcher(worked: ExampleSet | None) -> Matcher:
    services = [
        svc("a-lunch", LUNCH_CLUB, description="A hot meal and company, widowers welcome."),
        svc("b-grief", GRIEF_GROUP, description="Tea and a chat with others who know grief."),
    ]
    # Only the examples and the hand score count, so the examples decide between two listings
    # that both answer "widower".
    ranker = Ranker(weights={"examples": 6.0, "hand": 1.0})
    return Matcher(services, encoder=TopicEncoder(), ranker=ranker, worked_examples=worked)


def test_the_examples_lift_what_suited_people_like_them():
    widower = person(needs=["widower since the summer, my wife died"])
    ranked = [s.service_id for s in _grief_matcher(WORKED).rank(widower, top=2)]
    assert ranked[0] == "b-grief"
    switched_off = _grief_matcher(WORKED).rank(widower, top=2, disable=frozenset({"examples"}))
    none = _grief_matcher(None).rank(widower, top=2)
    assert [s.service_id for s in switched_off] == [s.service_id for s in none]
    assert (
        _grief_matcher(WORKED).pool_features(widower)[1][:, -1].max() > 0
    )  # the feature is there when on


def test_build_keeps_what_suits_and_shares_listing_texts():
    grades = {
        "p1": {"s1": 3, "s2": 1, "s3": 2},
        "p2": {"s1": 2},
        "p3": {"s2": 1},  # nothing suits: left out
    }
    text = {"s1": "Walking group", "s2": "Choir", "s3": "Allotment"}
    built = examples.build_examples(
        [("p1", ["lonely"]), ("p2", ["unfit"]), ("p3", ["x"])], grades, text
    )
    assert [e.id for e in built.examples] == ["p1", "p2"]
    assert sorted(built.listings) == ["Allotment", "Walking group"]
    assert [built.listings[k] for k in built.examples[1].suits] == ["Walking group"]


def test_a_file_round_trips_and_bad_files_say_where(tmp_path):
    path = tmp_path / "examples.json"
    path.write_text(WORKED.to_json(about="test"), encoding="utf-8")
    assert examples.read_examples(path) == WORKED
    body = json.loads(path.read_text(encoding="utf-8"))
    body["examples"][1]["suits"] = [7]
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(ExamplesError, match=r"examples\[1\] names a listing that is not there"):
        examples.read_examples(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ExamplesError, match="not a worked-examples file"):
        examples.read_examples(path)


def test_the_shipped_examples_are_the_development_peoples_grades():
    from linkwell.matching.evaluation.council import load_development_people, part_ids
    from linkwell.matching.fitting import development_examples

    shipped = examples.read_examples()
    assert shipped == development_examples(load_development_people())
    held_out = part_ids("held_out")
    assert held_out and not held_out & {e.id for e in shipped.examples}


def test_stored_vectors_are_used_only_for_their_encoder_and_texts(tmp_path):
    path = tmp_path / "examples.npz"
    enc = TopicEncoder()
    examples.EncodedExamples(WORKED, enc.encode).save(path, model="topics", examples=WORKED)
    calls: list[int] = []

    def counting(texts: Sequence[str]) -> np.ndarray:
        calls.append(len(texts))
        return enc.encode(texts)

    same = examples.EncodedExamples(WORKED, counting, model="topics", stored=path)
    assert calls == [] and np.allclose(
        same.people, examples.EncodedExamples(WORKED, enc.encode).people
    )
    examples.EncodedExamples(WORKED, counting, model="another encoder", stored=path)
    assert calls == [2, 2]  # encoded: the phrases, then the listings
    edited = ExampleSet(examples=WORKED.examples, listings=("Bereavement café", "Debt advice"))
    examples.EncodedExamples(edited, counting, model="topics", stored=path)
    assert calls == [2, 2, 2, 2]
    path.write_bytes(b"not a vectors file")  # a damaged file is encoded past, never fatal
    examples.EncodedExamples(WORKED, counting, model="topics", stored=path)
    assert calls == [2, 2, 2, 2, 2, 2]


@pytest.mark.slow
def test_the_shipped_vectors_are_what_the_shipped_encoder_gives():
    from linkwell.matching.embedding import get_encoder
    from linkwell.matching.vectors import model_key

    encoder = get_encoder()
    if encoder is None:
        pytest.skip("needs the sentence-embedding model")
    shipped = examples.read_examples()
    stored = examples.EncodedExamples(
        shipped, lambda t: pytest.fail("encoded"), model=model_key(encoder),
        stored=examples.VECTORS_FILE,
    )  # fmt: skip
    fresh = examples.EncodedExamples(shipped, encoder.encode)
    assert np.abs(stored.people - fresh.people).max() < 1e-6
    assert np.abs(stored.listings - fresh.listings).max() < 1e-6
