"""Fitting the few weights of the engine's last step (`features.Ranker`) from graded examples.

The model is a pairwise logistic regression (RankNet with a linear scorer): for two pool
members of the same person where one is graded higher, the probability that the scorer orders
them right is sigmoid(w . (x_better - x_worse)); the loss is the log-loss of those pairs, each
pair weighted by the gain difference 2**g_better - 2**g_worse (so getting a 3 above a 0 matters
more than a 1 above a 0), plus an L2 penalty `l2 * |w|^2` (no penalty on nothing else: the
scorer has no bias, a bias does not change an order).

Each weight keeps the sign its feature's meaning gives it (`SIGNS`): relevance, nearness, a
fitting time, freshness, quality assurance and affordability never count against a listing;
being for someone else, silence on an access need, being full or busy, being training or
fundraising, and being a group the person refuses never count for it. A free fit on a few
dozen people turns some of these round where the examples happen to pair them with something
else (a lapsed provider outranking an assured one); the bounds keep the fit to what the
feature means. Solved by L-BFGS-B (SciPy) with those bounds: a couple of dozen features and a
few thousand pairs. The fitted ranker carries the spread of the log-scores it gives on the
pools it was fitted on (`spread`), in which the engine counts its diversity discount and
factors (`engine._exponent`).

`cross_validate` picks `l2` by the mean nDCG@5 of the **whole engine** (diversity included) on
held-back folds of people: each fold's people are ranked by a Matcher whose weights were fitted
on the other folds only. The chosen `l2` is then refitted on every person given. Used offline
on all the council set's development people — the development part and the three groups written
later, folds dealt across all of them (`python benchmarks/fit_matching.py`, which writes
`ranking_weights.json`) — and by `linkwell match_decisions refit` on a deployment's own
decisions.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from linkwell.matching.evaluation.metrics import ndcg_at_k
from linkwell.matching.examples import (
    EXAMPLES_FILE,
    VECTORS_FILE,
    EncodedExamples,
    ExampleSet,
    build_examples,
)
from linkwell.matching.features import FEATURES, Ranker
from linkwell.matching.profile import Profile

FloatArray = npt.NDArray[np.float64]
L2_GRID = (0.001, 0.003, 0.01, 0.03)
FOLDS = 6
# The fitted score's audience factors tried with each L2 (`engine.FITTED_AUDIENCE_FACTOR`; 1:
# none beyond the fitted "audience" weight).
AUDIENCE_GRID = (1.0, 0.8, 0.6, 0.4, 0.25)


@dataclass(frozen=True)
class Example:
    """One person's pool: service ids, their feature rows and grades (missing = 0)."""

    person: str
    ids: list[str]
    rows: FloatArray
    grades: FloatArray


def collect(
    matcher: object,
    people: Sequence[Profile],
    judgments: Mapping[str, Mapping[str, int]],
    *,
    at: dt.datetime | None,
) -> list[Example]:
    out = []
    for person in people:
        ids, rows = matcher.pool_features(person, at=at)  # type: ignore[attr-defined]
        graded = judgments.get(person.id, {})
        out.append(Example(person.id, ids, rows, np.array([float(graded.get(s, 0)) for s in ids])))
    return out


def _pairs(examples: Sequence[Example]) -> tuple[FloatArray, FloatArray]:
    diffs, weights = [], []
    for ex in examples:
        g = ex.grades
        better = g[:, None] > g[None, :]
        a, b = np.nonzero(better)
        if len(a):
            diffs.append(ex.rows[a] - ex.rows[b])
            weights.append(2.0 ** g[a] - 2.0 ** g[b])
    if not diffs:
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    return np.vstack(diffs), np.concatenate(weights)


# The sign each weight may take: +1 never below zero, -1 never above (module docstring).
SIGNS: dict[str, int] = {
    **dict.fromkeys(
        (
            "hand", "best", "others", "need", "interest", "condition", "what_matters",
            "caring", "lexical", "synonyms", "semantic", "taxonomy", "needs_first_need",
            "distance", "schedule", "freshness", "quality", "cost", "examples",
        ),
        1,
    ),
    **dict.fromkeys(
        (
            "needs_first_other", "audience", "access_unknown", "full", "busy",
            "not_for_person", "group_refused",
        ),
        -1,
    ),
}  # fmt: skip


