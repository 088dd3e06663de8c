"""`linkwell evidence imd-import|activity-import|population-import|unit-costs` (thin wrappers
over linkwell/evidence/services.py; README.md describes each file format)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.evidence.costs import defaults_note, unit_costs
from linkwell.evidence.management.options import date_option
from linkwell.evidence.services import (
    ImportRejected,
    activity_import,
    imd_lookup_import,
    population_profile_import,
)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text (CSV) file") from None
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from None


class Command(BaseCommand):
    help = "Load evidence data: the IMD lookup, activity extracts, practice population profiles."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imd = sub.add_parser(
            "imd-import",
            help="Load a postcode -> LSOA -> IMD decile lookup (CSV: postcode,lsoa_code,imd_decile).",
        )
        imd.add_argument("file", help="CSV file ('-' reads standard input).")
        act = sub.add_parser(
            "activity-import",
            help="Import a GP/hospital activity extract (CSV: person,date,kind).",
        )
        act.add_argument("file", help="CSV file ('-' reads standard input).")
        act.add_argument(
            "--from",
            dest="period_start",
            metavar="DATE",
            help="First date the extract covers (default: its first row).",
        )
        act.add_argument(
            "--to",
            dest="period_end",
            metavar="DATE",
            help="Last date it covers (default: its last row).",
        )
        pop = sub.add_parser(
            "population-import",
            help="Load practice population profiles (CSV: practice,dimension,category,count).",
        )
        pop.add_argument("file", help="CSV file ('-' reads standard input).")
        pop.add_argument("--as-of", required=True, metavar="DATE", help="Date the counts are for.")
        sub.add_parser("unit-costs", help="Print the unit costs in use and their sources (JSON).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "unit-costs":
            self.stdout.write(
                json.dumps(
                    {
                        "note": defaults_note(),
                        "costs": {
                            c.kind: {
                                "cost": str(c.cost),
                                "source": c.source,
                                "default": c.is_default,
                            }
                            for c in unit_costs().values()
                        },
                    },
                    indent=2,
                )
            )
            return
        text = _read(options["file"])
        name = Path(options["file"]).name
        try:
            with audit_context(channel=Channel.IMPORT):
                if action == "imd-import":
                    n = imd_lookup_import(actor=None, text=text, filename=name)
                    self.stdout.write(f"Loaded {n} postcodes into the IMD lookup.")
                elif action == "activity-import":
                    batch = activity_import(
                        actor=None,
                        text=text,
                        filename=name,
                        period_start=date_option(options["period_start"], "--from"),
                        period_end=date_option(options["period_end"], "--to"),
                    )
                    self.stdout.write(
                        f"Imported {batch.rows} activity rows covering "
                        f"{batch.period_start} to {batch.period_end}."
                    )
                else:
                    as_of = date_option(options["as_of"], "--as-of")
                    assert as_of is not None
                    n = population_profile_import(actor=None, text=text, as_of=as_of, filename=name)
                    self.stdout.write(f"Loaded {n} practice population counts.")
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"{name}: {error}")
            raise CommandError(
                f"{name}: {len(exc.errors)} row(s) rejected; nothing was imported."
            ) from None
