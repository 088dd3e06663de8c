"""Small-number suppression: properties that must hold for any table of counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from linkwell.population.disclosure import SUPPRESSED, protect, rounded

tables = st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 500), max_size=8)


@given(tables)
def test_no_count_from_one_to_seven_is_ever_shown(counts: dict[str, int]) -> None:
    result = protect(counts)
    for label, value in counts.items():
        shown = result.cells[label]
        if 1 <= value <= 7:
            assert shown == SUPPRESSED
        if shown != SUPPRESSED:
            assert int(shown) % 5 == 0 and abs(int(shown) - value) <= 2
            assert not 1 <= int(shown) <= 7
    total = sum(counts.values())
    assert result.total == SUPPRESSED if 1 <= total <= 7 else int(result.total) == rounded(total)


@given(tables)
def test_a_single_hidden_cell_cannot_be_recovered_from_the_total(counts: dict[str, int]) -> None:
    result = protect(counts)
    hidden = [label for label, shown in result.cells.items() if shown == SUPPRESSED]
    if result.total != SUPPRESSED:
        assert len(hidden) != 1


@given(tables)
def test_zeros_stay_zero_and_labels_keep_their_order(counts: dict[str, int]) -> None:
    result = protect(counts)
    assert list(result.cells) == list(counts)
    for label, value in counts.items():
        assert (result.cells[label] == "0") == (value == 0)


def test_worked_example() -> None:
    result = protect({"A": 3, "B": 12, "C": 40, "D": 0})
    assert result.cells == {"A": "*", "B": "*", "C": "40", "D": "0"}
    assert result.total == "55"
