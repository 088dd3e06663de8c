"""`linkwell directory import|export|remind`: Open Referral UK 3.0 / HSDS 3 exchange and listing
freshness reminders (thin wrappers).

See `linkwell/directory/exchange/` for the rules; this command only reads files, calls the
services and prints their report.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.accounts.models import Organisation
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.progress import add_progress_option, progress, step
from linkwell.directory.exchange import csv_import, export, sources, tabular
from linkwell.directory.exchange.importer import (
    BATCH_RECORDS,
    SQLITE_ONE_TRANSACTION_RECORDS,
    ImportConflict,
    ImportProgress,
    directory_import,
)
from linkwell.directory.exchange.readers import files

IMPORT_HELP = f"""Import an Open Referral UK / HSDS 3 file or data package.

JSON (or JSON lines): a service, organization, taxonomy or taxonomy term object; a page
({{"contents": [...], "total_items": ...}}); a list of objects or of pages; or a full dump
({{"taxonomies": [...], "taxonomy_terms": [...], "organizations": [...], "services": [...]}},
what `linkwell directory export` writes). ORUK 1.0 pages ({{"content": [...], "totalElements":
...}}) and services are mapped to HSDS 3; what cannot be mapped is reported as warnings.

Data package: the HSDS 3 tabular form (datapackage.json and one CSV file per object), given as
the datapackage.json path, its directory or a zip; checked with frictionless first.

CSV (--format csv, or a .csv file): one row per service; columns
{", ".join(csv_import.COLUMNS)}.
Required: {", ".join(csv_import.REQUIRED)}.

