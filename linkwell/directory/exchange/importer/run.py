"""`directory_import`: check and plan every record in memory, then write them.

Two phases, so an import never holds the database's write lock while it reads and checks:

1. **Plan** (no write lock): the rows the file touches are loaded in bulk (`store.Store.load`),
   then each record is checked (reader, schemas, business rules) and written *in memory*; a
   rejected record's changes are undone there, as its savepoint once was. If a record is
   rejected (and not `partial`), nothing is written.
2. **Write**: by default every accepted record in **one transaction**, so an import is all or
   nothing (`write_batch_size`). The one exception is a very large file on SQLite, where there
   is one writer at a time and a web request waits for the lock only up to the busy timeout
   (20 s): more than `SQLITE_ONE_TRANSACTION_RECORDS` records are written in batches of
   `BATCH_RECORDS`, and the report says so. A caller may ask for batches of any size
   (`linkwell directory import --batch-size N`).

In batches, each is its own short transaction (`Store.apply`): the batch is planned again from
the rows as they now stand (the records were checked in phase 1; earlier batches are in the
database), then written with its audit events. Between two transactions the write lock is free
while the next batch is planned. If a row a batch changes was saved by someone else since its
plan read it, that batch is planned again (up to `ATTEMPTS` times). What a batch writes is valid
on its own: every record in it passed every check. An import that stops part-way (a crash, a
conflict that outlasts the retries) leaves its earlier batches written and says how far it got;
importing the same file again changes nothing already written and writes the rest, ending where
an uninterrupted import would have.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import jsonschema_rs
from django.db import connection, transaction

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
# Records per write transaction when a file is written in batches. A batch of 500 generated
# services holds SQLite's write lock for well under a second even on a loaded machine
# (BENCHMARKS.md, "Directory import"); web writes wait for it up to the busy timeout (20 s).
BATCH_RECORDS = 500
# On SQLite, files of up to this many records are written in one transaction. The write of
# 5,000 generated services (about 5,500 records) held the lock 3.6 s on an idle 2-core machine,
# so 10,000 records hold it about 7 s: inside the 20 s a web request waits, with room for a busy
# machine (not for one several times overloaded). Larger files are written in batches so the
# site stays usable. PostgreSQL locks rows, not the database: any file is one transaction there.
SQLITE_ONE_TRANSACTION_RECORDS = 10_000


def write_batch_size(records: int) -> int:
    """Records per write transaction for a file of `records` accepted records when the caller
    did not choose: all of them (all or nothing), except on SQLite above
    `SQLITE_ONE_TRANSACTION_RECORDS`."""
    if connection.vendor == "sqlite" and records > SQLITE_ONE_TRANSACTION_RECORDS:
        return BATCH_RECORDS
    return max(1, records)


class ImportConflict(LinkwellError):
    """The directory kept changing under the import; nothing was written."""


@dataclass
class ImportProgress:
    """Where an import is, for a progress display: `phase` is "reading" (records checked and
    planned) or "writing": told once before the first batch (`written` 0), then after each
    batch is committed (`batch` of `batches`, `written` rows so far of about `total`, and
    `lock_seconds`, how long that batch's transaction took)."""

    phase: str
    read: int
    rejected: int
    total: int
    written: int = 0
    batch: int = 0
    batches: int = 0
    lock_seconds: float = 0.0


def directory_import(
    *,
    actor: User | None,
    records: Sequence[SourceRecord],
    partial: bool = False,
    owner: Organisation | None = None,
    track: Callable[[Sequence[SourceRecord]], Iterable[SourceRecord]] | None = None,
    on_progress: Callable[[ImportProgress], None] | None = None,
    batch_size: int | None = None,
) -> ImportReport:
    """Validate and write `records` (from `sources.parse_json` or `csv_import.parse_csv`).

    Call inside `audit_context(channel=Channel.IMPORT)`, and not inside a transaction (else the
    plan holds the caller's lock and the batches are one transaction). Returns a report; when a
    record is rejected and `partial` is False, nothing is written (`report.committed` is False).
    `track` wraps the records as they are read (a command's progress bar); `on_progress` is told
    after each record and each written batch. Raises ImportConflict if other writers kept
    changing the rows (saying how many batches were written before). `batch_size`: records per
    write transaction; None (the default) is `write_batch_size`: one transaction, all or nothing,
    except for a very large file on SQLite, which the report's warnings then explain."""
    for attempt in range(1, ATTEMPTS + 1):
        report, store, accepted = _plan(
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
        size = batch_size or write_batch_size(len(accepted))
        batches = [accepted[i : i + size] for i in range(0, len(accepted), size)]
        if batch_size is None and len(batches) > 1:
            report.warnings.append(
                f"{len(accepted):,} records are more than SQLite writes in one go while the site "
                f"is in use: they are written in {len(batches):,} batches of {size:,}. Should the "
                "import stop part-way, the batches written stay; import the same file again to "
                "finish it. (On PostgreSQL an import is always one transaction.)"
            )

        told = _writing(on_progress, report, rows, len(batches))
        told(0)
        if len(batches) > 1:
            del store  # each batch is planned again into its own store
            _write_batches(actor=actor, owner=owner, batches=batches, told=told)
            return report
        try:
            seconds = _write(store)
        except StaleRead as exc:
            if attempt == ATTEMPTS:
                raise ImportConflict(
                    "The directory was changed by someone else while the file was imported "
                    f"({exc}); nothing was imported. Run the import again."
                ) from exc
            continue
        told(rows, 1, seconds)
        return report
    raise AssertionError("unreachable")  # pragma: no cover


def _writing(
    on_progress: Callable[[ImportProgress], None] | None,
    report: ImportReport,
    total: int,
    batches: int,
) -> Callable[..., None]:
    """`told(written, batch, seconds)`: the write phase's progress, for `on_progress`."""

    def told(written: int, batch: int = 0, seconds: float = 0.0) -> None:
        if on_progress:
            on_progress(
                ImportProgress(
                    "writing",
                    report.records,
                    len(report.rejected),
                    total,
                    written,
                    batch,
                    batches,
                    seconds,
                )
            )

    return told


def _write(store: Store) -> float:
    """One batch's transaction (its rows and audit events); how long it held the write lock."""
    store.prepare()
    started = time.perf_counter()
    with transaction.atomic():
        store.apply()
    return time.perf_counter() - started


def _write_batches(
    *,
    actor: User | None,
    owner: Organisation | None,
    batches: list[list[SourceRecord]],
    told: Callable[..., None],
) -> None:
    """Plan each batch again from the rows as they now stand, and write it in its own
    transaction. Every record was checked by the whole-file plan before the first batch."""
    written = 0
    for number, batch in enumerate(batches, start=1):
        rows, seconds = 0, 0.0
        for attempt in range(1, ATTEMPTS + 1):
            sub, store, _ = _plan(
                actor=actor,
                records=batch,
                partial=False,
                owner=owner,
                track=None,
                on_progress=None,
                checked=True,
            )
            if not sub.committed:  # the directory changed under the import: say where it stopped
                lines = "; ".join(line for r in sub.rejected for line in r.lines())
                raise ImportConflict(
                    f"A record could no longer be imported as the directory now stands ({lines}). "
                    f"{_so_far(number, len(batches))}"
                )
            rows = store.changes()
            if not rows:
                break
            try:
                seconds = _write(store)
                break
            except StaleRead as exc:
                if attempt == ATTEMPTS:
                    raise ImportConflict(
                        "The directory kept being changed by someone else while the file was "
                        f"imported ({exc}). {_so_far(number, len(batches))}"
                    ) from exc
        written += rows
        told(written, number, seconds)


def _so_far(failed: int, batches: int) -> str:
    done = failed - 1
    if not done:
        return "Nothing was imported. Run the import again."
    return (
        f"{done} of {batches} batches were written; importing the same file again keeps them "
        "and writes the rest."
    )


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
    checked: bool = False,
) -> tuple[ImportReport, Store, list[SourceRecord]]:
    """Check every record and write it in memory; nothing touches the database but reads.
    `checked`: the records passed the reader's, schemas' and rules' checks already (a batch of
    a file planned whole). Returns the report, the planned store and the accepted records."""
    report = ImportReport(records=len(records))
    accepted: list[SourceRecord] = []
    store = Store(actor=actor)
    store.load(r.data for r in records)
    writer = _Writer(actor=actor, owner=owner, store=store)
    for number, record in enumerate(track(records) if track else records, start=1):
        # Every problem at once: the reader's own (a CSV row's), the schemas' and the
        # business rules', so a publisher can fix a record in one go.
        errors = [] if checked else list(record.errors)
        if not checked and record.kind in KIND_LABEL and not _schema_valid(record):
            errors += [e for e in rules.schema_errors(record) if e not in errors]
        if not checked and record.kind in KIND_LABEL:
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
                accepted.append(record)
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
    return report, store, accepted
