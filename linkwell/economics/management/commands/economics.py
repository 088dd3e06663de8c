"""`linkwell economics list|run`: the economic models on the command line (thin wrapper).

`run MODEL --set name=value ... --format json` prints {"model", "inputs", "outputs"}. Inputs that
Linkwell can fill from its records (e.g. cost-per-outcome's people_with_outcome) use them,
disclosure-controlled, unless set on the command line.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from linkwell.economics.definitions import load_models
from linkwell.economics.engine import (
    ModelInputError,
    UnknownModelError,
    get_model,
    plain_number,
    run_as_json,
    run_model,
)
from linkwell.economics.selectors import data_values, model_data
from linkwell.timebank.selectors.economics import hours_given

LEDGER_INPUT = "hours_given"

RUN_HELP = """Run an economic model with its default inputs, changing any with --set.

Example: linkwell economics run falls-prevention --set reduction_pct=15 --format json
`linkwell economics list` shows the models; `--format text` also lists each input with its unit
and source."""


class Command(BaseCommand):
    help = "Economic models: `linkwell economics list`, `linkwell economics run MODEL`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="List the models.")
        lst.add_argument("--format", choices=["text", "json"], default="text")
        run = sub.add_parser("run", help="Run a model.", description=RUN_HELP)
        run.add_argument("model", help="The model's id, e.g. diabetes-prevention.")
        run.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Change an input (repeat for several).",
        )
        run.add_argument("--format", choices=["json", "text"], default="json")
        run.add_argument(
            "--from-ledger",
            action="store_true",
            help="Take hours_given from the time bank's ledger for --from .. --to (sroi).",
        )
        run.add_argument("--from", dest="period_from", default="", help="YYYY-MM-DD")
        run.add_argument("--to", dest="period_to", default="", help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options["format"])
        else:
            self._run(options)

    def _list(self, fmt: str) -> None:
        models = load_models()
        if fmt == "json":
            payload = [
                {
                    "model": m.id,
                    "version": m.version,
                    "title": m.title,
                    "inputs": [i.name for i in m.inputs],
                    "outputs": [o.name for o in m.outputs],
                }
                for m in models.values()
            ]
            self.stdout.write(json.dumps(payload, indent=2))
            return
        width = max(len(m) for m in models) + 2
        for m in models.values():
            self.stdout.write(f"{m.id.ljust(width)}v{m.version}  {m.title}")

    def _run(self, options: dict[str, Any]) -> None:
        try:
            model = get_model(options["model"])
        except UnknownModelError as exc:
            raise CommandError(str(exc)) from exc
        values: dict[str, str] = {}
        problems: list[str] = []
        for item in options["set"]:
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep or not name:
                problems.append(f"--set {item!r}: write it as name=value, e.g. reduction_pct=15.")
            elif name in values:
                problems.append(f"--set {name}: given more than once.")
            else:
                values[name] = value
        if options["from_ledger"]:
            problems += self._from_ledger(model, options, values)
        elif options["period_from"] or options["period_to"]:
            problems.append("--from and --to go with --from-ledger.")
        if problems:
            raise CommandError("\n".join(problems))
        data = None
        if any(i.data and i.name not in values for i in model.inputs):
            try:
                figures = model_data(user=None)
                data = data_values(figures)
                for item in model.inputs:
                    figure = figures.get(item.data) if item.data else None
                    if figure is not None and item.name not in values:
                        used = "used" if figure.value is not None else "not used"
                        self.stderr.write(
                            f"{item.name}: Linkwell's records, {figure.description}: "
                            f"{figure.note} ({used})."
                        )
            except DatabaseError as exc:
                # No database yet (e.g. before `linkwell migrate`): the defaults still work.
                self.stderr.write(f"Linkwell's records are not available ({exc}); using defaults.")
        try:
            run = run_model(model, values=values, data=data)
        except ModelInputError as exc:
            lines = [f"{k}: {v}" if k else v for k, v in exc.errors.items()]
            raise CommandError("\n".join(lines)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(run_as_json(run), indent=2))
            return
        self.stdout.write(f"{model.title} (v{model.version})")
        for item in model.inputs:
            value = plain_number(run.inputs[item.name])
            self.stdout.write(
                f"  {item.name} = {value} {item.unit} [{run.input_sources[item.name]}]"
            )
        for out in model.outputs:
            self.stdout.write(f"  -> {out.name} = {plain_number(run.outputs[out.name])} {out.unit}")

    def _from_ledger(
        self, model: Any, options: dict[str, Any], values: dict[str, str]
    ) -> list[str]:
        """Put the hours given in the period, from the time bank's ledger and volunteers' logged
        hours (timebank/selectors/economics.py says what counts, once), into `hours_given`."""
        if not any(i.name == LEDGER_INPUT for i in model.inputs):
            return [f"--from-ledger: the model {model.id} has no {LEDGER_INPUT} input."]
        if LEDGER_INPUT in values:
            return [f"--from-ledger fills {LEDGER_INPUT}: do not --set it too."]
        dates: list[dt.date] = []
        for flag, raw in (("--from", options["period_from"]), ("--to", options["period_to"])):
            try:
                dates.append(dt.date.fromisoformat(raw))
            except ValueError:
                return [f"{flag}: give the period's dates as YYYY-MM-DD with --from-ledger."]
        if dates[0] > dates[1]:
            return ["--from is after --to."]
        given = hours_given(start=dates[0], end=dates[1])
        values[LEDGER_INPUT] = str(given.total)
        self.stderr.write(
            f"{LEDGER_INPUT}: the time bank's ledger, {dates[0]} to {dates[1]}: "
            f"{given.exchanges} hours exchanged between members, "
            f"{given.volunteering_credited + given.volunteering_uncredited} hours volunteered "
            f"({given.volunteering_credited} of them credited through the ledger, counted once)."
        )
        return []
