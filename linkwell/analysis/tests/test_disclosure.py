"""Disclosure control: small numbers never leave the system, suppressed cells cannot be
recovered from totals, and only an explicit, audited permission shows raw figures."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.analysis.disclosure import (
    SUPPRESSED,
    determined_cells,
    publish_shares,
    suppress_count,
    suppress_paired_result,
    suppress_table,
    suppress_value,
    suppression_pattern,
)


@pytest.mark.parametrize(
    ("raw", "published"),
    [(0, 0), (1, "*"), (5, "*"), (7, "*"), (8, 10), (10, 10), (12, 10), (13, 15), (101, 100)],
)
def test_counts_are_suppressed_or_rounded_to_five(raw: int, published: object) -> None:
    assert suppress_count(raw) == published


def test_means_and_percentages_are_withheld_for_small_groups() -> None:
    assert suppress_value(42.5, 7) == SUPPRESSED
    assert suppress_value(42.5, 8) == 42.5
    assert suppress_value(None, 0) is None


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress_count(-1)
    with pytest.raises(TypeError):
        suppress_count(2.5)  # type: ignore[arg-type]


def test_a_row_with_one_small_cell_loses_its_next_smallest_cell_too() -> None:
    rows = [
        {"practice": "Caxton", "gp": 3, "self": 40, "other": 20},
        {"practice": "Marches", "gp": 50, "self": 60, "other": 70},
    ]
    out = suppress_table(rows, ["gp", "self", "other"], label_key="practice")
    assert out[0]["gp"] == SUPPRESSED
    # Caxton's total (63) is published, so one more Caxton cell must go: the smallest, 20.
    assert out[0]["other"] == SUPPRESSED
    # ...and the gp and other columns each now have one suppressed cell: Marches' go too.
    assert out[1]["gp"] == SUPPRESSED and out[1]["other"] == SUPPRESSED
    assert out[0]["self"] == 40 and out[1]["self"] == 60
    assert out[2] == {"practice": "Total", "gp": 55, "self": 100, "other": 90, "total": 245}


def test_an_empty_table_still_has_a_zero_total_row() -> None:
    assert suppress_table([], ["a"], label_key="k") == [{"k": "Total", "a": 0, "total": 0}]


def test_unsuppressed_output_keeps_raw_figures() -> None:
    out = suppress_table([{"a": 3, "b": 9}], ["a", "b"], unsuppressed=True)
    assert out == [{"a": 3, "b": 9, "total": 12}, {"a": 3, "b": 9, "total": 12}]


def test_shares_are_of_the_true_whole_not_of_the_cells_left_visible() -> None:
    # 16 of 40 people: 40%, although the other 24 are in groups of 6 that are withheld.
    shares = publish_shares([16, 6, 6, 6, 6])
    assert shares[0] == pytest.approx(40.0)
    assert shares[1:] == [SUPPRESSED] * 4


def test_a_share_whose_count_is_withheld_is_withheld_and_never_alone() -> None:
    # 3 of 43 is small; alone it would be 100% minus the others, so the next smallest goes too.
    assert publish_shares([30, 3, 10]) == [pytest.approx(100 * 30 / 43), SUPPRESSED, SUPPRESSED]
    # A count withheld elsewhere (a secondary suppression in the count table) hides its share.
    assert publish_shares([30, 20, 10], withheld=[2]) == [
        pytest.approx(100 * 30 / 60),
        SUPPRESSED,
        SUPPRESSED,
    ]
    assert publish_shares([3, 2]) == [SUPPRESSED, SUPPRESSED]  # a whole of 1-7 people
    assert publish_shares([0, 0]) == [None, None]
    assert publish_shares([3, 9], unsuppressed=True) == [25.0, 75.0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8))
def test_no_withheld_share_follows_from_the_published_ones(counts: list[int]) -> None:
    shares = publish_shares(counts)
    hidden = [i for i, s in enumerate(shares) if s == SUPPRESSED]
    assert len(hidden) != 1 or sum(counts) == counts[hidden[0]]
    for n, share in zip(counts, shares, strict=True):
        assert share in (SUPPRESSED, None) or not 1 <= n <= 7


def test_it_closes_a_bridge_the_line_rule_misses() -> None:
    # Two 2x2 blocks of suppressed cells joined by a single suppressed cell (0, 2): every row
    # and column has two or more suppressed cells, yet (0, 2) follows from the sums.
    suppressed = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    exposed = determined_cells(
        rows=4, cols=4, total_row=True, total_col=True, suppressed=suppressed
    )
    assert (0, 2) in exposed


# --- Property tests -------------------------------------------------------------------------

# Plenty of small counts and zeros, so suppression patterns get complicated.
counts = st.one_of(st.integers(min_value=0, max_value=7), st.integers(min_value=8, max_value=60))
tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=6)
)


def _lines(rows: int, cols: int, total_row: bool, total_col: bool) -> list[list[tuple[int, int]]]:
    lines = []
    if total_col:
        for r in range(rows + (1 if total_row else 0)):
            lines.append([(r, c) for c in range(cols + 1)])
    if total_row:
        for c in range(cols + (1 if total_col else 0)):
            lines.append([(r, c) for r in range(rows + 1)])
    return lines


def _recoverable_by_linear_algebra(
    rows: int, cols: int, total_row: bool, total_col: bool, hidden: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Independent check: a hidden cell is recoverable when every solution of the sums agrees on
    it, i.e. when it is zero in every null-space vector. Null space by plain Gaussian
    elimination over the rationals (written separately from the code under test)."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    eqs = []
    for line in _lines(rows, cols, total_row, total_col):
        *parts, total = line
        row = [Fraction(0)] * len(unknowns)
        for i, cell in enumerate(unknowns):
            if cell in parts:
                row[i] += 1
            if cell == total:
                row[i] -= 1
        eqs.append(row)
    # Row-reduce, then read off a null-space basis.
    m = [r[:] for r in eqs]
    pivots: list[int] = []
    rank = 0
    for col in range(len(unknowns)):
        p = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if p is None:
            continue
        m[rank], m[p] = m[p], m[rank]
        m[rank] = [v / m[rank][col] for v in m[rank]]
        for i in range(len(m)):
            if i != rank and m[i][col] != 0:
                factor = m[i][col]
                m[i] = [a - factor * b for a, b in zip(m[i], m[rank], strict=True)]
        pivots.append(col)
        rank += 1
    free = [c for c in range(len(unknowns)) if c not in pivots]
    null_vectors = []
    for free_col in free:
        v = [Fraction(0)] * len(unknowns)
        v[free_col] = Fraction(1)
        for k, pc in enumerate(pivots):
            v[pc] = -m[k][free_col]
        null_vectors.append(v)
    return {cell for i, cell in enumerate(unknowns) if all(v[i] == 0 for v in null_vectors)}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.booleans(), st.booleans())
def test_no_published_cell_is_a_small_number(
    matrix: list[list[int]], total_row: bool, total_col: bool
) -> None:
    keys = [f"c{i}" for i in range(len(matrix[0]))]
    rows = [dict(zip(keys, row, strict=True)) for row in matrix]
    out = suppress_table(rows, keys, total_row=total_row, total_col=total_col)
    for row in out:
        for key in keys + (["total"] if total_col else []):
            value = row[key]
            assert value == SUPPRESSED or (isinstance(value, int) and value % 5 == 0)
            assert not (isinstance(value, int) and 1 <= value <= 7)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.booleans(), st.booleans())
def test_no_suppressed_cell_can_be_recovered_from_the_totals(
    matrix: list[list[int]], total_row: bool, total_col: bool
) -> None:
    values, hidden = suppression_pattern(matrix, total_row=total_row, total_col=total_col)
    rows, cols = len(matrix), len(matrix[0])
    # Every small count (totals included) is hidden.
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            if 1 <= v <= 7:
                assert (r, c) in hidden
    # Brute force over every row and column that has a total: never exactly one hidden cell.
    for line in _lines(rows, cols, total_row, total_col):
        assert sum(cell in hidden for cell in line) != 1, (line, hidden)
    # And no hidden cell is pinned down by the sums taken together.
    assert not _recoverable_by_linear_algebra(rows, cols, total_row, total_col, hidden)


def test_the_independent_check_finds_a_lone_hidden_cell() -> None:
    # Guard for the property test above: it must be able to fail.
    assert _recoverable_by_linear_algebra(1, 2, False, True, {(0, 0)}) == {(0, 0)}
    assert _recoverable_by_linear_algebra(1, 2, False, True, {(0, 0), (0, 1)}) == set()


def test_exhaustively_for_every_2x2_table_of_small_and_large_counts() -> None:
    for a, b, c, d in product([0, 3, 9, 30], repeat=4):
        values, hidden = suppression_pattern([[a, b], [c, d]])
        assert not _recoverable_by_linear_algebra(2, 2, True, True, hidden)
        assert all(
            (1 <= values[r][k] <= 7) <= ((r, k) in hidden) for r in range(3) for k in range(3)
        )


def test_a_small_outcome_analysis_publishes_no_figures() -> None:
    from linkwell.analysis.stats import Observation, paired_analysis

    small = paired_analysis([Observation(str(i), 10, 10 + i) for i in range(5)])
    published = suppress_paired_result(small)
    assert published["n"] == SUPPRESSED
    assert published["mean_change"] == SUPPRESSED
    assert published["t_p"] == SUPPRESSED
    assert published["pct_improved"] == SUPPRESSED
    large = paired_analysis([Observation(str(i), 10, 10 + i % 3) for i in range(23)])
    published = suppress_paired_result(large)
    assert published["n"] == 25
    assert published["mean_change"] == large.mean_change
    assert published["n_unchanged"] == 10  # 8 unchanged, rounded
    assert published["pct_still_improved"] is None  # no later timepoint: nothing to show


def test_a_percentage_of_a_withheld_count_is_withheld_too() -> None:
    from linkwell.analysis.stats import Observation, paired_analysis

    # 2 of 20 improved (10%): n_improved is withheld, so 10% (2 of a published "20") must be;
    # and with none unchanged, 90% worse would give the 10% back, so that goes too.
    people = [Observation(str(i), 10, 11 if i < 2 else 9) for i in range(20)]
    published = suppress_paired_result(paired_analysis(people))
    assert published["n_improved"] == SUPPRESSED
    assert published["pct_improved"] == SUPPRESSED
    assert published["pct_deteriorated"] == SUPPRESSED
    # 10 improved, 10 worse: both shown.
    people = [Observation(str(i), 10, 11 if i < 10 else 9) for i in range(20)]
    published = suppress_paired_result(paired_analysis(people))
    assert published["pct_improved"] == published["pct_deteriorated"] == pytest.approx(50.0)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 5),
    st.booleans(),
    st.booleans(),
    st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5))),
)
def test_the_exact_check_agrees_with_an_independent_null_space_computation(
    rows: int, cols: int, total_row: bool, total_col: bool, cells: set[tuple[int, int]]
) -> None:
    r_end, c_end = rows + int(total_row), cols + int(total_col)
    hidden = {(r, c) for r, c in cells if r < r_end and c < c_end}
    ours = determined_cells(
        rows=rows, cols=cols, total_row=total_row, total_col=total_col, suppressed=hidden
    )
    assert ours == _recoverable_by_linear_algebra(rows, cols, total_row, total_col, hidden)
