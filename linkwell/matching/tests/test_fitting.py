"""Fitting the ranking weights: each weight keeps the sign its feature's meaning gives it, and
the fit still orders what the examples order."""

from __future__ import annotations

import numpy as np

from linkwell.matching import fitting
from linkwell.matching.features import FEATURES


def _examples(rows: list[dict[str, float]], grades: list[float]) -> list[fitting.Example]:
    matrix = np.array([[row.get(name, 0.0) for name in FEATURES] for row in rows])
    ids = [f"s{k}" for k in range(len(rows))]
    return [fitting.Example("p", ids, matrix, np.array(grades))]


def test_every_feature_has_a_sign():
    assert set(fitting.SIGNS) == set(FEATURES)
    assert set(fitting.SIGNS.values()) == {1, -1}


def test_an_assured_provider_never_counts_against_a_listing():
    # In these examples the better listings happen to be unassured: a free fit learns that
    # quality assurance lowers a listing; the fit keeps it at zero and orders by relevance.
    rows = [
        {"semantic": 0.9, "quality": 0.0},
        {"semantic": 0.6, "quality": 0.0},
        {"semantic": 0.3, "quality": 1.0},
        {"semantic": 0.1, "quality": 1.0},
    ]
    ranker = fitting.fit(_examples(rows, [3, 2, 1, 0]), l2=0.001)
    assert ranker.weights["quality"] == 0.0
    assert ranker.weights["semantic"] > 0.5


def test_being_for_someone_else_never_counts_for_a_listing():
    rows = [
        {"lexical": 0.8, "not_for_person": 1.0},
        {"lexical": 0.5, "not_for_person": 1.0},
        {"lexical": 0.2, "not_for_person": 0.0},
    ]
    ranker = fitting.fit(_examples(rows, [3, 2, 0]), l2=0.001)
    assert ranker.weights["not_for_person"] == 0.0
    assert ranker.weights["lexical"] > 0.5


def test_a_penalty_the_examples_support_is_learnt():
    rows = [
        {"semantic": 0.5, "audience": 0.0},
        {"semantic": 0.5, "audience": 1.0},
        {"semantic": 0.4, "audience": 0.0},
        {"semantic": 0.4, "audience": 1.0},
    ]
    ranker = fitting.fit(_examples(rows, [3, 0, 2, 0]), l2=0.001)
    assert ranker.weights["audience"] < -0.5
    scores = _examples(rows, [3, 0, 2, 0])[0].rows @ ranker.vector()
    assert list(np.argsort(-scores)[:2]) == [0, 2]


def test_nothing_ordered_gives_zero_weights():
    ranker = fitting.fit(_examples([{"semantic": 0.5}, {"semantic": 0.1}], [1, 1]), l2=0.01)
    assert set(ranker.weights.values()) == {0.0}
