"""The importer plans in memory, then writes everything in one short transaction: bigger feeds,
`--partial` undoing a rejected record's rows, a listing edited while the file was being planned,
and the progress an import reports."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from linkwell.audit.context import audit_context
from linkwell.audit.models import AuditEvent, Channel
from linkwell.directory.exchange import sources
from linkwell.directory.exchange.importer import (
    ImportConflict,
    ImportProgress,
    ImportReport,
    directory_import,
)
from linkwell.directory.exchange.importer.store import Store
from linkwell.directory.models import (
    Attribute,
    DirectoryOrganization,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _feed(n: int) -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("hsds_feed", ROOT / "benchmarks/hsds_feed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("hsds_feed", module)
    spec.loader.exec_module(module)
    feed: dict[str, Any] = module.generate(n)
    return feed


def _import(feed: dict[str, Any], **kwargs: Any) -> ImportReport:
    with audit_context(channel=Channel.IMPORT):
        return directory_import(actor=None, records=sources.parse_json(json.dumps(feed)), **kwargs)


def test_a_council_sized_feed_imports_whole_and_reimports_without_a_write():
    feed = _feed(24)
    report = _import(feed)
    assert report.committed and not report.rejected
    assert report.counts["service"]["created"] == 24
    assert report.counts["organization"]["created"] == 6
    assert Service.objects.count() == 24
    first = feed["services"][0]
    service = Service.objects.get(uuid=first["id"])
    assert service.organization.name == first["organization"]["name"]
    assert service.phones.get().number == first["phones"][0]["number"]
    assert Schedule.objects.filter(service=service).count() == 1
    assert ServiceAtLocation.objects.filter(service=service).count() == len(
        first["service_at_locations"]
    )
    assert Attribute.objects.filter(link_uuid=service.uuid).count() == len(first["attributes"])
    # Venues the feed gives no coordinates are placed at their postcode.
    assert not Location.objects.filter(latitude__isnull=True).exists()
    # One audit event per created service, organization, taxonomy and term.
    assert AuditEvent.objects.count() == 24 + 6 + 1 + 12
    events, versions = (
        AuditEvent.objects.count(),
        dict(Service.objects.values_list("pk", "version")),
    )
    again = _import(feed)
    assert again.changed == 0
    assert AuditEvent.objects.count() == events
    assert dict(Service.objects.values_list("pk", "version")) == versions


def test_a_changed_and_a_shortened_record_are_updated_in_place():
    feed = _feed(8)
    _import(feed)
    changed = copy.deepcopy(feed)
    service = changed["services"][1]
    service["name"] = "Renamed walking group"
    service["phones"] = []  # the list is present and empty: the phone goes
    report = _import(changed)
    assert report.counts["service"] == {"created": 0, "updated": 1, "unchanged": 7}
    row = Service.objects.get(uuid=service["id"])
    assert (row.name, row.version) == ("Renamed walking group", 2)
    assert not Phone.objects.filter(service=row).exists()
    event = AuditEvent.objects.filter(object_id=service["id"]).latest("id")
    assert event.changes["name"] == [feed["services"][1]["name"], "Renamed walking group"]
    assert any("removed" in child for child in event.changes["children"])


def test_partial_keeps_the_valid_records_and_none_of_a_rejected_ones_rows():
    feed = _feed(3)
    bad = feed["services"][1]
    bad["organization"] = {**bad["organization"], "id": "0b7c1f64-7a55-4e47-9a55-6f2d7c1e0a01"}
    bad["organization"]["name"] = "Only in the rejected record"
    bad["service_at_locations"].append(
        {
            "id": "0b7c1f64-7a55-4e47-9a55-6f2d7c1e0a02",
            "location_id": "0b7c1f64-7a55-4e47-9a55-6f2d7c1e0a03",
        }
    )
    report = _import(feed)
    assert not report.committed and Service.objects.count() == 0
    assert "location_id 0b7c1f64-7a55-4e47-9a55-6f2d7c1e0a03" in report.rejected[0].messages[0]
    report = _import(feed, partial=True)
    assert report.committed and len(report.rejected) == 1
    assert set(Service.objects.values_list("uuid", flat=True)) == {
        __import__("uuid").UUID(s["id"]) for s in (feed["services"][0], feed["services"][2])
    }
    # Its organization, phones and schedules were planned before the bad venue was met.
    assert not DirectoryOrganization.objects.filter(name="Only in the rejected record").exists()
    assert not Phone.objects.filter(uuid=bad["phones"][0]["id"]).exists()
    assert not Schedule.objects.filter(uuid=bad["schedules"][0]["id"]).exists()


def test_a_listing_saved_by_someone_else_meanwhile_makes_the_import_plan_again(monkeypatch):
    feed = _feed(4)
    _import(feed)
    feed["services"][0]["description"] = "New description from the feed"
    edits: list[int] = []
    prepare = Store.prepare

    def someone_edits(self: Store) -> None:
        if not edits:  # between the plan and the write, a link worker saves the listing
            Service.objects.filter(uuid=feed["services"][0]["id"]).update(
                version=7, staff_notes="Ring first"
            )
            edits.append(1)
        prepare(self)

    monkeypatch.setattr(Store, "prepare", someone_edits)
    report = _import(feed)
    assert report.counts["service"]["updated"] == 1
    row = Service.objects.get(uuid=feed["services"][0]["id"])
    # Planned again from the saved row: the feed's change on top of the edit, not over it.
    assert (row.description, row.staff_notes, row.version) == (
        "New description from the feed",
        "Ring first",
        8,
    )


def test_an_import_that_keeps_meeting_edits_gives_up_having_written_nothing(monkeypatch):
    feed = _feed(4)
    _import(feed)
    feed["services"][0]["description"] = "Changed"
    prepare = Store.prepare

    def always_edited(self: Store) -> None:
        Service.objects.filter(uuid=feed["services"][0]["id"]).update(version=F("version") + 1)
        prepare(self)

    monkeypatch.setattr(Store, "prepare", always_edited)
    events = AuditEvent.objects.count()
    with pytest.raises(ImportConflict, match="nothing was imported"):
        _import(feed)
    assert AuditEvent.objects.count() == events
    assert Service.objects.get(uuid=feed["services"][0]["id"]).description != "Changed"


def test_an_import_reports_records_read_and_rejected_then_rows_written():
    feed = _feed(4)
    feed["services"][2]["status"] = "sleeping"
    seen: list[ImportProgress] = []
    report = _import(feed, partial=True, on_progress=seen.append)
    reading = [p for p in seen if p.phase == "reading"]
    assert [p.read for p in reading] == list(range(1, report.records + 1))
    assert reading[-1].rejected == 1
    writing = [p for p in seen if p.phase == "writing"]
    assert len(writing) == 2 and writing[0].written == 0
    assert writing[1].written == writing[1].total > 0


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_shows_records_read_rejected_and_rows_written(tmp_path):
    feed = _feed(4)
    feed["services"][2]["status"] = "sleeping"
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    err = _Terminal()
    with pytest.raises(CommandError, match="the valid ones were kept"):
        call_command("directory", "import", str(path), "--partial", stdout=StringIO(), stderr=err)
    text = err.getvalue()
    assert "records (1 rejected); writing" in text
    assert "Wrote " in text and " rows." in text
