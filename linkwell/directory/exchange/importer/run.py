"""`directory_import`: check and plan every record in memory, then write them all at once.

Two phases, so an import never holds the database's write lock while it works (on SQLite one
writer at a time: a long write transaction made web requests fail with "database is locked"):

1. **Plan** (no write lock): the rows the file touches are loaded in bulk (`store.Store.load`),
   then each record is checked (reader, schemas, business rules) and written *in memory*; a
   rejected record's changes are undone there, as its savepoint once was.
2. **Write**: if nothing was rejected (or `partial`), every change goes in in one short
   transaction of bulk statements (`Store.apply`), so the import is all or nothing. If a row it
   changes was saved by someone else since the plan read it, nothing is written and the import
   is planned again from fresh rows (up to `ATTEMPTS` times).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import jsonschema_rs
from django.db import transaction

from linkwell.accounts.models import Organisation, User
from linkwell.core.exceptions import LinkwellError
from linkwell.directory.exchange import rules, schemas
from linkwell.directory.exchange.importer.listings import _Writer
from linkwell.directory.exchange.importer.report import (
    KIND_LABEL,
    ImportReport,
    RecordRejected,
    Rejection,
)
from linkwell.directory.exchange.importer.store import StaleRead, Store
from linkwell.directory.exchange.sources import SourceRecord

ATTEMPTS = 3


class ImportConflict(LinkwellError):
    """The directory kept changing under the import; nothing was written."""


@dataclass
class ImportProgress:
    """Where an import is, for a progress display: `phase` is "reading" (records checked and
    planned) or "writing" (rows written; `total` rows to write)."""

    phase: str
    read: int
    rejected: int
    total: int
    written: int = 0


def directory_import(
    *,
    actor: User | None,
    records: Sequence[SourceRecord],
    partial: bool = False,
    owner: Organisation | None = None,
    track: Callable[[Sequence[SourceRecord]], Iterable[SourceRecord]] | None = None,
    on_progress: Callable[[ImportProgress], None] | None = None,
) -> ImportReport:
    """Validate and write `records` (from `sources.parse_json` or `csv_import.parse_csv`).

    Call inside `audit_context(channel=Channel.IMPORT)`, and not inside a transaction (else the
    plan holds the caller's lock). Returns a report; when a record is rejected and `partial` is
    False, nothing is written (`report.committed` is False). `track` wraps the records as they
    are read (a command's progress bar); `on_progress` is told after each record and when the
    write starts and ends. Raises ImportConflict if other writers kept changing the rows."""
    for attempt in range(1, ATTEMPTS + 1):
        report, store = _plan(
            actor=actor,
            records=records,
            partial=partial,
            owner=owner,
            track=track,
            on_progress=on_progress,
        )
        if not report.committed:
            return report
        rows = store.changes()
        if not rows:  # nothing to write (a re-import of the same file): no write lock taken
            return report
        if on_progress:
            on_progress(ImportProgress("writing", report.records, len(report.rejected), rows))
        store.prepare()
        try:
            with transaction.atomic():
                store.apply()
        except StaleRead as exc:
            if attempt == ATTEMPTS:
                raise ImportConflict(
                    "The directory was changed by someone else while the file was imported "
                    f"({exc}); nothing was imported. Run the import again."
                ) from exc
            continue
        if on_progress:
            on_progress(ImportProgress("writing", report.records, len(report.rejected), rows, rows))
        return report
    raise AssertionError("unreachable")  # pragma: no cover


@functools.cache
def _fast_validators(kind: str) -> list[jsonschema_rs.Draft202012Validator]:
    """The same schemas as `rules.schema_errors`, compiled by jsonschema-rs (~100x faster)."""
    definition = rules.DEFINITION.get(kind)
    out = []
    for name in (schemas.ORUK_SERVICE, schemas.HSDS_SERVICE):
        schema = schemas.load(name)
        if definition is not None:
            schema = {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
        out.append(jsonschema_rs.Draft202012Validator(schema, validate_formats=True))
    return out


def _schema_valid(record: SourceRecord) -> bool:
    """A quick yes for a record both schemas accept. Its formats are checked at least as
    strictly as `rules.schema_errors` does, so a yes here means no errors there; a no (or a
    value it cannot read) leaves the verdict and the messages to `rules.schema_errors`."""
    if not isinstance(record.data, dict):
        return False
    try:
        return all(v.is_valid(record.data) for v in _fast_validators(record.kind))
    except (ValueError, TypeError):
        return False


def _plan(
    *,
    actor: User | None,
    records: Sequence[SourceRecord],
    partial: bool,
    owner: Organisation | None,
    track: Callable[[Sequence[SourceRecord]], Iterable[SourceRecord]] | None,
    on_progress: Callable[[ImportProgress], None] | None,
) -> tuple[ImportReport, Store]:
    """Check every record and write it in memory; nothing touches the database but reads."""
    report = ImportReport(records=len(records))
    store = Store(actor=actor)
    store.load(r.data for r in records)
    writer = _Writer(actor=actor, owner=owner, store=store)
    for number, record in enumerate(track(records) if track else records, start=1):
        # Every problem at once: the reader's own (a CSV row's), the schemas' and the
        # business rules', so a publisher can fix a record in one go.
        errors = list(record.errors)
        if record.kind in KIND_LABEL and not _schema_valid(record):
            errors += [e for e in rules.schema_errors(record) if e not in errors]
        if record.kind in KIND_LABEL:
            errors += [e for e in rules.business_errors(record) if e not in errors]
        if errors:
            report.rejected.append(Rejection(number, record.position, record.record_id, errors))
        else:
            writer.begin(
                record.position
                if record.position.startswith("line ")
                else f"record {number} ({record.position})"
            )
            try:
                writer.write(record)
            except RecordRejected as exc:
                writer.discard()
                report.rejected.append(
                    Rejection(number, record.position, record.record_id, exc.messages)
                )
            else:
                for kind, outcome in writer.commit():
                    report.count(kind, outcome)
                # What the reader changed or left out (SourceRecord.warnings), then the writer's.
                report.warnings.extend(f"{writer.where}: {w}" for w in record.warnings)
                report.warnings.extend(writer.take_warnings())
        if on_progress:
            on_progress(ImportProgress("reading", number, len(report.rejected), len(records)))
    if report.rejected and not partial:
        report.committed = False
        report.counts = {}
    return report, store
