"""`linkwell population synth|validate|run|model fit|cohorts`: proactive case finding over a
pseudonymised register (thin wrappers over synth.py, register/, engines.py and model.py).

Exit status: 0 on success; 1 with a message naming the problem for bad input (a register with
missing or mistyped columns, a bad cohort file, an unknown engine...). Nothing is written then,
except the `--rejects FILE` of `validate` and `run`: every problem row of the register (file, row,
pseudo_id, column, value, reason), written when all the problems are in the register's rows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.population import cohorts, engines, model, register, synth

REJECTS_HELP = (
    "Also write every problem row of the register to this CSV file (file, row, pseudo_id, "
    "column, value, reason); a valid register gets the header only."
)
REGISTER_HELP = (
    "The register: a .parquet or .csv file, or a directory of them (expected columns: "
    "docs/subsystems/population.md)."
)


class Command(BaseCommand):
    help = "Find cohorts for proactive social prescribing in a pseudonymised register."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        syn = sub.add_parser("synth", help="Write a realistic synthetic register (seeded).")
        syn.add_argument("--patients", type=int, required=True, help="How many patients.")
        syn.add_argument("--out", required=True, help="Directory to write register.<format> to.")
        syn.add_argument("--seed", type=int, default=2026)
        syn.add_argument("--format", choices=["parquet", "csv"], default="parquet")
        syn.add_argument("--practices", type=int, help="Number of practices (default N/8000).")

        val = sub.add_parser("validate", help="Check a register against the expected columns.")
        val.add_argument("--register", required=True, help=REGISTER_HELP)
        val.add_argument("--engine", choices=engines.ENGINES, default="duckdb")
        val.add_argument("--rejects", metavar="FILE", help=REJECTS_HELP)

        run = sub.add_parser(
            "run",
            help="Run a cohort definition and write its ranked list.",
            description=(cohorts.__doc__ or "").split("\n\n", 1)[-1],
        )
        run.formatter_class = argparse.RawDescriptionHelpFormatter
        run.add_argument(
            "cohort",
            help=f"A cohort YAML file, or a shipped one: {', '.join(cohorts.shipped_ids())}.",
        )
        run.add_argument("--register", required=True, help=REGISTER_HELP)
        run.add_argument("--engine", choices=engines.ENGINES, default="duckdb")
        run.add_argument(
            "--out",
            required=True,
            help="Ranked list to write (.csv or .parquet): cohort, cohort_version, rank, "
            "pseudo_id, practice, score, reasons.",
        )
        run.add_argument(
            "--exclude",
            action="append",
            default=[],
            metavar="FILE",
            help="CSV of pseudo_id[,reason] to leave out (on a caseload, declined recently). "
            "Repeatable.",
        )
        run.add_argument("--limit", type=int, help="At most this many people.")
        run.add_argument(
            "--events",
            help="Events file (pseudo_id, event_type, event_date[, code]): recount the 12-month "
            "appointment, A&E and admission columns from it, and with a code column repeat "
            "medicines from repeat_prescription events.",
        )
        run.add_argument("--as-of", help="Extract date for --events (YYYY-MM-DD; default today).")
        run.add_argument("--rejects", metavar="FILE", help=REJECTS_HELP)
        run.add_argument("--no-progress", action="store_true", help="No progress bar.")

        mod = sub.add_parser("model", help="The emergency admission risk model.")
        mod_sub = mod.add_subparsers(dest="model_action", required=True)
        fit = mod_sub.add_parser(
            "fit", help="Fit on a register with emergency_admission_next_12m; write JSON + card."
        )
        fit.add_argument("--register", required=True, help=REGISTER_HELP)
        fit.add_argument("--out", required=True, help="Model file to write (.json).")
        fit.add_argument("--sample", type=int, default=200_000, help="Rows to fit on.")
        fit.add_argument("--seed", type=int, default=2026)
        fit.add_argument("--synthetic", action="store_true", help="Label the card as synthetic.")

        sub.add_parser("cohorts", help="List the shipped cohort definitions.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "synth":
                self._synth(options)
            elif action == "validate":
                self._validate(options)
            elif action == "run":
                self._run(options)
            elif action == "model":
                self._fit(options)
            else:
                for cohort in cohorts.shipped():
                    self.stdout.write(f"{cohort.id} (v{cohort.version}): {cohort.title}")
        except register.RegisterError as exc:
            what = (
                "events file"
                if all(problem.startswith("Events file:") for problem in exc.problems)
                else "register"
            )
            raise CommandError(f"The {what} was rejected:\n" + _bullets(exc.problems)) from None
        except cohorts.CohortError as exc:
            raise CommandError(
                "The cohort definition was rejected:\n" + _bullets(str(exc).splitlines())
            ) from None
        except (engines.RunError, model.ModelError) as exc:
            raise CommandError(str(exc)) from None

    def _synth(self, options: dict[str, Any]) -> None:
        from tqdm import tqdm

        if options["patients"] < 1:
            raise CommandError("--patients must be at least 1.")
        if options["practices"] is not None and options["practices"] < 1:
            raise CommandError("--practices must be at least 1.")
        with tqdm(total=options["patients"], unit="patients", file=sys.stderr, disable=None) as bar:
            path = synth.write_register(
                options["out"],
                patients=options["patients"],
                seed=options["seed"],
                fmt=options["format"],
                practices=options["practices"],
                progress=bar,
            )
        self.stdout.write(f"Wrote {options['patients']:,} synthetic patients to {path}.")

    def _validate(self, options: dict[str, Any]) -> None:
        rejects = options["rejects"]
        if rejects is not None:
            engines.rejects_path(rejects)
        con = engines.connect(options["engine"])
        reg = register.open_register(con, options["register"], rejects=rejects)
        self.stdout.write(f"{options['register']}: {reg.rows:,} patients; the register is valid.")
        if reg.cached:
            self.stdout.write(
                "These files were proved valid by an earlier check (same content, same rules); "
                "not checked again."
            )
        if rejects is not None:
            self.stdout.write(f"No problem rows: {rejects} has its header only.")
        if reg.ignored_columns:
            self.stdout.write(f"Columns not used: {', '.join(reg.ignored_columns)}.")

    def _run(self, options: dict[str, Any]) -> None:
        import datetime as dt

        from tqdm import tqdm

        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of {options['as_of']!r}: use YYYY-MM-DD.") from None
        elif options["events"]:
            as_of = dt.datetime.now(dt.UTC).date()
        bar = tqdm(
            total=len(engines.STEPS),
            file=sys.stderr,
            desc="validate",
            bar_format="{desc:<8} {bar} {n_fmt}/{total_fmt} steps [{elapsed}]",
            disable=options["no_progress"],
        )

        def step(name: str) -> None:
            bar.update(1)
            index = engines.STEPS.index(name) + 1
            if index < len(engines.STEPS):
                bar.set_description_str(engines.STEPS[index])

        try:
            result = engines.run(
                options["cohort"],
                options["register"],
                out=options["out"],
                engine=options["engine"],
                exclude=options["exclude"],
                limit=options["limit"],
                events=options["events"],
                as_of=as_of,
                step=step,
                rejects=options["rejects"],
            )
        finally:
            bar.close()
        if result.ignored_columns:
            self.stderr.write(f"Columns not used: {', '.join(result.ignored_columns)}.")
        self.stdout.write(result.summary.render())
        self.stdout.write(f"Wrote the ranked list to {result.out}.")
        if options["rejects"] is not None:
            self.stdout.write(f"No problem rows: {options['rejects']} has its header only.")

    def _fit(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        if out.suffix.lower() != ".json":
            raise CommandError("--out must be a .json file (the model card goes beside it as .md).")
        con = engines.connect("duckdb")
        reg = register.open_register(con, options["register"])
        result = model.fit(
            reg.table,
            sample=options["sample"],
            seed=options["seed"],
            synthetic=options["synthetic"],
            source=str(options["register"]),
        )
        path, card = model.write(result, out)
        self.stdout.write(
            f"AUC on held-out data: {result.auc:.3f} ({result.test_rows:,} rows).\n"
            "Calibration by decile (mean predicted / observed):"
        )
        for row in result.calibration:
            self.stdout.write(
                f"  {row['decile']:>2}: {row['predicted']:.3f} / {row['observed']:.3f}"
            )
        self.stdout.write(f"Wrote {path} and the model card {card}.")


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"  - {line}" for line in lines)
