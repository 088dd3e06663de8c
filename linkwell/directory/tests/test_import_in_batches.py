"""An import is one transaction by default; in batches (asked for, or a very large file on
SQLite) each batch is its own short transaction with its audit events: an import stopped
part-way keeps what it wrote and says so, and importing the same file again finishes it, ending
exactly where an uninterrupted import ends."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from linkwell.audit.context import audit_context
from linkwell.audit.models import AuditEvent, Channel
from linkwell.directory.exchange import sources
from linkwell.directory.exchange.importer import (
    ImportConflict,
    ImportProgress,
    ImportReport,
    directory_import,
    run,
)
from linkwell.directory.exchange.importer.store import MODELS, Store
from linkwell.directory.models import Service
from linkwell.directory.tests.test_import_batched import _feed, _Terminal

pytestmark = pytest.mark.django_db


class _Stopped(Exception):
    """The process dies between two batches."""


def _import(feed: dict[str, Any], **kwargs: Any) -> ImportReport:
    with audit_context(channel=Channel.IMPORT):
        return directory_import(actor=None, records=sources.parse_json(json.dumps(feed)), **kwargs)


def _stop_after(batches: int) -> Any:
    def on_progress(p: ImportProgress) -> None:
        if p.phase == "writing" and p.batch == batches:
            raise _Stopped

    return on_progress


def _directory(since: int) -> dict[str, Any]:
    """Every directory row by its content (links as the linked row's uuid; no ids or
    timestamps), and the audit events written after event `since`."""
    out: dict[str, Any] = {}
    for model in MODELS:
        fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in ("created_at", "updated_at")
        ]
        out[model.__name__] = sorted(
            tuple(
                str(getattr(getattr(row, f.name), "uuid", getattr(row, f.attname)))
                if f.is_relation
                else repr(getattr(row, f.attname))
                for f in fields
            )
            for row in model.objects.all()
        )
    out["audit"] = sorted(
        (e.action, e.object_id, json.dumps(e.changes, sort_keys=True))
        for e in AuditEvent.objects.filter(id__gt=since)
    )
    return out


def _empty_directory() -> None:
    for model in reversed(MODELS):
        model.objects.all().delete()


def _last_event() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last else 0


def test_each_batch_is_written_with_its_audit_events_and_progress_says_how_far():
    # 25 records in file order: the taxonomy, its 12 terms, then 12 services; 5 batches of 5.
    feed = _feed(12)
    seen: list[ImportProgress] = []
    stop = _stop_after(4)

    def on_progress(p: ImportProgress) -> None:
        seen.append(p)
        stop(p)

    with pytest.raises(_Stopped):
        _import(feed, batch_size=5, on_progress=on_progress)
    writing = [p for p in seen if p.phase == "writing"]
    assert [(p.batch, p.batches) for p in writing] == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5)]
    so_far = [p.written for p in writing]
    assert so_far == sorted(set(so_far)) and so_far[-1] <= writing[-1].total
    # The services of the first four batches are in, each with its audit event; the rest not.
    ids = [s["id"] for s in feed["services"]]
    assert set(map(str, Service.objects.values_list("uuid", flat=True))) == set(ids[:7])
    audited = AuditEvent.objects.filter(action="directory.service_created")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(ids[:7])


def test_importing_the_file_again_finishes_an_interrupted_import_as_if_never_stopped():
    feed = _feed(12)
    since = _last_event()
    _import(feed, batch_size=5)
    whole = _directory(since)
    _empty_directory()

    since = _last_event()
    with pytest.raises(_Stopped):
        _import(feed, batch_size=5, on_progress=_stop_after(3))
    assert 0 < Service.objects.count() < 12
    report = _import(feed, batch_size=5)
    assert report.committed
    assert _directory(since) == whole
    assert _import(feed, batch_size=5).changed == 0


def test_a_batch_that_keeps_meeting_edits_stops_the_import_and_says_what_was_written(
    monkeypatch,
):
    feed = _feed(12)
    _import(feed)
    for service in feed["services"]:
        service["description"] = "Changed by the feed"
    prepare = Store.prepare
    last = feed["services"][-1]["id"]

    def last_batch_always_edited(self: Store) -> None:
        if any(str(u) == last for u in self.rows[Service]):
            Service.objects.filter(uuid=last).update(version=F("version") + 1)
        prepare(self)

    monkeypatch.setattr(Store, "prepare", last_batch_always_edited)
    with pytest.raises(ImportConflict, match="4 of 5 batches were written; importing the same"):
        _import(feed, batch_size=5)
    changed = Service.objects.filter(description="Changed by the feed")
    assert changed.count() == 7


def test_a_rejected_record_stops_a_batched_import_before_anything_is_written():
    feed = _feed(12)
    feed["services"][11]["status"] = "sleeping"
    report = _import(feed, batch_size=5)
    assert not report.committed and not Service.objects.exists()
    report = _import(feed, batch_size=5, partial=True)
    assert report.committed and Service.objects.count() == 11


def test_the_command_writes_in_the_batches_asked_for_and_refuses_a_batch_of_none(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(_feed(12)))
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("directory", "import", str(path), "--batch-size", "0", stdout=StringIO())
    assert not Service.objects.exists()
    err = _Terminal()
    call_command(
        "directory", "import", str(path), "--batch-size", "5", stdout=StringIO(), stderr=err
    )
    assert "Wrote batch 5 of 5: " in err.getvalue()
    assert Service.objects.count() == 12


class _WriteFailed(Exception):
    """The database write stops part-way (a full disk, a killed connection)."""


def test_by_default_an_import_is_one_transaction_so_a_failed_write_leaves_nothing(monkeypatch):
    # More records than a batch: written whole all the same, so a failure after some rows are
    # in leaves none of them.
    monkeypatch.setattr(run, "BATCH_RECORDS", 5)
    apply = Store.apply

    def fail_after_writing(self: Store) -> None:
        apply(self)
        raise _WriteFailed

    monkeypatch.setattr(Store, "apply", fail_after_writing)
    events = _last_event()
    with pytest.raises(_WriteFailed):
        _import(_feed(12))
    assert not Service.objects.exists()
    assert _last_event() == events


def test_only_a_very_large_file_on_sqlite_is_written_in_batches_and_it_says_so(monkeypatch):
    monkeypatch.setattr(run, "BATCH_RECORDS", 5)
    monkeypatch.setattr(run, "SQLITE_ONE_TRANSACTION_RECORDS", 10)
    seen: list[ImportProgress] = []
    report = _import(_feed(12), on_progress=seen.append)
    batches = max(p.batches for p in seen if p.phase == "writing")
    assert Service.objects.count() == 12
    if connection.vendor == "sqlite":
        assert batches > 1
        assert any("written in" in w and "batches of 5" in w for w in report.warnings)
    else:  # PostgreSQL locks rows, not the database: one transaction whatever the size.
        assert batches == 1
        assert not any("batches" in w for w in report.warnings)
    # Under the limit it is one transaction on every database, and nothing is said.
    assert run.write_batch_size(10) == 10
