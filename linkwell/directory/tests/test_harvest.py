"""Harvesting a paged ORUK feed from a local HTTP server: full and incremental runs, withdrawals,
provenance, local facts kept, a feed failing half-way changing nothing, and the command."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.directory.harvest.feeds import feed_source_create
from linkwell.directory.harvest.fetch import HarvestError, _is_last, page_url
from linkwell.directory.harvest.runs import due_sources, harvest_feed, is_full_harvest
from linkwell.directory.models import (
    FeedFormat,
    FeedSource,
    HarvestStatus,
    Service,
    ServiceProvenance,
    ServiceStatus,
)
from linkwell.directory.tests.test_import_batched import _Terminal

pytestmark = pytest.mark.django_db

ORG_ID = "5b6ec7a4-5a0f-4f5e-9d38-3c0b7a1e0001"
PER_PAGE = 2


def service(
    n: int, *, name: str | None = None, description: str = "A weekly group."
) -> dict[str, Any]:
    sid = str(uuid.UUID(int=n))
    return {
        "id": sid,
        "name": name or f"Service {n}",
        "description": description,
        "status": "active",
        "last_modified": "2026-11-01T10:00:00Z",
        "organization": {
            "id": ORG_ID,
            "name": "Shropshire Council",
            "description": "The council's community directory.",
        },
    }


class Feed:
    """What the test server serves: `services` in pages of PER_PAGE; `fail_page` answers 500."""

    def __init__(self, services: list[dict[str, Any]]) -> None:
        self.services = services
        self.fail_page: int | None = None
        self.bad_json_page: int | None = None
        self.slow_page: int | None = None
        self.requests: list[dict[str, list[str]]] = []

    def page(self, query: dict[str, list[str]]) -> tuple[int, bytes]:
        self.requests.append(query)
        number = int(query.get("page", ["1"])[0])
        if number == self.fail_page:
            return 500, b"Internal Server Error"
        if number == self.slow_page:
            time.sleep(1.5)
        if number == self.bad_json_page:
            return 200, b'{"contents": [ {"id": '
        items = self.services
        if "modified_after" in query:
            since = dt.datetime.fromisoformat(query["modified_after"][0])
            items = [s for s in items if dt.datetime.fromisoformat(s["last_modified"]) > since]
        total_pages = max(1, -(-len(items) // PER_PAGE))
        chunk = items[(number - 1) * PER_PAGE : number * PER_PAGE]
        body = {
            "total_items": len(items),
            "total_pages": total_pages,
            "page_number": number,
            "size": len(chunk),
            "first_page": number == 1,
            "last_page": number >= total_pages,
            "empty": not chunk,
            "contents": chunk,
        }
        return 200, json.dumps(body).encode()


@pytest.fixture
def feed(settings: Any) -> Iterator[tuple[Feed, str]]:
    settings.DIRECTORY_HARVEST_ALLOW_PRIVATE = True
    settings.DIRECTORY_HARVEST_TIMEOUT = 5
    served = Feed([service(n) for n in range(1, 6)])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/services":
                self.send_error(404)
                return
            status, body = served.page(parse_qs(parts.query))
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the harvester gave up waiting (the timeout test)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served, f"http://127.0.0.1:{server.server_address[1]}/services"
    finally:
        server.shutdown()
        server.server_close()


def make_source(url: str, **fields: Any) -> FeedSource:
    return feed_source_create(
        actor=None,
        name=fields.pop("name", "Shropshire Council"),
        url=url,
        page_size=PER_PAGE,
        licence="Open Government Licence v3.0",
        attribution="Contains data from Shropshire Council.",
        **fields,
    )


def snapshot() -> dict[str, tuple[str, str, str]]:
    return {str(s.uuid): (s.name, s.description, s.status) for s in Service.objects.all()}


def test_first_harvest_imports_every_page_and_records_provenance(feed):
    served, url = feed
    source = make_source(url)

    run = harvest_feed(source=source)

    assert run.status == HarvestStatus.SUCCEEDED, run.error
    assert run.pages == 3
    assert Service.objects.count() == 5
    assert len(run.changes["created"]) == 5
    assert run.changes["updated"] == [] and run.changes["withdrawn"] == []
    prov = ServiceProvenance.objects.get(source=source, record_id=str(uuid.UUID(int=3)))
    assert prov.service.name == "Service 3"
    assert prov.first_seen_at == prov.last_seen_at
    assert prov.source_last_modified == dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)
    assert [int(q["page"][0]) for q in served.requests] == [1, 2, 3]
    assert AuditEvent.objects.filter(action="directory.harvest_succeeded").count() == 1


def test_a_harvest_reports_its_progress_page_by_page_then_rows_written(feed):
    _, url = feed
    heard: list[str] = []

    run = harvest_feed(source=make_source(url), on_progress=heard.append)

    assert run.status == HarvestStatus.SUCCEEDED, run.error
    assert heard[:4] == [
        "Fetched page 1.",
        "Fetched page 2.",
        "Fetched page 3.",
        "Read 5 records from 3 page(s); checking and importing…",
    ]
    assert heard[-1].startswith("Wrote ") and heard[-1].endswith(" rows.")


def test_second_full_harvest_updates_the_changed_service_and_retires_the_withdrawn_one(feed):
    served, url = feed
    source = make_source(url)
    harvest_feed(source=source)
    served.services[1] = service(2, description="Now meets on Thursdays.")
    withdrawn = served.services.pop(3)  # Service 4

    run = harvest_feed(source=source, full=True)

    assert run.status == HarvestStatus.SUCCEEDED, run.error
    assert [c["name"] for c in run.changes["updated"]] == ["Service 2"]
    assert [c["name"] for c in run.changes["withdrawn"]] == ["Service 4"]
    assert run.changes["created"] == []
    assert Service.objects.get(name="Service 2").description == "Now meets on Thursdays."
    gone = Service.objects.get(uuid=withdrawn["id"])  # still there, never deleted
    assert gone.status == ServiceStatus.INACTIVE
    assert ServiceProvenance.objects.get(record_id=withdrawn["id"]).withdrawn_at is not None
    assert Service.objects.filter(status=ServiceStatus.ACTIVE).count() == 4


def test_a_withdrawn_service_published_again_comes_back(feed):
    served, url = feed
    source = make_source(url)
    harvest_feed(source=source)
    fourth = served.services.pop(3)
    harvest_feed(source=source, full=True)
    served.services.append(fourth)

    run = harvest_feed(source=source, full=True)

    assert Service.objects.get(uuid=fourth["id"]).status == ServiceStatus.ACTIVE
    assert [c["name"] for c in run.changes["updated"]] == ["Service 4"]
    assert ServiceProvenance.objects.get(record_id=fourth["id"]).withdrawn_at is None


@pytest.mark.parametrize("fault", ["http", "json", "timeout"])
def test_a_feed_failing_on_page_3_changes_nothing_and_tells_the_administrators(
    feed, personas, fault, settings
):
    served, url = feed
    source = make_source(url)
    harvest_feed(source=source)
    before = snapshot()
    served.services[0] = service(1, name="Renamed on the feed")
    served.services[1] = service(2, description="Changed on the feed")
    served.services.append(service(6))  # page 3: services 5 and 6
    if fault == "http":
        served.fail_page = 3
    elif fault == "json":
        served.bad_json_page = 3
    else:
        settings.DIRECTORY_HARVEST_TIMEOUT = 0.5
        served.slow_page = 3
    mail.outbox.clear()

    run = harvest_feed(source=source, full=True)

    assert run.status == HarvestStatus.FAILED
    assert "Page 3" in run.error
    assert snapshot() == before
    source.refresh_from_db()
    assert source.last_error == run.error
    assert [m.to for m in mail.outbox] == [[personas.admin.email]]
    assert "Nothing in the directory was changed" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="directory.harvest_failed").count() == 1


class _WriteFailed(Exception):
    """The database write stops part-way (a full disk, a killed connection)."""


def test_a_harvest_whose_write_fails_part_way_changes_nothing(feed, personas, monkeypatch):
    from linkwell.directory.exchange.importer import run as importer
    from linkwell.directory.exchange.importer.store import Store

    served, url = feed
    source = make_source(url)
    harvest_feed(source=source)
    before = snapshot()
    served.services = [service(n, description="Changed on the feed.") for n in range(1, 6)]
    served.services.append(service(6))
    # Even were the importer's batches two records, a harvest writes in one transaction...
    monkeypatch.setattr(importer, "BATCH_RECORDS", 2)
    apply = Store.apply

    def fail_once_some_are_written(self: Store) -> None:
        apply(self)
        if Service.objects.filter(description="Changed on the feed.").count() >= 3:
            raise _WriteFailed

    # ...so a write failing once three changed services are in leaves none of them in.
    monkeypatch.setattr(Store, "apply", fail_once_some_are_written)
    mail.outbox.clear()

    run = harvest_feed(source=source, full=True)

    assert run.status == HarvestStatus.FAILED
    assert "stopped unexpectedly (_WriteFailed)" in run.error
    assert snapshot() == before
    assert "Nothing in the directory was changed" in mail.outbox[0].body


def test_a_very_large_feed_on_sqlite_is_written_in_batches_and_a_stop_says_how_far(
    feed, personas, monkeypatch
):
    from linkwell.directory.exchange.importer import run as importer
    from linkwell.directory.exchange.importer.store import Store

    served, url = feed
    source = make_source(url)
    # A feed "too large" for one SQLite transaction: more records than the limit, batches of 2.
    monkeypatch.setattr(importer, "SQLITE_ONE_TRANSACTION_RECORDS", 2)
    monkeypatch.setattr(importer, "BATCH_RECORDS", 2)
    batched = connection.vendor == "sqlite"

    first = harvest_feed(source=source)

    assert first.status == HarvestStatus.SUCCEEDED, first.error
    assert Service.objects.count() == 5
    said = " ".join(first.warnings)
    assert ("written in" in said and "batches of 2" in said) == batched
    before = snapshot()
    served.services = [service(n, description="Changed on the feed.") for n in range(1, 6)]
    apply, calls = Store.apply, [0]

    def stop_part_way(self: Store) -> None:
        calls[0] += 1
        if batched and calls[0] == 3:  # two batches are committed, the third never starts
            raise _WriteFailed
        apply(self)
        if not batched:  # the one transaction has written its rows, then fails
            raise _WriteFailed

    monkeypatch.setattr(Store, "apply", stop_part_way)
    mail.outbox.clear()

    run = harvest_feed(source=source, full=True)

    assert run.status == HarvestStatus.FAILED
    body = mail.outbox[0].body
    changed = Service.objects.filter(description="Changed on the feed.").count()
    if batched:  # the two batches written stay, and the email says so rather than "nothing"
        assert 0 < changed < 5
        assert "2 batch(es) of its listings were written" in body
        assert "Nothing in the directory was changed" not in body
    else:  # PostgreSQL: one transaction whatever the size
        assert snapshot() == before
        assert "Nothing in the directory was changed" in body


def test_a_harvest_whose_recording_fails_says_the_listings_were_written(
    feed, personas, monkeypatch
):
    from linkwell.directory.harvest import runs

    _served, url = feed
    source = make_source(url)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError

    monkeypatch.setattr(runs, "_record", broken)
    mail.outbox.clear()

    run = harvest_feed(source=source)

    assert run.status == HarvestStatus.FAILED
    assert Service.objects.count() == 5
    body = mail.outbox[0].body
    assert "Nothing in the directory was changed" not in body
    assert "The feed's listings were written" in body


def test_a_rejected_record_fails_the_whole_harvest(feed):
    served, url = feed
    source = make_source(url)
    served.services[4] = {**service(5), "minimum_age": 70, "maximum_age": 12}

    run = harvest_feed(source=source)

    assert run.status == HarvestStatus.FAILED
    assert "rejected" in run.error and "maximum_age" in run.error
    assert Service.objects.count() == 0


def test_the_same_failure_is_emailed_once(feed, personas):
    served, url = feed
    source = make_source(url)
    served.fail_page = 1
    harvest_feed(source=source)
    harvest_feed(source=source)
    assert len(mail.outbox) == 1


def test_an_incremental_harvest_sends_modified_after_and_keeps_unlisted_services(feed):
    served, url = feed
    source = make_source(url, supports_modified_after=True)
    first = harvest_feed(source=source)
    source.refresh_from_db()
    assert is_full_harvest(source, timezone.now()) is False
    changed = service(2, description="Changed since")
    changed["last_modified"] = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    served.services[1] = changed
    served.requests.clear()

    run = harvest_feed(source=source)

    assert run.full is False
    sent = served.requests[0]["modified_after"][0]
    assert dt.datetime.fromisoformat(sent) == first.started_at
    assert [c["name"] for c in run.changes["updated"]] == ["Service 2"]
    # Services absent from an incremental answer are not withdrawn.
    assert run.changes["withdrawn"] == []
    assert Service.objects.filter(status=ServiceStatus.ACTIVE).count() == 5


def test_a_feed_without_modified_after_is_always_harvested_in_full(feed):
    _served, url = feed
    source = make_source(url)
    harvest_feed(source=source)
    source.refresh_from_db()
    assert is_full_harvest(source, timezone.now()) is True


def test_local_verification_and_notes_survive_a_harvest_that_changes_the_service(feed, personas):
    served, url = feed
    source = make_source(url)
    harvest_feed(source=source)
    verified_at = timezone.now() - dt.timedelta(days=3)
    Service.objects.filter(name="Service 2").update(
        last_verified_at=verified_at,
        last_verified_by=personas.link_worker,
        staff_notes="Ask for Dave at the door.",
    )
    served.services[1] = service(2, name="Service 2 (renamed)", description="New words.")

    run = harvest_feed(source=source)

    assert [c["name"] for c in run.changes["updated"]] == ["Service 2 (renamed)"]
    kept = Service.objects.get(uuid=served.services[1]["id"])
    assert kept.description == "New words."
    assert kept.staff_notes == "Ask for Dave at the door."
    assert kept.last_verified_at == verified_at
    assert kept.last_verified_by == personas.link_worker


def test_page_url_keeps_the_feeds_own_query():
    url = page_url(
        "https://example.org/services?taxonomy_id=x&page=9",
        page=2,
        per_page=50,
        modified_after=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )
    assert url == (
        "https://example.org/services?taxonomy_id=x&page=2&per_page=50"
        "&modified_after=2026-12-01T00%3A00%3A00%2B00%3A00"
    )


def test_a_private_address_is_refused_unless_allowed(settings):
    settings.DIRECTORY_HARVEST_ALLOW_PRIVATE = False
    source = make_source("http://127.0.0.1:9/services")
    run = harvest_feed(source=source)
    assert run.status == HarvestStatus.FAILED
    assert "not a public internet address" in run.error


def test_due_sources_follow_the_daily_time():
    source = make_source("https://example.org/services")
    FeedSource.objects.filter(pk=source.pk).update(harvest_at=dt.time(3, 0))
    today = timezone.localdate()
    before = timezone.make_aware(dt.datetime.combine(today, dt.time(2, 0)))
    after = timezone.make_aware(dt.datetime.combine(today, dt.time(4, 0)))
    assert due_sources(before) == []
    assert due_sources(after) == [source]
    FeedSource.objects.filter(pk=source.pk).update(last_attempt_at=after)
    assert due_sources(after + dt.timedelta(hours=1)) == []
    FeedSource.objects.filter(pk=source.pk).update(enabled=False, last_attempt_at=None)
    assert due_sources(after) == []


def test_the_command_registers_runs_and_lists_a_feed(feed):
    _served, url = feed
    out = StringIO()
    call_command(
        "harvest", "add", "Council", url, "--licence", "OGL v3.0", "--page-size", "2", stdout=out
    )
    assert "Registered Council" in out.getvalue()
    out, err = StringIO(), _Terminal()
    call_command("harvest", "run", "Council", stdout=out, stderr=err)
    assert "5 new, 0 updated, 0 withdrawn" in out.getvalue()
    shown = err.getvalue()  # progress, on a terminal
    assert "Fetched page 3.\nRead 5 records from 3 page(s)" in shown and "\nWrote " in shown
    out = StringIO()
    call_command("harvest", "list", stdout=out)
    assert "Council" in out.getvalue() and "succeeded" in out.getvalue()


def test_the_command_exits_non_zero_when_a_harvest_fails(feed):
    served, url = feed
    make_source(url, name="Council")
    served.fail_page = 3
    with pytest.raises(CommandError, match="Page 3"):
        call_command("harvest", "run", "Council", stdout=StringIO())
    assert Service.objects.count() == 0


@pytest.mark.parametrize(
    ("page", "number", "last"),
    [
        ({"content": [{"id": 1}], "totalPages": 3}, 2, False),
        ({"content": [{"id": 1}], "totalPages": 3}, 3, True),
        ({"content": [{"id": 1}], "last": True, "totalPages": 9}, 1, True),
        ({"content": []}, 4, True),
    ],
)
def test_oruk1_pages_are_walked_by_their_own_envelope(page, number, last):
    assert _is_last(FeedFormat.ORUK1, page, number) is last


def test_a_page_of_the_wrong_format_fails_the_harvest_by_name():
    with pytest.raises(HarvestError, match=r"Page 2 is not a page of Open Referral UK 3\.0"):
        _is_last(FeedFormat.ORUK3, {"content": []}, 2)


def test_the_scheduled_command_harvests_each_due_feed(feed):
    _served, url = feed
    source = make_source(url, name="Council")
    FeedSource.objects.filter(pk=source.pk).update(harvest_at=dt.time(0, 0))
    make_source(url, name="Paused", enabled=False)
    out = StringIO()

    call_command("harvest", "due", stdout=out)  # tests run queued tasks at once

    assert "Queued the due harvests" in out.getvalue()
    assert Service.objects.count() == 5
    assert list(FeedSource.objects.filter(runs__isnull=False).values_list("name", flat=True)) == [
        "Council"
    ]


def test_the_importer_never_writes_a_listings_local_fields():
    from linkwell.directory.exchange import hsds
    from linkwell.directory.harvest.runs import LOCAL_SERVICE_FIELDS

    written = {field for _, field in hsds.SERVICE_FIELDS}
    local = {f.removesuffix("_id") for f in LOCAL_SERVICE_FIELDS}
    assert local <= {f.name for f in Service._meta.get_fields()}
    assert not written & local


def test_a_harvested_change_is_found_by_its_new_words_not_its_old(feed):
    from linkwell.directory.selectors import ServiceFilters, search_services

    def found(text: str) -> list[str]:
        return [s.name for s in search_services(filters=ServiceFilters(text=text)).items]

    served, url = feed
    source = make_source(url)
    served.services[1] = service(2, description="Chair yoga in the village hall.")
    harvest_feed(source=source)
    assert found("chair yoga") == ["Service 2"]
    served.services[1] = service(2, description="Tai chi in the village hall.")

    harvest_feed(source=source, full=True)

    assert found("tai chi") == ["Service 2"]
    assert found("yoga") == []