def fit(examples: Sequence[Example], *, l2: float = 0.1) -> Ranker:
    """The pairwise logistic weights, each within its sign (module docstring); all zero when
    no pair is ordered."""
    x, w = _pairs(examples)
    k = len(FEATURES)
    if not len(x):
        return Ranker(weights=dict.fromkeys(FEATURES, 0.0))
    w = w / w.sum() * len(w)  # mean weight 1: `l2` means the same whatever the pair count
    n = len(x)

    def loss(beta: FloatArray) -> tuple[float, FloatArray]:
        z = x @ beta
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        value = float(np.sum(w * np.logaddexp(0.0, -z)) / n + l2 * beta @ beta)
        return value, -(x.T @ (w * (1 - p))) / n + 2 * l2 * beta

    bounds = [(0.0, None) if SIGNS[name] > 0 else (None, 0.0) for name in FEATURES]
    result = minimize(
        loss, np.zeros(k), jac=True, method="L-BFGS-B", bounds=bounds,
        options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10},
    )  # fmt: skip
    beta = np.asarray(result.x, dtype=np.float64)
    return Ranker(
        weights={name: float(v) for name, v in zip(FEATURES, beta, strict=True)},
        spread=spread(examples, beta),
    )


def spread(examples: Sequence[Example], beta: FloatArray) -> float | None:
    """The scale of the log-scores `beta` gives (`Ranker.spread`): the standard deviation of
    rows @ beta within each person's pool, averaged over the people with two or more pool
    members; None when there is no such person or every score is equal."""
    values = [float(np.std(ex.rows @ beta)) for ex in examples if len(ex.rows) >= 2]
    value = statistics.fmean(values) if values else 0.0
    return value if value > 0 else None


def mean_ndcg(
    matcher: object,
    ranker: Ranker | None,
    people: Sequence[Profile],
    judgments: Mapping[str, Mapping[str, int]],
    *,
    at: dt.datetime | None,
    k: int = 5,
) -> float:
    """Mean nDCG@k of the engine with `ranker` over the people who have a relevant service
    (grade >= 1); NaN when none has."""
    previous = matcher.ranker  # type: ignore[attr-defined]
    matcher.ranker = ranker  # type: ignore[attr-defined]
    try:
        values = []
        for person in people:
            graded = judgments.get(person.id, {})
            if not any(g >= 1 for g in graded.values()):
                continue
            ranked = [s.service_id for s in matcher.rank(person, top=10, at=at)]  # type: ignore[attr-defined]
            values.append(ndcg_at_k(ranked, graded, k))
    finally:
        matcher.ranker = previous  # type: ignore[attr-defined]
    return statistics.fmean(values) if values else float("nan")


def folds(ids: Sequence[str], n: int = FOLDS) -> list[list[str]]:
    """Deterministic folds of people: sorted ids dealt round-robin."""
    ordered = sorted(ids)
    return [ordered[f::n] for f in range(min(n, len(ordered)))]


def cross_validate(
    matcher: object,
    people: Sequence[Profile],
    judgments: Mapping[str, Mapping[str, int]],
    *,
    at: dt.datetime | None,
    grid: Sequence[float] = L2_GRID,
    n_folds: int = FOLDS,
    examples: Sequence[Example] | None = None,
) -> dict[float, float]:
    """l2 -> mean over held-back people of the engine's nDCG@5 with weights fitted without them
    (people weighted equally across folds). `examples`: the people's pools, when the caller has
    collected them already."""
    if examples is None:
        examples = collect(matcher, people, judgments, at=at)
    own = {e.person: e for e in examples}
    by_id = {p.id: p for p in people}
    result = {}
    for l2 in grid:
        scores: list[float] = []
        for fold in folds([p.id for p in people], n_folds):
            train = [own[pid] for pid in own if pid not in fold]
            ranker = fit(train, l2=l2)
            for pid in fold:
                value = mean_ndcg(matcher, ranker, [by_id[pid]], judgments, at=at)
                if not np.isnan(value):
                    scores.append(value)
        result[l2] = statistics.fmean(scores) if scores else float("nan")
    return result


