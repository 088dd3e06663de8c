"""`fold`, `BM25.scores_at`, `BM25.scores_among` and `BM25.add_scores`, against their plain
definitions."""

import unicodedata

import numpy as np

from linkwell.text import analysis as text


def _fold_by_character(value: str) -> str:
    value = unicodedata.normalize("NFKD", value.replace("\u2019", "'").replace("\u2018", "'"))
    return "".join(c for c in value if not unicodedata.combining(c)).lower()


def test_fold_removes_accents_and_straightens_apostrophes_as_before():
    for value in (
        "Café",
        "Men\u2019s Shed",
        "ŁÓDŹ \u2018club\u2019",
        "naïve coöperation",
        "\ufb01sh",
        "",
        "plain",
    ):
        assert text.fold(value) == _fold_by_character(value)
    assert text.fold("Café Crème") == "cafe creme"


def test_scores_at_gives_the_full_scores_of_the_documents_asked_for():
    documents = [["walk", "group"], ["walk", "walk", "choir"], ["choir"], [], ["group", "walk"]]
    index = text.BM25(documents)
    query = {"walk": 1.0, "group": 0.5, "absent": 1.0}
    docs = np.array([0, 2, 4])
    np.testing.assert_array_equal(index.scores_at(query, docs), index.scores(query)[docs])


def test_scores_among_gives_the_full_scores_of_the_matching_documents_in_the_mask():
    rng = np.random.default_rng(5)
    words = ["walk", "group", "choir", "garden", "tea", "art"]
    documents = [list(rng.choice(words, size=rng.integers(0, 8))) for _ in range(400)]
    index = text.BM25(documents)
    query = {"walk": 1.0, "group": 0.5, "choir": 2.0, "absent": 1.0}
    among = rng.random(400) < 0.3
    docs, scores = index.scores_among(query, among)
    full = index.scores(query)
    expected = np.flatnonzero(among & (full > 0))
    np.testing.assert_array_equal(docs, expected)
    np.testing.assert_array_equal(scores, full[expected])  # the same floats, not just close
    none, nothing = index.scores_among({"absent": 1.0}, among)
    assert len(none) == 0 and len(nothing) == 0


def test_add_scores_adds_the_full_scores_where_a_term_occurs_and_nowhere_else():
    rng = np.random.default_rng(6)
    words = ["walk", "group", "choir", "garden", "tea", "art"]
    documents = [list(rng.choice(words, size=rng.integers(0, 8))) for _ in range(400)]
    index = text.BM25(documents)
    query = {"walk": 1.0, "group": 0.5, "choir": 2.0, "absent": 1.0}
    into = np.zeros(400)
    found = index.add_scores(query, into)
    full = index.scores(query)
    np.testing.assert_array_equal(np.unique(found), np.flatnonzero(full > 0))
    np.testing.assert_array_equal(into, full)  # the same sums in the same order
    kept = np.full(400, 7.0)
    index.add_scores(query, kept)
    assert np.all(kept[full == 0] == 7.0)
    assert len(index.add_scores({"absent": 1.0}, into)) == 0