Feeds are read as published: ages of -1 mean no limit, a time without a zone is UK time, child
objects without an id get a stable one; a value that cannot be read and is not required is left
out with a warning naming the record and field. Every record is then checked against the
official ORUK 3.0 and HSDS 3.0 JSON Schemas and Linkwell's rules; each rejected record is
reported with its position. Without --partial any rejection means nothing is written.
Re-importing the same file changes nothing."""


class Command(BaseCommand):
    help = "Import or export the directory as Open Referral UK 3.0 / HSDS 3 (JSON) or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import",
            help="Import a JSON or CSV file or an HSDS data package.",
            description=IMPORT_HELP,
        )
        imp.formatter_class = argparse.RawDescriptionHelpFormatter
        imp.add_argument(
            "file",
            help="Path to the file, a data package (datapackage.json, its directory or a zip), "
            "or '-' for standard input.",
        )
        imp.add_argument(
            "--format",
            choices=list(files.FORMATS),
            help="Default: from the path (a directory, datapackage.json or .zip is a package; "
            ".csv is CSV; anything else JSON).",
        )
        imp.add_argument(
            "--source",
            metavar="NAME",
            help="A name for the feed (its address, say). ORUK 1.0 ids that are not UUIDs are made "
            "into UUIDs with it: give the same name on every import of the feed.",
        )
        imp.add_argument(
            "--partial", action="store_true", help="Keep the valid records when some are rejected."
        )
        imp.add_argument(
            "--batch-size",
            type=int,
            default=None,
            metavar="N",
            help="Write N records per transaction instead of all in one (the default: the file "
            "is written whole or not at all; on SQLite a file of more than "
            f"{SQLITE_ONE_TRANSACTION_RECORDS:,} records is written in batches of {BATCH_RECORDS}, "
            "so web requests never wait long for the write lock). An import stopped between "
            "batches keeps what it wrote: import the same file again to finish it.",
        )
        add_progress_option(imp)
        imp.add_argument(
            "--owner",
            metavar="ORG_UUID",
            help="Linkwell organisation (uuid) whose provider staff may edit the imported providers.",
        )
        exp = sub.add_parser(
            "export",
            help="Write a full dump that validates against the ORUK 3.0 and HSDS 3.0 schemas.",
        )
        exp.add_argument(
            "--out",
            help="File to write (default: standard output); for tabular, a directory or a .zip.",
        )
        exp.add_argument(
            "--format",
            choices=["json", "tabular"],
            default="json",
            help="json: one HSDS dump; tabular: an HSDS data package (datapackage.json + CSVs).",
        )
        exp.add_argument(
            "--profile",
            choices=["hsds", "oruk"],
            default="hsds",
            help="hsds: every HSDS field Linkwell holds (re-imports unchanged); oruk: the UK "
            "profile, without the fields it deletes.",
        )
        add_progress_option(exp)
        rem = sub.add_parser(
            "remind",
            help='Queue "still correct?" reminder emails for stale listings (directory/tasks.py).',
        )
        rem.add_argument("--limit", type=int, help="At most this many reminders in this run.")
        rem.add_argument(
            "--now", action="store_true", help="Send in this process instead of queueing a task."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        elif options["action"] == "remind":
            self._remind(options)
        else:
            self._export(options)

    def _remind(self, options: dict[str, Any]) -> None:
        from linkwell.directory.tasks import send_verification_reminders

        if options["now"]:
            sent = send_verification_reminders.call(limit=options["limit"])
            self.stdout.write(f"Sent {sent} reminder(s).")
            return
        result = send_verification_reminders.enqueue(limit=options["limit"])
        self.stdout.write(f"Queued the reminder task ({result.id}); a task worker sends them.")

    def _import(self, options: dict[str, Any]) -> None:
        name = options["file"]
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        owner = None
        if options["owner"]:
            owner = Organisation.objects.filter(uuid=_uuid(options["owner"])).first()
            if owner is None:
                raise CommandError(f"No Linkwell organisation has the id {options['owner']}.")
        try:
            read = files.read_file(name, fmt=options["format"], source=options["source"] or "")
        except sources.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        records = read.records
        for note in read.notes:
            self.stderr.write(f"warning: {note}")
        with audit_context(channel=Channel.IMPORT), _conflict_as_error():
            report = directory_import(
                actor=None,
                records=records,
                partial=options["partial"],
                owner=owner,
                track=lambda rows: progress(
                    rows, desc="Importing", unit="records", options=options, stream=self.stderr
                ),
                on_progress=lambda p: self._import_progress(p, options),
                batch_size=options["batch_size"],
            )
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for rejection in report.rejected:
            for line in rejection.lines():
                self.stderr.write(line)
        if not report.committed:
            raise CommandError(
                f"{len(report.rejected)} of {report.records} records rejected; "
                "nothing was imported (use --partial to keep the valid ones)."
            )
        self.stdout.write(f"Imported {name}: {report.summary()}.")
        if report.rejected:
            raise CommandError(
                f"{len(report.rejected)} of {report.records} records rejected; "
                "the valid ones were kept (--partial)."
            )

    def _import_progress(self, p: ImportProgress, options: dict[str, Any]) -> None:
        """Records read and rejected, then rows written (the bar shows the reading)."""
        if p.phase != "writing":
            return
        if p.written and p.batches > 1:
            message = f"Wrote batch {p.batch:,} of {p.batches:,}: {p.written:,} rows so far."
        elif p.written:
            message = f"Wrote {p.written:,} rows."
        else:
            message = (
                f"Read {p.read:,} records ({p.rejected:,} rejected); writing {p.total:,} rows…"
            )
        step(message, options=options, stream=self.stderr)

    def _export(self, options: dict[str, Any]) -> None:
        def track(services: Any, count: int) -> Any:
            return progress(
                services,
                desc="Exporting",
                unit="services",
                total=count,
                options=options,
                stream=self.stderr,
            )

        if options["format"] == "tabular":
            if not options["out"]:
                raise CommandError("--format tabular needs --out DIRECTORY or --out FILE.zip.")
            counts = tabular.write(Path(options["out"]), options["profile"], track=track)
            self.stdout.write(
                f"Wrote {counts.get('service', 0)} services, {counts.get('organization', 0)} "
                f"organizations as a {options['profile'].upper()} data package to "
                f"{options['out']}."
            )
            return
        dump = export.directory_dump(track=track, profile=options["profile"])
        text = json.dumps(dump, ensure_ascii=False, indent=2) + "\n"
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(
                f"Wrote {len(dump['services'])} services, {len(dump['organizations'])} "
                f"organizations to {options['out']}."
            )
        else:
            self.stdout.write(text, ending="")


@contextlib.contextmanager
def _conflict_as_error() -> Iterator[None]:
    try:
        yield
    except ImportConflict as exc:
        raise CommandError(str(exc)) from exc


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise CommandError(f"--owner must be a uuid, not {value!r}.") from None