def cross_validate_audience(
    matcher: object,
    people: Sequence[Profile],
    judgments: Mapping[str, Mapping[str, int]],
    *,
    at: dt.datetime | None,
    factors: Sequence[float] = AUDIENCE_GRID,
    grid: Sequence[float] = L2_GRID,
) -> dict[tuple[float, float], float]:
    """(audience factor, l2) -> `cross_validate`'s figure with the Matcher's fitted audience
    factor set to it (the same folds; the factor acts after the fitted score, so the pools and
    their features are the same for every factor and are collected once)."""
    examples = collect(matcher, people, judgments, at=at)
    previous = matcher.audience_factor  # type: ignore[attr-defined]
    result = {}
    try:
        for factor in factors:
            matcher.audience_factor = factor  # type: ignore[attr-defined]
            table = cross_validate(matcher, people, judgments, at=at, grid=grid, examples=examples)
            for l2, value in table.items():
                result[(factor, l2)] = value
    finally:
        matcher.audience_factor = previous  # type: ignore[attr-defined]
    return result


def development_examples(dev: object) -> ExampleSet:
    """The worked examples made from the council set's development people (`examples.py`):
    their needs phrases as the engine reads them, and the listings graded to suit them."""
    from linkwell.matching.engine import Matcher

    matcher = Matcher(dev.services, encoder=None, ranker=None, worked_examples=None)  # type: ignore[attr-defined]
    return build_examples(
        [(p.id, matcher.needs_phrases(p)) for p in dev.people],  # type: ignore[attr-defined]
        dev.judgments,  # type: ignore[attr-defined]
        {s.id: s.text for s in dev.services},  # type: ignore[attr-defined]
    )


def write_examples(dev: object) -> ExampleSet:
    """Write the shipped worked examples and their vectors through the default encoder."""
    from linkwell.matching.embedding import get_encoder
    from linkwell.matching.vectors import model_key

    worked = development_examples(dev)
    EXAMPLES_FILE.write_text(
        worked.to_json(
            about=(
                "Worked examples: the council evaluation set's development people (their needs "
                "as the matching engine reads them) and the listings graded to suit them. "
                "Written by benchmarks/fit_matching.py; see linkwell/matching/examples.py."
            )
        ),
        encoding="utf-8",
    )
    encoder = get_encoder()
    if encoder is not None:
        EncodedExamples(
            worked, lambda texts: np.asarray(encoder.encode(texts), dtype=np.float32)
        ).save(VECTORS_FILE, model=model_key(encoder), examples=worked)
    return worked


def main() -> None:  # pragma: no cover - run by hand; writes the shipped weights
    """Refit the shipped weights and worked examples: run as `python benchmarks/fit_matching.py`,
    which sets Django up first (this module's imports need it, so it is not a script itself)."""
    import json

    from linkwell.matching.engine import FITTED_AUDIENCE_FACTOR, SEMANTIC_SHARE, Matcher
    from linkwell.matching.evaluation.council import load_development_people
    from linkwell.matching.features import WEIGHTS_FILE

    dev = load_development_people()
    worked = write_examples(dev)
    print(f"worked examples: {len(worked.examples)} people, {len(worked.listings)} listings")
    matcher = Matcher(dev.services, ranker=None, worked_examples=worked)
    own = collect(matcher, dev.people, dev.judgments, at=dev.at)
    cv = cross_validate(matcher, dev.people, dev.judgments, at=dev.at, examples=own)
    for l2, value in cv.items():
        print(f"l2={l2:<5} CV nDCG@5 {value:.3f}")
    best = max(cv, key=lambda l2: (cv[l2], l2))
    ranker = fit(own, l2=best)
    fitted = mean_ndcg(matcher, ranker, dev.people, dev.judgments, at=dev.at)
    hand = mean_ndcg(matcher, None, dev.people, dev.judgments, at=dev.at)
    print(
        f"chosen l2={best}; development nDCG@5 fitted {fitted:.3f} (in-sample), hand {hand:.3f}; "
        f"spread of the fitted log-scores {ranker.spread or 0:.3f}"
    )
    WEIGHTS_FILE.write_text(
        ranker.to_json(
            fitted_on=(
                f"council evaluation set, all {len(dev.people)} development people "
                "(the development part and the three later groups)"
            ),
            l2=best,
            semantic_share=SEMANTIC_SHARE,
            audience_factor=FITTED_AUDIENCE_FACTOR,
            cv_ndcg5={str(k): round(v, 4) for k, v in cv.items()},
        ),
        encoding="utf-8",
    )
    print(json.dumps(dict(ranker.weights), indent=1))
