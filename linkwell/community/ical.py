"""Reading a provider's iCal (RFC 5545) timetable into HSDS schedule rows.

`parse_feed` turns the text into plain dicts shaped like `directory.Schedule` fields, or raises
`FeedError` with a reason a provider can act on. It never writes: timetables.feed_import applies
the result atomically. `fetch_url` gets a provider's feed over http(s) only, with a timeout and
a size cap, refusing addresses inside our own network (a feed URL is typed in by a provider, so
it must not be a way to make the server call its neighbours).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar

from linkwell.core.exceptions import LinkwellError

LONDON = ZoneInfo("Europe/London")
MAX_FEED_BYTES = 1_000_000
MAX_EVENTS = 500
MAX_COUNT = 1000
MAX_INTERVAL = 12
FETCH_TIMEOUT_SECONDS = 10
# Days a timetable may reach: nothing before 1970, nothing starting more than 5 years ahead.
MAX_YEARS_AHEAD = 5
SUPPORTED_FREQ = ("WEEKLY", "MONTHLY", "DAILY")
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class FeedError(LinkwellError):
    """The feed cannot be used; the message says why (shown and emailed to the provider)."""


# --- Fetching ----------------------------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FeedError("The timetable address must start with https:// or http://.")
    host = parts.hostname
    if not host:
        raise FeedError("The timetable address has no host name.")
    try:
        infos = socket.getaddrinfo(host, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FeedError(f"We could not find the server {host}.") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FeedError(f"{host} is not a public internet address.")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        _check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(url: str) -> bytes:
    """The feed's bytes; FeedError on a bad address, a timeout, an HTTP error or a file over
    MAX_FEED_BYTES."""
    _check_url(url)
    opener = urllib.request.build_opener(_CheckedRedirects)
    # _check_url above allows only http(s) to public addresses.
    request = urllib.request.Request(url, headers={"User-Agent": "Linkwell timetable import"})  # noqa: S310
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            body: bytes = response.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FeedError(
            f"The server answered {exc.code} {exc.reason} for the timetable address."
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FeedError(f"We could not fetch the timetable ({reason}).") from exc
    if len(body) > MAX_FEED_BYTES:
        raise FeedError(f"The timetable is larger than {MAX_FEED_BYTES // 1_000_000} MB.")
    return body


# --- Parsing -----------------------------------------------------------------------------------


def _local(value: dt.date | dt.datetime) -> tuple[dt.date, dt.time | None]:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LONDON)
        return value.date(), value.time().replace(second=0, microsecond=0, tzinfo=None)
    return value, None


def _label(index: int, event: Any) -> str:
    summary = str(event.get("SUMMARY", "")).strip()
    return f"Event {index}" + (f" (“{summary[:60]}”)" if summary else "")


def _first(rule: Any, key: str) -> Any:
    values = rule.get(key)
    if not values:
        return None
    return values[0] if isinstance(values, list) else values


def _exdates(event: Any, today: dt.date) -> list[dt.date]:
    raw = event.get("EXDATE")
    if raw is None:
        return []
    lists = raw if isinstance(raw, list) else [raw]
    out: set[dt.date] = set()
    for item in lists:
        for value in getattr(item, "dts", []):
            day, _ = _local(value.dt)
            if day >= today:
                out.add(day)
    return sorted(out)


def _date_text(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def parse_feed(data: bytes | str, *, today: dt.date) -> list[dict[str, Any]]:
    """Schedules (dicts of Schedule fields) for the feed's current and future events.

    Raises FeedError for: text that is not iCal, too large, no events, an event with no start,
    an end before its start, an unsupported or absurd recurrence, dates out of range, or no
    event on or after `today`. Cancelled events and moved single occurrences are skipped."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"The timetable is larger than {MAX_FEED_BYTES // 1_000_000} MB.")
    upper = data.upper()
    if b"BEGIN:VCALENDAR" in upper and b"END:VCALENDAR" not in upper:
        # The commonest broken feed: a file cut short (or copied in part). icalendar's own
        # message would quote the raw bytes at the provider.
        raise FeedError(
            "The calendar is cut short: it has no END:VCALENDAR line. "
            "Check the whole file was exported or uploaded."
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and friends
        # Its messages may end with the raw bytes (": b'BEGIN:…'"); a provider needs the reason.
        reason = re.split(r""":\s*b['"]""", str(exc), maxsplit=1)[0].strip()[:120]
        raise FeedError(f"This is not an iCal calendar we can read ({reason}).") from exc
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise FeedError("This is not an iCal calendar: it does not start with BEGIN:VCALENDAR.")
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise FeedError("The calendar has no events in it.")
    if len(events) > MAX_EVENTS:
        raise FeedError(f"The calendar has {len(events)} events; we take at most {MAX_EVENTS}.")
    earliest = dt.date(1970, 1, 1)
    latest = today.replace(year=today.year + MAX_YEARS_AHEAD)
    schedules: list[dict[str, Any]] = []
    for index, event in enumerate(events, start=1):
        label = _label(index, event)
        if str(event.get("STATUS", "")).upper() == "CANCELLED" or event.get("RECURRENCE-ID"):
            continue
        start_prop = event.get("DTSTART")
        if start_prop is None:
            raise FeedError(f"{label} has no start (DTSTART).")
        try:
            start_day, start_time = _local(start_prop.dt)
        except (AttributeError, ValueError) as exc:
            raise FeedError(f"{label} has a start we cannot read.") from exc
        if not earliest <= start_day <= latest:
            raise FeedError(
                f"{label} starts on {start_day:%d %B %Y}, outside the years a timetable covers."
            )
        end_time = None
        end_prop = event.get("DTEND")
        if end_prop is not None:
            end_day, end_time = _local(end_prop.dt)
            if (end_day, end_time or dt.time.min) < (start_day, start_time or dt.time.min):
                raise FeedError(f"{label} ends before it starts.")
            if start_time is not None and (end_day - start_day).days > 1:
                raise FeedError(f"{label} lasts more than a day; a timetable lists sessions.")
            if end_day != start_day:
                end_time = None  # overnight: we show the start time only
        elif event.get("DURATION") is not None and start_time is not None:
            duration = event.get("DURATION").dt
            if duration <= dt.timedelta(0) or duration > dt.timedelta(hours=24):
                raise FeedError(f"{label} has a duration of {duration}, which is not a session.")
            end = dt.datetime.combine(start_day, start_time) + duration
            end_time = end.time() if end.date() == start_day else None
        summary = str(event.get("SUMMARY", "")).strip()[:500]
        base: dict[str, Any] = {
            "opens_at": start_time,
            "closes_at": end_time if start_time is not None else None,
            "dtstart": start_day,
            "valid_from": start_day,
            "description": summary,
        }
        rule = event.get("RRULE")
        if rule is None:
            if start_day < today:
                continue
            base.update(
                valid_to=start_day,
                description=f"{_date_text(start_day)}" + (f": {summary}" if summary else ""),
            )
            schedules.append(base)
            continue
        schedule = _recurrence(label, rule, start_day, base, today=today, latest=latest)
        if schedule is None:
            continue
        exdates = _exdates(event, today)
        if exdates:
            shown = ", ".join(f"{d.day} {d:%B %Y}" for d in exdates[:20])
            more = f" and {len(exdates) - 20} more dates" if len(exdates) > 20 else ""
            schedule["notes"] = f"Not running on {shown}{more}."
        schedules.append(schedule)
    if not schedules:
        raise FeedError("The calendar has no events from today onwards.")
    return schedules


def _recurrence(
    label: str,
    rule: Any,
    start_day: dt.date,
    base: dict[str, Any],
    *,
    today: dt.date,
    latest: dt.date,
) -> dict[str, Any] | None:
    freq = str(_first(rule, "FREQ") or "").upper()
    if freq not in SUPPORTED_FREQ:
        raise FeedError(
            f"{label} repeats {freq.lower() or 'with no frequency'}; timetables take weekly or "
            "monthly sessions (or daily ones)."
        )
    try:
        interval = int(_first(rule, "INTERVAL") or 1)
        count = _first(rule, "COUNT")
        count = int(count) if count is not None else None
    except (TypeError, ValueError) as exc:
        raise FeedError(f"{label} has a repeat rule we cannot read.") from exc
    if not 1 <= interval <= MAX_INTERVAL:
        raise FeedError(
            f"{label} repeats every {interval} {freq.lower()} periods; that is not a timetable."
        )
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise FeedError(f"{label} repeats {count} times; we take between 1 and {MAX_COUNT}.")
    until_raw = _first(rule, "UNTIL")
    until = _local(until_raw)[0] if until_raw is not None else None
    if until is not None and until < start_day:
        raise FeedError(f"{label} stops repeating before it starts.")
    if until is not None and until < today:
        return None  # finished
    if until is not None and until > latest.replace(year=latest.year + 20):
        until = None  # "forever", as some calendars write it
    byday = [str(d).upper() for d in (rule.get("BYDAY") or [])]
    setpos = _first(rule, "BYSETPOS")
    bymonthday = [int(d) for d in (rule.get("BYMONTHDAY") or [])]
    if any(not 1 <= abs(d) <= 31 for d in bymonthday):
        raise FeedError(f"{label} repeats on a day of the month that does not exist.")
    if freq == "DAILY":
        if interval != 1 or byday:
            raise FeedError(f"{label} repeats daily in a way a weekly timetable cannot show.")
        freq, byday = "WEEKLY", list(_DAY_CODES)
    if freq == "WEEKLY":
        if not byday:
            byday = [_DAY_CODES[start_day.weekday()]]
        if any(d not in _DAY_CODES for d in byday):
            raise FeedError(
                f"{label} has a weekly repeat on days we cannot read: {','.join(byday)}."
            )
    if freq == "MONTHLY":
        if setpos is not None and byday and all(d in _DAY_CODES for d in byday):
            byday = [f"{int(setpos)}{d}" for d in byday]
        if not byday and not bymonthday:
            bymonthday = [start_day.day]
        for d in byday:
            if d[-2:] not in _DAY_CODES or d[:-2] not in (
                "1",
                "2",
                "3",
                "4",
                "-1",
                "+1",
                "+2",
                "+3",
                "+4",
                "5",
            ):
                raise FeedError(f"{label} has a monthly repeat on {d}, which we cannot read.")
    return {
        **base,
        "freq": freq,
        "interval": interval,
        "byday": ",".join(d.lstrip("+") for d in byday),
        "bymonthday": ",".join(str(d) for d in bymonthday),
        "count": count,
        "until": until,
        "valid_to": until,
    }
