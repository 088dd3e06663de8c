"""`linkwell match_decisions report [--since DATE]`: how the plan screen's suggestions did against
the link workers' real choices (hit rate@5, MRR, share of connections from the suggestions).

A thin wrapper over `matching.suggestions.decision_report`; every count goes through disclosure
control (`analysis/disclosure.py`: 1-7 shown as "*", others rounded to 5; rates over 1-7
decisions withheld), because the figures leave the system.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
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

    def handle(self, *args: Any, **options: Any) -> None:
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
