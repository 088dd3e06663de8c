"""Small-number suppression for every count that leaves a population run.

The rules are the project's one set, in `linkwell.analysis.disclosure` (counts of 1-7 shown as
`*`, 0 shown as 0, every other count and the total rounded to the nearest 5, and secondary
suppression so that no hidden cell can be worked out from the published total). This module
only shapes a population summary's one-column tables for it, so that a population summary and a
commissioner report can never disagree on what may be published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from linkwell.analysis.disclosure import SUPPRESSED, round_count, suppress_count, suppress_table

__all__ = ["SUPPRESSED", "Protected", "cell", "protect", "rounded"]


def rounded(value: int) -> int:
    """Round to the nearest 5 (12 -> 10, 13 -> 15)."""
    return round_count(value)


def cell(value: int) -> str:
    return str(suppress_count(value))


@dataclass(frozen=True)
class Protected:
    cells: dict[str, str]
    total: str


def protect(counts: Mapping[str, int]) -> Protected:
    """Protect one table of counts (label -> count); labels keep their order."""
    if any(value < 0 for value in counts.values()):
        raise ValueError("counts cannot be negative")
    labels = list(counts)
    published = suppress_table(
        [{"n": counts[label]} for label in labels], ["n"], total_row=True, total_col=False
    )
    cells = {label: str(row["n"]) for label, row in zip(labels, published, strict=False)}
    return Protected(cells=cells, total=str(published[-1]["n"]))
