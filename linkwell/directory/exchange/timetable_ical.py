"""A service's timetable as an iCalendar (RFC 5545) feed: one event per HSDS schedule row.

The public service page links to it (`/find/services/<id>/timetable.ics`) so people can add a
group's sessions to their own calendar. Built from the schedules of the service and of each
place it runs (service_at_location), with the `icalendar` library:

- Times are wall-clock times in Europe/London (`DTSTART;TZID=Europe/London`, with its
  VTIMEZONE), so a 10:00 session stays at 10:00 across the clock changes.
- A recurring schedule (`freq` WEEKLY, MONTHLY or DAILY) is one event with an RRULE carrying its
  `interval`, `byday` (also "2WE" style), `bymonthday`, `count`, and `until` or `valid_to`
  (whichever is earlier). DTSTART is the first session on or after the schedule's `dtstart`,
  else its `valid_from`, else the day the service was listed: stable from one fetch to the
  next, so calendar apps update events instead of duplicating them (UIDs are the schedule ids).
- A schedule with a `dtstart` and no `freq` is a single session on that day.
- Rows without an opening time cannot be placed in a calendar and are left out, as are
  frequencies RFC 5545 has but HSDS schedules here never use. Linkwell does not model exception
  dates (EXDATE), so none are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar

from linkwell.directory.models import Schedule, Service, ServiceAtLocation

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Linkwell//Service timetable//EN"
FREQUENCIES = ("WEEKLY", "MONTHLY", "DAILY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# How far ahead to look for a schedule's first session (a monthly "5th Friday" may skip months).
_SEARCH_DAYS = 800


def _byday(value: str) -> list[tuple[int | None, str]]:
    """ "MO,WE" / "2WE,-1FR" -> [(None, "MO"), (2, "WE"), (-1, "FR")]; unreadable parts dropped."""
    out: list[tuple[int | None, str]] = []
    for part in value.replace(" ", "").upper().split(","):
        code, number = part[-2:], part[:-2]
        if code not in _WEEKDAYS:
            continue
        try:
            out.append((int(number) if number else None, code))
        except ValueError:
            continue
    return out


def _monthdays(value: str) -> list[int]:
    days = []
    for part in value.replace(" ", "").split(","):
        try:
            day = int(part)
        except ValueError:
            continue
        if 1 <= abs(day) <= 31:
            days.append(day)
    return days


def _last_day(schedule: Schedule) -> dt.date | None:
    ends = [d for d in (schedule.until, schedule.valid_to) if d is not None]
    return min(ends) if ends else None


def _matches(schedule: Schedule, day: dt.date) -> bool:
    """Whether `day` fits the schedule's BYDAY/BYMONTHDAY (ignoring INTERVAL: the first
    session opens the first interval)."""
    days = _byday(schedule.byday)
    if days:
        code = _WEEKDAYS[day.weekday()]
        nth = (day.day - 1) // 7 + 1
        next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        nth_from_end = -(((next_month - day).days - 1) // 7) - 1
        if not any(c == code and n in (None, nth, nth_from_end) for n, c in days):
            return False
    monthdays = _monthdays(schedule.bymonthday)
    if monthdays:
        next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        from_end = day.day - (next_month - dt.timedelta(days=1)).day - 1
        if day.day not in monthdays and from_end not in monthdays:
            return False
    return True


def _first_day(schedule: Schedule, anchor: dt.date) -> dt.date | None:
    """The first day on or after `anchor` with a session, before the schedule ends."""
    last = _last_day(schedule)
    for offset in range(_SEARCH_DAYS):
        day = anchor + dt.timedelta(days=offset)
        if last is not None and day > last:
            return None
        if _matches(schedule, day):
            return day
    return None


def _anchor(schedule: Schedule, service: Service) -> dt.date:
    listed = service.created_at.astimezone(LONDON).date()
    return schedule.dtstart or schedule.valid_from or listed


def _recur(schedule: Schedule, last: dt.date | None) -> icalendar.vRecur:
    recur = icalendar.vRecur(FREQ=schedule.freq.upper())
    if schedule.interval and schedule.interval > 1:
        recur["INTERVAL"] = schedule.interval
    days = _byday(schedule.byday)
    if days:
        recur["BYDAY"] = [f"{n or ''}{c}" for n, c in days]
    monthdays = _monthdays(schedule.bymonthday)
    if monthdays:
        recur["BYMONTHDAY"] = monthdays
    if last is not None:
        # With a zoned DTSTART, UNTIL is in UTC (RFC 5545 3.3.10): the end of that London day.
        end = dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=LONDON)
        recur["UNTIL"] = end.astimezone(dt.UTC)
    elif schedule.count:
        recur["COUNT"] = schedule.count
    return recur


def _event(
    schedule: Schedule, service: Service, *, where: str, page_url: str, stamp: dt.datetime
) -> icalendar.Event | None:
    if schedule.opens_at is None:
        return None
    freq = (schedule.freq or "").upper()
    recurring = bool(freq)
    if recurring and freq not in FREQUENCIES:
        return None
    # DTSTART must be the first session itself (RFC 5545 counts it as one).
    first = _first_day(schedule, _anchor(schedule, service)) if recurring else schedule.dtstart
    if first is None:
        return None
    start = dt.datetime.combine(first, schedule.opens_at, tzinfo=LONDON)
    event = icalendar.Event()
    event.add("uid", f"{schedule.uuid}@linkwell")
    event.add("dtstamp", stamp)
    event.add("summary", service.name)
    event.add("dtstart", start)
    if schedule.closes_at is not None and schedule.closes_at > schedule.opens_at:
        event.add("dtend", dt.datetime.combine(start.date(), schedule.closes_at, tzinfo=LONDON))
    if recurring:
        event.add("rrule", _recur(schedule, _last_day(schedule)))
    if where:
        event.add("location", where)
    notes = [schedule.description, schedule.notes, f"More about this service: {page_url}"]
    event.add("description", "\n\n".join(n for n in notes if n))
    event.add("url", page_url)
    return event


def _place(sal: ServiceAtLocation) -> str:
    location = sal.location
    parts = [location.name]
    for address in location.addresses.all():
        parts += [address.address_1, address.city, address.postal_code]
    return ", ".join(p for p in parts if p)


def service_calendar(service: Service, *, page_url: str) -> bytes:
    """The feed's bytes. `service` should have its schedules, its service_at_locations with
    their schedules, locations and addresses prefetched (`public_service_detail` does)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", service.name)
    calendar.add("x-wr-timezone", "Europe/London")
    stamp = service.updated_at.astimezone(dt.UTC)
    sals = list(service.service_at_locations.all())
    only_place = _place(sals[0]) if len(sals) == 1 else ""
    rows: Iterable[tuple[Schedule, str]] = [
        *((s, only_place) for s in service.schedules.all()),
        *((s, _place(sal)) for sal in sals for s in sal.schedules.all()),
    ]
    for schedule, where in rows:
        event = _event(schedule, service, where=where, page_url=page_url, stamp=stamp)
        if event is not None:
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _runs_on(schedule: Schedule, day: dt.date) -> bool:
    start = schedule.dtstart or schedule.valid_from
    last = _last_day(schedule)
    if (start is not None and day < start) or (last is not None and day > last):
        return False
    return _matches(schedule, day)


def session_days(service: Service, *, until: dt.date, count: int = 8) -> list[dt.date]:
    """The last `count` days on or before `until` on which the service's recurring schedules
    (its own and its places') say a session runs, newest first: the dates a provider's
    attendance register offers. INTERVAL is ignored as in `_matches`, so a fortnightly group
    offers every week; empty when no schedule names a day."""
    schedules = [
        s
        for s in (
            *service.schedules.all(),
            *(s for sal in service.service_at_locations.all() for s in sal.schedules.all()),
        )
        if s.freq.upper() in FREQUENCIES and (s.byday or s.bymonthday)
    ]
    days: list[dt.date] = []
    for offset in range(_SEARCH_DAYS if schedules else 0):
        day = until - dt.timedelta(days=offset)
        if any(_runs_on(s, day) for s in schedules):
            days.append(day)
            if len(days) == count:
                break
    return days
