"""`linkwell measures list|score|validate|add|schedule` (thin wrappers over the engine and services).

`score` prints JSON {"instrument", "raw", "score", "band"} (and "items" for measures reported
item by item, e.g. ONS4); bad answers exit non-zero naming the item and the allowed values.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed
from linkwell.outcomes.engine import AnswerError, parse_answer_list, score_answers, score_total
from linkwell.outcomes.registry import UnknownInstrument, all_instruments, get_instrument
from linkwell.outcomes.validate import definition_errors


class Command(BaseCommand):
    help = "Outcome measures: list them, score answers, validate or add a local measure."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List every measure with its version, range and licence.")
        score = sub.add_parser(
            "score",
            help="Score answers and print JSON.",
            description="Answers in item order, comma-separated; leave a missing item empty "
            "(1,,3). Or --total for a total copied from a paper form.",
        )
        score.add_argument("instrument", help="Measure id, e.g. phq9, swemwbs, ons4.")
        group = score.add_mutually_exclusive_group(required=True)
        group.add_argument("--answers", help="e.g. 4,3,5,2,1,3,4")
        group.add_argument("--total", type=float, help="A total from a paper form.")
        score.add_argument("--version", help="Definition version (default: the latest).")
        validate = sub.add_parser("validate", help="Check a measure definition (JSON file).")
        validate.add_argument("file")
        add = sub.add_parser("add", help="Validate a local measure definition and add it.")
        add.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "score":
            self._score(options)
        else:
            self._file(options["file"], add=action == "add")

    def _list(self) -> None:
        for instrument in all_instruments():
            if instrument.method == "value_set":
                scale = (
                    f"index value from {instrument.value_set_name}"
                    if instrument.value_set is not None
                    else "no index (load the value set); each item reported"
                )
            elif instrument.has_total:
                low, high = instrument.range_min, instrument.range_max
                scale = f"{instrument.total_label} {low:g}-{high:g}"
            else:
                scale = "reported item by item"
            text = "" if instrument.has_item_text else " (item text: deployer's licensed copy)"
            local = " [local]" if instrument.local else ""
            self.stdout.write(
                f"{instrument.id:<20} v{instrument.version:<4} {instrument.short_title}: "
                f"{len(instrument.items) or 'one per goal'} items, {scale}{text}{local}"
            )

    def _score(self, options: dict[str, Any]) -> None:
        try:
            instrument = get_instrument(options["instrument"], options["version"])
            if options["answers"] is not None:
                result = score_answers(instrument, parse_answer_list(options["answers"]))
            else:
                result = score_total(instrument, options["total"])
        except UnknownInstrument as exc:
            raise CommandError(str(exc)) from exc
        except AnswerError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))

    def _file(self, name: str, *, add: bool) -> None:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {name}: {exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from exc
        if not add:
            errors = definition_errors(data)
            if errors:
                raise CommandError(f"{name} is not a valid measure:\n" + "\n".join(errors))
            self.stdout.write(
                f"{name}: a valid measure definition ({data['id']} v{data['version']})."
            )
            return
        from linkwell.outcomes.services import local_measure_add

        try:
            with audit_context(channel=Channel.COMMAND):
                measure = local_measure_add(actor=None, definition=data)
        except ValidationFailed as exc:
            lines = [m for messages in exc.errors.values() for m in messages]
            raise CommandError(f"{name} was not added:\n" + "\n".join(lines)) from exc
        self.stdout.write(
            f"Added {measure.instrument_id} v{measure.instrument_version}; "
            "it is now offered on the case page."
        )
