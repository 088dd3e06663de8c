"""`linkwell match_decisions report [--since DATE]`: how the plan screen's suggestions did against
the link workers' real choices (hit rate@5, MRR, nDCG@5 of what was chosen, share of connections
from the suggestions).

`linkwell match_decisions refit --out FILE`: opt-in refit of the ranking weights from this
deployment's own decisions (`matching/refit.py`): fitted on the older runs, compared with the
weights in use on the latest 30%, and written to FILE only when better. Point the
`LINKWELL_MATCHING_WEIGHTS` setting at FILE to use it.

A thin wrapper over `matching.suggestions.decision_report`; every count goes through disclosure
control (`analysis/disclosure.py`: 1-7 shown as "*", others rounded to 5; rates over 1-7
decisions withheld), because the figures leave the system.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.matching.suggestions import decision_report


class Command(BaseCommand):
    help = "Evaluate the plan screen's suggestions against the link workers' decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rep = sub.add_parser(
            "report",
            help="Hit rate@5, MRR of chosen services, share of connections from suggestions.",
        )
        rep.add_argument("--since", metavar="DATE", help="Only decisions on or after YYYY-MM-DD.")
        rep.add_argument("--json", action="store_true", help="Print JSON instead of text.")
        fit = sub.add_parser(
            "refit",
            help="Refit the ranking weights from recorded decisions; write FILE only if better.",
        )
        fit.add_argument("--out", required=True, metavar="FILE", help="Where to write the weights.")
        fit.add_argument(
            "--min-runs",
            type=int,
            default=None,
            help="Suggestion lists with a choice needed before refitting (default 20).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "refit":
            self._refit(options)
            return
        since = None
        if options.get("since"):
            try:
                since = dt.date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(
                    f"--since {options['since']!r}: not a date; write it like 2026-03-14"
                ) from exc
        report = decision_report(since=since)
        if options.get("json"):
            data = asdict(report)
            data["since"] = since.isoformat() if since else None
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write("\n".join(report.lines()))

    def _refit(self, options: dict[str, Any]) -> None:
        from linkwell.matching import refit
        from linkwell.matching.directory import matcher_from_db

        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
        matcher = matcher_from_db()
        min_runs = options.get("min_runs")
        try:
            result = refit.refit(
                matcher,
                out,
                current=matcher.ranker,
                min_runs=refit.MIN_RUNS if min_runs is None else min_runs,
            )
        except refit.RefitError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Runs with a choice: {result.runs} ({result.train} to fit, {result.held_out} held "
            f"out, the latest)\nnDCG@5 on the held-out runs: current weights "
            f"{result.current_ndcg:.3f}, refitted {result.new_ndcg:.3f} (l2 {result.l2})\n"
            + (
                f"Written to {out}: set LINKWELL_MATCHING_WEIGHTS={out} to use it."
                if result.written
                else "Not written: the refitted weights are no better on the held-out runs."
            )
        )
