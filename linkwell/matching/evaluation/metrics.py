"""Ranking metrics over graded judgments (grades 0-3; a missing judgment is 0).

- nDCG@k with exponential gain ``2**grade - 1`` and ``log2(rank + 1)`` discount, normalised by the
  best possible ordering of all the person's judgments;
- precision@k: the share of the k slots holding a service graded >= 2 (empty slots count as misses);
- recall@k: the share of the person's services graded >= 2 found in the top k.

People with no service graded 1 or more have an ideal DCG of 0: their nDCG is undefined, so
`judged_people` leaves them out of every mean (and the benchmark says how many were left out).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")

RELEVANT = 2


def has_relevant(judgments: Mapping[str, int]) -> bool:
    """Whether any service is graded 1 or more (the ideal DCG is above 0)."""
    return any(grade >= 1 for grade in judgments.values())


def judged_people(
    people: Sequence[T], judgments: Mapping[str, Mapping[str, int]], key: Callable[[T], str]
) -> tuple[list[T], int]:
    """(the people with a relevant service, how many were left out)."""
    kept = [p for p in people if has_relevant(judgments.get(key(p), {}))]
    return kept, len(people) - len(kept)


def dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int) -> float:
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(sid, 0) for sid in ranked[:k]]) / ideal


def precision_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int) -> float:
    return sum(1 for sid in ranked[:k] if judgments.get(sid, 0) >= RELEVANT) / k


def recall_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int) -> float:
    relevant = {sid for sid, grade in judgments.items() if grade >= RELEVANT}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)
