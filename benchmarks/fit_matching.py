"""Fit the matching engine's ranking weights on the council set's development people and write
`linkwell/matching/ranking_weights.json` (see `linkwell/matching/fitting.py` and
docs/decisions/0008-fitted-ranking.md). Never reads the held-out people.

    python benchmarks/fit_matching.py
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

    fitting.main()


if __name__ == "__main__":
    main()
