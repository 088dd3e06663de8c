"""`linkwell outcomes analyse --csv FILE`: paired pre/post analysis of one measure (thin wrapper).

The file is the caller's own data (one row per person), so the figures are printed as computed:
disclosure control applies where Linkwell publishes its own aggregates (linkwell/reports/README.md).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.analysis.stats import AnalysisInputError, paired_analysis
from linkwell.reports.pairs_csv import PairsCsvError, parse_pairs_csv

ANALYSE_HELP = """Paired pre/post analysis of one measure.

FILE has a header row with the columns person_id,baseline,followup (and optionally later, a
third timepoint), one row per person, numeric scores. A row with an empty followup counts as
lost to follow-up. Higher scores are better unless --lower-is-better (e.g. PHQ-9, GAD-7).

Prints JSON: n, n_lost, mean_baseline, mean_followup, mean_change, ci95_low, ci95_high (95% CI of
the mean change, t distribution), t_p (paired t-test), wilcoxon_p (Wilcoxon signed-rank, scipy's
defaults), effect_size_dz (Cohen's d_z), pct_improved, pct_deteriorated, pct_reliably_improved
(with --reliable-change), pct_still_improved (with a later column) and more. p-values and
intervals equal scipy.stats on the same data. Every bad row is reported with its line and
reason, and the command then exits with status 1 without printing results."""


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"--reliable-change must be a number, not {text!r}.") from None
    if not math.isfinite(value) or value <= 0:
        raise CommandError(f"--reliable-change must be a positive number, not {text!r}.")
    return value


class Command(BaseCommand):
    help = "Analyse outcome measures: `linkwell outcomes analyse --csv FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        analyse = sub.add_parser(
            "analyse", help="Paired pre/post analysis from a CSV file.", description=ANALYSE_HELP
        )
        analyse.add_argument(
            "--csv", required=True, metavar="FILE", help="The CSV file ('-': stdin)."
        )
        analyse.add_argument(
            "--lower-is-better", action="store_true", help="Lower scores are better (PHQ-9, GAD-7)."
        )
        analyse.add_argument(
            "--reliable-change",
            metavar="X",
            help="Reliable change threshold in score points (e.g. the measure's RCI).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["csv"]
        reliable = options["reliable_change"]
        threshold = None if reliable is None else _positive_float(reliable)
        try:
            if name == "-":
                import sys

                text = sys.stdin.read()
            else:
                text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {name}: {exc}") from exc
        try:
            observations = parse_pairs_csv(text)
        except PairsCsvError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{name}: {problem}")
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {name}; nothing was analysed."
            ) from exc
        try:
            result = paired_analysis(
                observations, lower_is_better=options["lower_is_better"], reliable_change=threshold
            )
        except AnalysisInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result.as_dict(), indent=2))
