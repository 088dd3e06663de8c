"""Fit the matching engine's ranking weights on the council set's development people and write
`linkwell/matching/ranking_weights.json` (see `linkwell/matching/fitting.py` and
docs/decisions/0008-fitted-ranking.md). Never reads the held-out people.

    python benchmarks/fit_matching.py
    python benchmarks/fit_matching.py --audience-grid   # print the CV table only
    python benchmarks/fit_matching.py --by-group   # each development group left out in turn
    python benchmarks/fit_matching.py --learning-curve   # the same, learning from 1, 2 or 3 groups

`--audience-grid` cross-validates each fitted audience factor (`fitting.AUDIENCE_GRID`) with each
L2 on the same folds and prints the table; it writes nothing (the factor is a constant in
`engine.py`, `FITTED_AUDIENCE_FACTOR`, recorded in the weights file).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linkwell.matching.evaluation import EvaluationSet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from linkwell.matching import fitting

    if "--by-group" in sys.argv[1:]:
        by_group()
        return
    if "--learning-curve" in sys.argv[1:]:
        learning_curve()
        return
    if "--audience-grid" in sys.argv[1:]:
        from linkwell.matching.engine import Matcher
        from linkwell.matching.evaluation.council import load_council_set

        dev = load_council_set("development")
        matcher = Matcher(dev.services, ranker=None)
        table = fitting.cross_validate_audience(matcher, dev.people, dev.judgments, at=dev.at)
        print("factor | " + " | ".join(f"L2 {l2}" for l2 in fitting.L2_GRID) + " | mean")
        for factor in fitting.AUDIENCE_GRID:
            row = [table[(factor, l2)] for l2 in fitting.L2_GRID]
            cells = " | ".join(f"{v:.3f}" for v in row)
            print(f"{factor} | {cells} | {sum(row) / len(row):.3f}")
        return
    fitting.main()


L2 = 0.001  # the regularisation the shipped weights were chosen with (ranking_weights.json)


def _left_out_scores(
    left_out: EvaluationSet, learnt_from: list[EvaluationSet]
) -> tuple[float, float]:
    """The whole engine's nDCG@5 on the council part `left_out`, with weights fitted on (and,
    for the second figure, worked examples made from) the parts `learnt_from` only: (without
    worked examples, with them)."""
    from types import SimpleNamespace

    from linkwell.matching import fitting
    from linkwell.matching.engine import Matcher

    people = [p for part in learnt_from for p in part.people]
    judgments = {pid: grades for part in learnt_from for pid, grades in part.judgments.items()}
    scores = []
    for use in (False, True):
        worked = (
            fitting.development_examples(
                SimpleNamespace(services=left_out.services, people=people, judgments=judgments)
            )
            if use
            else None
        )
        matcher = Matcher(left_out.services, ranker=None, worked_examples=worked)
        ranker = fitting.fit(fitting.collect(matcher, people, judgments, at=left_out.at), l2=L2)
        scores.append(
            fitting.mean_ndcg(matcher, ranker, left_out.people, left_out.judgments, at=left_out.at)
        )
    return scores[0], scores[1]


def by_group() -> None:
    """Each development group out in turn: worked examples made from, and weights fitted on,
    the other groups only, then the whole engine's nDCG@5 on the group left out — with and
    without the examples. The nearest thing to people never seen that the development part
    allows (readings were written from every group; nothing here reads the held-out part)."""
    from linkwell.matching.evaluation.council import DEVELOPMENT_PARTS, load_council_set

    groups = {part: load_council_set(part) for part in DEVELOPMENT_PARTS}
    print("group left out | without examples | with examples")
    for test, left_out in groups.items():
        without, with_examples = _left_out_scores(
            left_out, [s for k, s in groups.items() if k != test]
        )
        print(f"{test} | {without:.3f} | {with_examples:.3f}", flush=True)


def learning_curve() -> None:
    """How much the learnt parts gain from more graded people: each development group left out
    in turn, worked examples made from and weights fitted on every choice of 1, 2 or 3 of the
    other groups (36, 72 or 108 graded people), then the whole engine's nDCG@5 on the group left
    out, with and without the examples. One line a fit, then the mean for each number of groups."""
    import itertools
    import time

    from linkwell.matching.evaluation.council import DEVELOPMENT_PARTS, load_council_set

    groups = {part: load_council_set(part) for part in DEVELOPMENT_PARTS}
    results: dict[int, list[tuple[float, float]]] = {}
    print("group left out | learnt from | without examples | with examples | seconds")
    for test, left_out in groups.items():
        others = [k for k in groups if k != test]
        for size in range(1, len(others) + 1):
            for chosen in itertools.combinations(others, size):
                started = time.monotonic()
                row = _left_out_scores(left_out, [groups[k] for k in chosen])
                results.setdefault(size, []).append(row)
                print(
                    f"{test} | {'+'.join(chosen)} | {row[0]:.3f} | {row[1]:.3f} | "
                    f"{time.monotonic() - started:.0f}",
                    flush=True,
                )
    print("groups learnt from (people) | mean without examples | mean with examples | fits")
    for size, rows in sorted(results.items()):
        without = sum(r[0] for r in rows) / len(rows)
        with_examples = sum(r[1] for r in rows) / len(rows)
        print(f"{size} ({size * 36}) | {without:.3f} | {with_examples:.3f} | {len(rows)}")


if __name__ == "__main__":
    main()
