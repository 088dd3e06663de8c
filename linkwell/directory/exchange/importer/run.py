"""`directory_import`: validate every record, write each in its own savepoint, keep or roll back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.db import transaction

from linkwell.accounts.models import Organisation, User
from linkwell.directory.exchange import rules
from linkwell.directory.exchange.importer.listings import _Writer
from linkwell.directory.exchange.importer.report import (
    KIND_LABEL,
    ImportReport,
    RecordRejected,
    Rejection,
)
from linkwell.directory.exchange.sources import SourceRecord


def directory_import(
    *,
    actor: User | None,
    records: Sequence[SourceRecord],
    partial: bool = False,
    owner: Organisation | None = None,
    track: Callable[[Sequence[SourceRecord]], Iterable[SourceRecord]] | None = None,
) -> ImportReport:
    """Validate and write `records` (from `sources.parse_json` or `csv_import.parse_csv`).

    Call inside `audit_context(channel=Channel.IMPORT)`. Returns a report; when a record is
    rejected and `partial` is False, nothing is written (`report.committed` is False).
    `track` wraps the records as they are read (a command's progress bar)."""
    report = ImportReport(records=len(records))
    with transaction.atomic():
        writer = _Writer(actor=actor, owner=owner)
        for number, record in enumerate(track(records) if track else records, start=1):
            # Every problem at once: the reader's own (a CSV row's), the schemas' and the
            # business rules', so a publisher can fix a record in one go.
            errors = list(record.errors)
            if record.kind in KIND_LABEL:
                errors += [e for e in rules.schema_errors(record) if e not in errors]
                errors += [e for e in rules.business_errors(record) if e not in errors]
            if errors:
                report.rejected.append(Rejection(number, record.position, record.record_id, errors))
                continue
            writer.begin(
                record.position
                if record.position.startswith("line ")
                else f"record {number} ({record.position})"
            )
            try:
                with transaction.atomic():
                    writer.write(record)
            except RecordRejected as exc:
                writer.discard()
                report.rejected.append(
                    Rejection(number, record.position, record.record_id, exc.messages)
                )
                continue
            for kind, outcome in writer.commit():
                report.count(kind, outcome)
            # What the reader changed or left out (SourceRecord.warnings), then the writer's.
            report.warnings.extend(f"{writer.where}: {w}" for w in record.warnings)
            report.warnings.extend(writer.take_warnings())
        if report.rejected and not partial:
            transaction.set_rollback(True)
            report.committed = False
            report.counts = {}
    return report
