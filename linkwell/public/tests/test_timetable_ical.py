"""The public iCal feed of a service's timetable: parses back with icalendar, and its events
recur on exactly the days and London wall-clock times of the service's sessions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import rrule  # type: ignore[import-untyped]
from django.test import Client
from django.urls import reverse

from linkwell.directory.models import Schedule, Service, ServiceStatus
from linkwell.directory.tests.factories import make_service

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def feed_url(service: Service) -> str:
    return reverse("public:service_timetable", args=[service.uuid])


def events(body: bytes) -> list[icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def _rrule_text(event: icalendar.Component) -> str:
    value = event["RRULE"].to_ical()
    return value.decode() if isinstance(value, bytes) else str(value)


def occurrences(event: icalendar.Component, until: dt.datetime) -> list[dt.datetime]:
    """Every session up to `until`, expanded by dateutil (not by the code under test)."""
    start = event.decoded("dtstart")
    if "RRULE" not in event:
        return [start]
    rule = rrule.rrulestr(_rrule_text(event), dtstart=start)
    return list(rule.between(start - dt.timedelta(seconds=1), until, inc=True))


@pytest.fixture
def shed() -> Service:
    service = make_service(
        "Oswestry Men's Shed",
        postcode="SY11 1AA",
        byday="TU,TH",
        opens="10:00",
        closes="12:00",
    )
    Schedule.objects.filter(service=service).update(
        valid_from=dt.date(2026, 3, 20), description="Bring old clothes."
    )
    return service


def test_a_running_services_timetable_is_a_calendar_of_its_sessions(client: Client, shed):
    response = client.get(feed_url(shed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    (event,) = events(response.content)
    assert str(event["summary"]) == "Oswestry Men's Shed"
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert "SY11 1AA" in str(event["location"])
    assert "Bring old clothes." in str(event["description"])
    # Tuesdays and Thursdays from 20 March 2026 (a Friday), at 10:00 London time either side
    # of the clocks going forward on 29 March.
    expected = [dt.datetime(2026, 3, d, 10, 0, tzinfo=LONDON) for d in (24, 26, 31)] + [
        dt.datetime(2026, 4, d, 10, 0, tzinfo=LONDON) for d in (2, 7)
    ]
    got = occurrences(event, dt.datetime(2026, 4, 8, tzinfo=LONDON))
    assert got == expected
    assert [o.utcoffset() for o in got] == [dt.timedelta(0)] * 2 + [dt.timedelta(hours=1)] * 3
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=2)


def test_a_monthly_session_with_an_end_stops_there(client: Client):
    service = make_service("Memory cafe", byday="2WE", opens="14:00", closes="15:30")
    Schedule.objects.filter(service=service).update(
        freq="MONTHLY", valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 4, 30)
    )
    (event,) = events(client.get(feed_url(service)).content)
    got = occurrences(event, dt.datetime(2027, 1, 1, tzinfo=LONDON))
    assert got == [
        dt.datetime(2026, m, d, 14, 0, tzinfo=LONDON)
        for m, d in ((1, 14), (2, 11), (3, 11), (4, 8))
    ]


def test_a_one_off_session_is_one_event(client: Client):
    service = make_service("Open day")
    Schedule.objects.create(
        service=service, dtstart=dt.date(2026, 6, 6), opens_at=dt.time(11), closes_at=dt.time(15)
    )
    (event,) = events(client.get(feed_url(service)).content)
    assert "RRULE" not in event
    assert event.decoded("dtstart") == dt.datetime(2026, 6, 6, 11, tzinfo=LONDON)


def test_sessions_at_each_place_are_events_too_with_stable_ids(client: Client, shed):
    sal = shed.service_at_locations.get()
    Schedule.objects.create(
        service_at_location=sal,
        freq="WEEKLY",
        byday="SA",
        opens_at=dt.time(9),
        closes_at=dt.time(10),
        valid_from=dt.date(2026, 3, 20),
    )
    first = events(client.get(feed_url(shed)).content)
    again = events(client.get(feed_url(shed)).content)
    assert len(first) == 2
    assert [str(e["uid"]) for e in first] == [str(e["uid"]) for e in again]
    saturday = next(e for e in first if "BYDAY=SA" in _rrule_text(e))
    assert saturday.decoded("dtstart") == dt.datetime(2026, 3, 21, 9, tzinfo=LONDON)


def test_a_service_without_sessions_has_an_empty_calendar(client: Client):
    service = make_service("Phone line")
    response = client.get(feed_url(service))
    assert response.status_code == 200
    assert events(response.content) == []


@pytest.mark.parametrize(
    "status", [ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT, ServiceStatus.TEMPORARILY_CLOSED]
)
def test_a_service_not_listed_publicly_has_no_feed(client: Client, shed, status):
    Service.objects.filter(pk=shed.pk).update(status=status)
    assert client.get(feed_url(shed)).status_code == 404


def test_an_unknown_service_has_no_feed(client: Client, db):
    url = reverse("public:service_timetable", args=["3f7b145d-84af-42d7-8fae-eaca714b02b2"])
    assert client.get(url).status_code == 404


def test_the_public_service_page_links_to_the_feed(client: Client, shed):
    page = client.get(reverse("public:service_detail", args=[shed.uuid]))
    assert page.status_code == 200
    assert feed_url(shed) in page.content.decode()


def test_a_last_friday_of_the_month_session_starts_on_the_first_last_friday(client: Client):
    service = make_service("Friday social", byday="-1FR", opens="19:00", closes="21:00")
    Schedule.objects.filter(service=service).update(
        freq="MONTHLY", valid_from=dt.date(2026, 1, 1), count=3
    )
    (event,) = events(client.get(feed_url(service)).content)
    got = occurrences(event, dt.datetime(2027, 1, 1, tzinfo=LONDON))
    assert got == [
        dt.datetime(2026, m, d, 19, 0, tzinfo=LONDON) for m, d in ((1, 30), (2, 27), (3, 27))
    ]
