"""Fit the matching engine's ranking weights on the council set's development people and write
`linkwell/matching/ranking_weights.json` (see `linkwell/matching/fitting.py` and
docs/decisions/0008-fitted-ranking.md). Never reads the held-out people.

    python benchmarks/fit_matching.py
    python benchmarks/fit_matching.py --audience-grid   # print the CV table only

`--audience-grid` cross-validates each fitted audience factor (`fitting.AUDIENCE_GRID`) with each
L2 on the same folds and prints the table; it writes nothing (the factor is a constant in
`engine.py`, `FITTED_AUDIENCE_FACTOR`, recorded in the weights file).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from linkwell.matching import fitting

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


if __name__ == "__main__":
    main()
