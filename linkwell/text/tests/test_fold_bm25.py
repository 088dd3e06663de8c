"""`fold` and `BM25.scores_at`, against their plain definitions."""

import unicodedata

import numpy as np

from linkwell.text import analysis as text


def _fold_by_character(value: str) -> str:
    value = unicodedata.normalize("NFKD", value.replace("\u2019", "'").replace("\u2018", "'"))
    return "".join(c for c in value if not unicodedata.combining(c)).lower()


def test_fold_removes_accents_and_straightens_apostrophes_as_before():
    for value in ("Café", "Men’s Shed", "ŁÓDŹ ‘club’", "naïve coöperation", "ﬁsh", "plain", ""):
        assert text.fold(value) == _fold_by_character(value)
    assert text.fold("Café Crème") == "cafe creme"


def test_scores_at_gives_the_full_scores_of_the_documents_asked_for():
    documents = [["walk", "group"], ["walk", "walk", "choir"], ["choir"], [], ["group", "walk"]]
    index = text.BM25(documents)
    query = {"walk": 1.0, "group": 0.5, "absent": 1.0}
    docs = np.array([0, 2, 4])
    np.testing.assert_array_equal(index.scores_at(query, docs), index.scores(query)[docs])
