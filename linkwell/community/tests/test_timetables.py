"""iCal timetable import: a good feed becomes HSDS schedules; every bad feed changes nothing,
is recorded on the feed with its reason, and the provider is emailed (once per reason)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from linkwell.audit.models import AuditEvent
from linkwell.community import ical
from linkwell.community.ical import FeedError, parse_feed
from linkwell.community.models import FeedStatus, TimetableFeed
from linkwell.community.timetables import feed_attach, feed_import, feed_remove
from linkwell.directory.models import Schedule, Service
from linkwell.directory.tests.factories import make_organization, make_service
from tests.personas import Personas

pytestmark = pytest.mark.django_db

GOOD = (Path(__file__).parent / "fixtures" / "good.ics").read_text()
TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def calendar(*events: str) -> str:
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n"


def event(*lines: str) -> str:
    return (
        "BEGIN:VEVENT\r\nUID:x@example.org\r\n"
        + "".join(f"{line}\r\n" for line in lines)
        + "END:VEVENT\r\n"
    )


WEEKLY = event(
    "SUMMARY:Walk", "DTSTART:20261201T100000", "DTEND:20261201T110000", "RRULE:FREQ=WEEKLY"
)


def test_weekly_monthly_exceptions_and_one_off_events_are_read() -> None:
    rows = parse_feed(GOOD, today=TODAY)
    assert len(rows) == 3  # last year's fair is past and skipped
    weekly, monthly, fair = rows
    assert (weekly["freq"], weekly["byday"], weekly["interval"]) == ("WEEKLY", "TU", 1)
    assert (weekly["opens_at"], weekly["closes_at"]) == (dt.time(10), dt.time(12, 30))
    assert weekly["notes"] == "Not running on 22 December 2026, 29 December 2026."
    # 19:00 UTC in January is 19:00 in London; the duration gives the end.
    assert (monthly["freq"], monthly["byday"]) == ("MONTHLY", "1FR")
    assert (monthly["opens_at"], monthly["closes_at"]) == (dt.time(19), dt.time(20, 30))
    assert fair["valid_from"] == fair["valid_to"] == dt.date(2027, 6, 12)
    assert fair["description"] == "Saturday 12 June 2027: Summer fair"


def test_times_are_shown_in_london_time_in_summer() -> None:
    rows = parse_feed(
        calendar(event("DTSTART:20270601T090000Z", "DTEND:20270601T100000Z")), today=TODAY
    )
    assert rows[0]["opens_at"] == dt.time(10)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("this is not a calendar", "not an iCal calendar"),
        (calendar(), "no events"),
        (calendar(event("SUMMARY:Walk")), "has no start"),
        (
            calendar(event("DTSTART:20261201T100000", "DTEND:20261201T090000")),
            "ends before it starts",
        ),
        (calendar(event("DTSTART:20261201T100000", "RRULE:FREQ=SECONDLY")), "repeats secondly"),
        (calendar(event("DTSTART:20261201T100000", "RRULE:FREQ=HOURLY")), "repeats hourly"),
        (calendar(event("DTSTART:20261201T100000", "RRULE:FREQ=WEEKLY;INTERVAL=500")), "every 500"),
        (
            calendar(event("DTSTART:20261201T100000", "RRULE:FREQ=WEEKLY;COUNT=99999")),
            "99999 times",
        ),
        (
            calendar(event("DTSTART:20261201T100000", "RRULE:FREQ=WEEKLY;UNTIL=20250101T000000Z")),
            "stops repeating before it starts",
        ),
        (calendar(event("DTSTART:29991201T100000")), "outside the years"),
        (calendar(event("DTSTART:20261201T100000", "DURATION:P3D")), "not a session"),
        (calendar(event("DTSTART:20200101T100000")), "no events from today"),
        (calendar(*[WEEKLY] * (ical.MAX_EVENTS + 1)), "at most"),
        ("BEGIN:VCALENDAR\r\n" + "X" * (ical.MAX_FEED_BYTES + 1), "larger than"),
        (calendar(event("DTSTART:20261201T100000")).split("END:VCALENDAR")[0], "cut short"),
    ],
)
def test_an_invalid_feed_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(FeedError, match=reason) as raised:
        parse_feed(text, today=TODAY)
    assert "b'" not in str(raised.value)  # the provider reads this: no raw bytes


def test_a_parse_error_is_told_without_quoting_the_file() -> None:
    with pytest.raises(FeedError, match="not an iCal calendar we can read") as raised:
        parse_feed("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", today=TODAY)
    assert "b'" not in str(raised.value) and "BEGIN" not in str(raised.value)


@pytest.fixture
def service(personas: Personas) -> Service:
    org = make_organization("Oswestry Men's Shed", owner=personas.provider_org)
    return make_service("Shed", organization=org, byday="MO", opens="09:00", closes="10:00")


def _stub(text: str) -> Callable[[str], bytes]:
    def fetch(url: str) -> bytes:
        assert url == "https://shed.example.org/timetable.ics"
        return text.encode()

    return fetch


def _attach(service: Service, personas: Personas) -> TimetableFeed:
    return feed_attach(
        actor=personas.owner, service=service, url="https://shed.example.org/timetable.ics"
    )


def test_a_good_feed_replaces_only_its_own_schedules(service: Service, personas: Personas) -> None:
    feed = _attach(service, personas)
    assert feed_import(feed=feed, fetch=_stub(GOOD), now=NOW)
    feed.refresh_from_db()
    assert feed.status == FeedStatus.OK and feed.events_imported == 3
    schedules = Schedule.objects.filter(service=service)
    # The typed-in Monday session stays; the feed's three are added.
    assert schedules.count() == 4
    assert schedules.filter(byday="MO", community_feed_link__isnull=True).exists()
    # A second feed version with one event replaces the three.
    one = calendar(event("SUMMARY:Walk", "DTSTART:20261203T100000", "RRULE:FREQ=WEEKLY;BYDAY=TH"))
    assert feed_import(feed=feed, fetch=_stub(one), now=NOW)
    assert Schedule.objects.filter(service=service).count() == 2
    assert AuditEvent.objects.filter(action="community.timetable_imported").count() == 2


def test_importing_the_same_feed_again_writes_nothing(service: Service, personas: Personas) -> None:
    feed = _attach(service, personas)
    feed_import(feed=feed, fetch=_stub(GOOD), now=NOW)
    ids = set(Schedule.objects.values_list("id", flat=True))
    feed_import(feed=feed, fetch=_stub(GOOD), now=NOW)
    assert set(Schedule.objects.values_list("id", flat=True)) == ids
    assert AuditEvent.objects.filter(action="community.timetable_imported").count() == 1


def _fetch_fails(url: str) -> bytes:
    raise FeedError("We could not fetch the timetable (timed out).")


def _fetch_crashes(url: str) -> bytes:
    raise ConnectionResetError


@pytest.mark.parametrize(
    ("fetch", "reason"),
    [
        (_stub("not a calendar"), "not an iCal calendar"),
        (_stub(calendar()), "no events"),
        (_stub(calendar(event("SUMMARY:No start"))), "has no start"),
        (_stub(calendar(event("DTSTART:20261201T100000", "RRULE:FREQ=MINUTELY"))), "minutely"),
        (_stub("X" * (ical.MAX_FEED_BYTES + 1)), "larger than"),
        (_fetch_fails, "timed out"),
        (_fetch_crashes, "ConnectionResetError"),
    ],
)
def test_a_bad_feed_changes_nothing_and_tells_the_provider(
    service: Service,
    personas: Personas,
    fetch: Callable[[str], bytes],
    reason: str,
) -> None:
    feed = _attach(service, personas)
    feed_import(feed=feed, fetch=_stub(GOOD), now=NOW)
    before = sorted(Schedule.objects.values_list("id", "byday", "opens_at", "notes"))
    mail.outbox.clear()
    assert not feed_import(feed=feed, fetch=fetch, now=NOW)
    assert sorted(Schedule.objects.values_list("id", "byday", "opens_at", "notes")) == before
    feed.refresh_from_db()
    assert feed.status == FeedStatus.FAILED and reason in feed.last_error
    assert feed.events_imported == 3  # still what the last good import brought
    # The provider's staff (who attached it, and their colleagues) are emailed the reason.
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["owner@shed.example", "teammate@shed.example"]
    assert reason in mail.outbox[0].body
    # The same failure tomorrow is recorded but not emailed again.
    mail.outbox.clear()
    feed_import(feed=feed, fetch=fetch, now=NOW + dt.timedelta(days=1))
    assert mail.outbox == []


def test_urls_other_than_public_http_are_refused_before_fetching() -> None:
    for url in (
        "file:///etc/passwd",
        "ftp://example.org/x.ics",
        "http://127.0.0.1/x.ics",
        "http://10.0.0.8/x.ics",
    ):
        with pytest.raises(FeedError):
            ical.fetch_url(url)


def test_removing_a_feed_removes_the_schedules_it_brought(
    service: Service, personas: Personas
) -> None:
    feed = _attach(service, personas)
    feed_import(feed=feed, fetch=_stub(GOOD), now=NOW)
    feed_remove(actor=personas.owner, feed=feed)
    assert list(Schedule.objects.filter(service=service).values_list("byday", flat=True)) == ["MO"]


def test_an_uploaded_file_is_imported_without_fetching(
    service: Service, personas: Personas
) -> None:
    feed = feed_attach(actor=personas.owner, service=service, uploaded=GOOD, filename="shed.ics")

    def never(url: str) -> bytes:
        raise AssertionError("uploaded feeds are not fetched")

    assert feed_import(feed=feed, fetch=never, now=NOW)


def test_the_feeds_command_imports_and_exits_non_zero_when_a_feed_fails(
    service: Service, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    _attach(service, personas)
    monkeypatch.setattr("linkwell.community.timetables.fetch_url", _stub("nonsense"))
    with pytest.raises(CommandError, match="1 timetable feed"):
        call_command("community", "feeds", "--now")
    monkeypatch.setattr("linkwell.community.timetables.fetch_url", _stub(GOOD))
    call_command("community", "feeds", "--now")
    assert TimetableFeed.objects.get().status == FeedStatus.OK


def test_imported_schedules_export_as_valid_open_referral_uk(
    service: Service, personas: Personas
) -> None:
    from linkwell.directory.exchange import hsds, schemas

    feed = _attach(service, personas)
    feed_import(feed=feed, fetch=_stub(GOOD), now=NOW)
    data = hsds.service_to_hsds(Service.objects.get(pk=service.pk))
    assert len(data["schedules"]) == 4
    for name in (schemas.ORUK_SERVICE, schemas.HSDS_SERVICE):
        assert [e.message for e in schemas.validator(name).iter_errors(data)] == []
