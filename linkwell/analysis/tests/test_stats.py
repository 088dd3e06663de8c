"""Paired pre/post analysis: equal to scipy on generated data, and the definitions hold."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from linkwell.analysis.stats import AnalysisInputError, Observation, paired_analysis

CLOSE = {"rel_tol": 1e-9, "abs_tol": 1e-12}

# Scores like real measures: small integers (lots of ties and zero changes) or decimals.
int_scores = st.integers(min_value=0, max_value=35)
float_scores = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


def _obs(pairs: Sequence[tuple[float, float]]) -> list[Observation]:
    return [
        Observation(person_id=f"p{i}", baseline=b, followup=f) for i, (b, f) in enumerate(pairs)
    ]


def _scipy(pairs: Sequence[tuple[float, float]]) -> tuple[Any, Any, float]:
    before = np.array([b for b, _ in pairs], dtype=float)
    after = np.array([f for _, f in pairs], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = sps.ttest_rel(after, before)
        w = sps.wilcoxon(after - before)
    return t, w, float(sps.t.ppf(0.975, len(pairs) - 1))


def _same(ours: float | None, theirs: float) -> bool:
    if ours is None:
        return math.isnan(theirs)
    return math.isclose(ours, theirs, **CLOSE)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(int_scores, int_scores), min_size=2, max_size=60))
def test_integer_scores_with_ties_and_zero_changes_equal_scipy(
    pairs: list[tuple[int, int]],
) -> None:
    result = paired_analysis(_obs(pairs))
    t, w, crit = _scipy(pairs)
    assert _same(result.t_p, t.pvalue)
    assert math.isclose(result.wilcoxon_p, float(w.pvalue), **CLOSE)  # type: ignore[arg-type]
    diffs = np.array([f - b for b, f in pairs], dtype=float)
    assert math.isclose(result.mean_change, float(np.mean(diffs)), **CLOSE)  # type: ignore[arg-type]
    if result.t_p is not None:
        half = crit * float(np.std(diffs, ddof=1)) / math.sqrt(len(pairs))
        ci = t.confidence_interval()
        assert math.isclose(result.ci95_low, float(np.mean(diffs)) - half, **CLOSE)  # type: ignore[arg-type]
        assert math.isclose(result.ci95_low, float(ci.low), **CLOSE)  # type: ignore[arg-type]
        assert math.isclose(result.ci95_high, float(ci.high), **CLOSE)  # type: ignore[arg-type]


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(float_scores, float_scores), min_size=2, max_size=80))
def test_decimal_scores_equal_scipy(pairs: list[tuple[float, float]]) -> None:
    result = paired_analysis(_obs(pairs))
    t, w, _ = _scipy(pairs)
    assert _same(result.t_p, t.pvalue)
    assert _same(result.wilcoxon_p, w.pvalue)
    assert math.isclose(result.mean_baseline, float(np.mean([b for b, _ in pairs])), **CLOSE)  # type: ignore[arg-type]
    assert math.isclose(result.mean_followup, float(np.mean([f for _, f in pairs])), **CLOSE)  # type: ignore[arg-type]


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(int_scores, int_scores), min_size=1, max_size=40),
    st.booleans(),
    st.integers(min_value=1, max_value=10),
)
def test_percentages_count_the_right_direction(
    pairs: list[tuple[int, int]], lower: bool, rc: int
) -> None:
    result = paired_analysis(_obs(pairs), lower_is_better=lower, reliable_change=rc)
    gains = [(f - b) * (-1 if lower else 1) for b, f in pairs]
    n = len(pairs)
    assert result.pct_improved == pytest.approx(100 * sum(g > 0 for g in gains) / n)
    assert result.pct_deteriorated == pytest.approx(100 * sum(g < 0 for g in gains) / n)
    assert result.pct_reliably_improved == pytest.approx(100 * sum(g >= rc for g in gains) / n)
    assert result.n_improved + result.n_deteriorated + result.n_unchanged == n


def test_it_reports_a_worked_example() -> None:
    # SWEMWBS-like: six people improve, one worsens, one unchanged, two lost to follow-up.
    obs = _obs([(18, 22), (20, 25), (15, 15), (22, 21), (17, 23), (19, 24), (21, 26), (16, 20)])
    obs += [Observation("lost1", 20), Observation("lost2", 14)]
    result = paired_analysis(obs, reliable_change=3)
    assert result.n == 8
    assert result.n_lost == 2
    assert result.mean_baseline == pytest.approx(18.5)
    assert result.mean_followup == pytest.approx(22.0)
    assert result.mean_change == pytest.approx(3.5)
    assert result.pct_improved == pytest.approx(75.0)
    assert result.pct_deteriorated == pytest.approx(12.5)
    assert result.pct_reliably_improved == pytest.approx(75.0)  # +4,+5,+6,+5,+5,+4
    assert result.effect_size_dz == pytest.approx(3.5 / np.std([4, 5, 0, -1, 6, 5, 5, 4], ddof=1))
    assert result.ci95_low is not None and result.ci95_low < 3.5 < result.ci95_high  # type: ignore[operator]


def test_lower_is_better_turns_a_fall_into_an_improvement() -> None:
    # PHQ-9: lower is better.
    result = paired_analysis(_obs([(15, 9), (12, 10), (10, 14)]), lower_is_better=True)
    assert result.n_improved == 2
    assert result.n_deteriorated == 1
    assert result.mean_change == pytest.approx(-4 / 3)


def test_it_says_when_every_difference_is_zero_instead_of_crashing() -> None:
    result = paired_analysis(_obs([(10, 10), (12, 12), (9, 9)]))
    assert result.wilcoxon_p == 1.0  # what scipy returns
    assert "all differences are zero" in result.wilcoxon_note
    assert result.t_p is None
    assert result.ci95_low is None
    assert result.pct_improved == 0.0
    assert any("t-test is undefined" in note for note in result.notes)


def test_a_constant_nonzero_change_gives_scipys_p_of_zero() -> None:
    result = paired_analysis(_obs([(10, 12), (12, 14), (9, 11)]))
    assert result.t_p == 0.0
    assert result.ci95_low == result.ci95_high == pytest.approx(2.0)


def test_improvers_still_improved_at_the_next_timepoint() -> None:
    obs = [
        Observation("a", 10, 15, later=14),  # improver, still improved
        Observation("b", 10, 15, later=9),  # improver, fell back
        Observation("c", 10, 15),  # improver, no later score: not in the denominator
        Observation("d", 10, 8, later=20),  # not an improver
        Observation("e", 10, 12, later=11),  # improver, still improved
    ]
    result = paired_analysis(obs)
    assert result.n_improved_with_later == 3
    assert result.n_still_improved == 2
    assert result.pct_still_improved == pytest.approx(200 / 3)


def test_no_pairs_and_one_pair_give_empty_figures() -> None:
    empty = paired_analysis([Observation("a", 10)])
    assert empty.n == 0 and empty.n_lost == 1
    assert empty.mean_change is None and empty.pct_improved is None and empty.wilcoxon_p is None
    one = paired_analysis(_obs([(10, 13)]))
    assert one.n == 1 and one.t_p is None and one.effect_size_dz is None
    assert one.mean_change == 3.0


def test_it_rejects_non_finite_scores_and_a_bad_threshold() -> None:
    with pytest.raises(AnalysisInputError, match="followup for 'x'"):
        paired_analysis([Observation("x", 1.0, float("nan"))])
    with pytest.raises(AnalysisInputError, match="positive"):
        paired_analysis(_obs([(1, 2)]), reliable_change=0)
