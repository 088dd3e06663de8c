"""`linkwell extract evaluation --out DIR`: the pseudonymised extract for evaluators
(linkwell/evidence/extract.py says what is in it and what never is)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.analysis.filters import ReportFilter
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.evidence.extract import evaluation_extract
from linkwell.evidence.management.options import date_option


class Command(BaseCommand):
    help = "Write pseudonymised extracts (keyed-hash ids, age bands, LSOA/IMD; no identifiers)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser(
            "evaluation",
            help="Referrals, contacts, connections and measures as CSVs with a data dictionary.",
        )
        ev.add_argument("--out", required=True, metavar="DIR", help="Directory to write into.")
        ev.add_argument("--since", metavar="DATE", help="Referrals received on or after this date.")
        ev.add_argument(
            "--until", metavar="DATE", help="Referrals received on or before this date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = date_option(options["since"], "--since")
        until = date_option(options["until"], "--until")
        if since and until and since > until:
            raise CommandError(f"--since ({since}) must be on or before --until ({until}).")
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a directory.")
        if out.is_dir() and any(out.iterdir()):
            raise CommandError(f"{out} is not empty: write the extract to a new directory.")
        try:
            with audit_context(channel=Channel.COMMAND):
                summary = evaluation_extract(
                    actor=None, out=out, filters=ReportFilter(start=since, end=until)
                )
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        for name, rows in summary.files.items():
            self.stdout.write(f"{out / name}: {rows} rows")
        self.stdout.write(f"{out / 'data_dictionary.csv'}: what every column means")
