"""Query-parameter parsing for the ORUK API: one function per parameter type.

Every parser raises `InvalidParameter` (HTTP 400, `{"detail": "..."}`) with a message that names
the parameter and says what a valid value looks like, so an integrator can fix the call from the
response alone. Unknown parameters are ignored (clients add cache busters), but a known parameter
with a malformed value is never silently dropped: that would return wrong results that look right.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import APIException

DEFAULT_PER_PAGE = 50
# A page of fully nested services is a few kB each; 500 keeps the worst response to a few MB.
MAX_PER_PAGE = 500
MAX_PAGE = 100_000
# Proximity is in metres (ORUK `proximity`); 200 km is more than any local directory spans.
MAX_PROXIMITY_METRES = 200_000

# RFC 5545 BYDAY codes, as HSDS 3 `schedule.byday` stores them (ORUK `day`).
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}


class InvalidParameter(APIException):
    status_code = 400
    default_detail = "A query parameter is invalid."
    default_code = "invalid_parameter"


Query = Mapping[str, str]


def _raw(query: Query, name: str) -> str | None:
    """The stripped value, or None when the parameter is absent or blank (`?search=` = no search).

    A NUL character (`%00`) is refused here, for every parameter: PostgreSQL cannot hold one in
    text, so passing it on would be a database error (a 500) instead of a clear 400."""
    value = query.get(name)
    if value is None:
        return None
    if "\x00" in value:
        raise InvalidParameter(f"{name} must not contain a NUL character (%00)")
    value = value.strip()
    return value or None


def parse_int(query: Query, name: str, *, minimum: int, maximum: int) -> int | None:
    value = _raw(query, name)
    if value is None:
        return None
    message = f"{name} must be a whole number between {minimum} and {maximum}"
    try:
        number = int(value)
    except ValueError:
        raise InvalidParameter(message) from None
    if not minimum <= number <= maximum:
        raise InvalidParameter(message)
    return number


def parse_age(query: Query, name: str) -> int | None:
    """ORUK types ages as `number`; we hold whole years, so accept `18` or `18.0` but not `18.5`."""
    value = _raw(query, name)
    if value is None:
        return None
    message = f"{name} must be an age in whole years between 0 and 150"
    try:
        number = float(value)
    except ValueError:
        raise InvalidParameter(message) from None
    if not math.isfinite(number) or number != int(number) or not 0 <= number <= 150:
        raise InvalidParameter(message)
    return int(number)


def parse_uuid(query: Query, name: str) -> uuid.UUID | None:
    value = _raw(query, name)
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidParameter(
            f"{name} must be an id (a UUID such as 3f7b145d-84af-42d7-8fae-eaca714b02b2)"
        ) from None


def parse_uuid_list(query: Query, name: str) -> list[uuid.UUID]:
    """A comma-separated list of ids (`?taxonomy_term_id=a,b`): results match any of them."""
    value = _raw(query, name)
    if value is None:
        return []
    ids: list[uuid.UUID] = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.append(uuid.UUID(part))
        except ValueError:
            raise InvalidParameter(
                f"{name} must be one id or a comma-separated list of ids (UUIDs); "
                f"{part!r} is not a UUID"
            ) from None
    return ids


def parse_bool(query: Query, name: str) -> bool | None:
    value = _raw(query, name)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise InvalidParameter(f"{name} must be true or false")


def parse_day(query: Query, name: str = "day") -> str | None:
    """ORUK `day`: an RFC 5545 day code (MO..SU, as in `schedule.byday`); full English day names
    are accepted too because people type them."""
    value = _raw(query, name)
    if value is None:
        return None
    code = value.upper()
    if code in DAY_CODES:
        return code
    named = _DAY_NAMES.get(value.lower())
    if named:
        return named
    raise InvalidParameter(f"{name} must be one of {', '.join(DAY_CODES)} (or a day name)")


def parse_time(query: Query, name: str) -> dt.time | None:
    """ORUK `start_time`/`end_time`: a time of day, `HH:MM` or `HH:MM:SS` (24-hour)."""
    value = _raw(query, name)
    if value is None:
        return None
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return dt.datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    raise InvalidParameter(f"{name} must be a 24-hour time of day, HH:MM or HH:MM:SS (e.g. 09:30)")


def parse_modified_after(query: Query, name: str = "modified_after") -> dt.datetime | None:
    """ORUK `modified_after`: an ISO 8601 datetime. A bare date means its start (UTC); a datetime
    without an offset is read as UTC, the timezone HSDS `last_modified` values are published in."""
    value = _raw(query, name)
    if value is None:
        return None
    message = (
        f"{name} must be an ISO 8601 date or datetime, e.g. 2024-05-01 or 2024-05-01T09:00:00Z"
    )
    # A `+` in an unencoded query string arrives as a space: restore the UTC offset sign.
    candidate = value.replace(" ", "+") if "T" in value else value
    try:
        parsed = parse_datetime(candidate)
        if parsed is None:
            day = parse_date(candidate)
            if day is None:
                raise InvalidParameter(message)
            parsed = dt.datetime.combine(day, dt.time.min)
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=dt.UTC)
        # In UTC now, inside the try: an offset at the ends of the calendar (0001-01-01 with
        # +05:00, 9999-12-31 with -05:00) overflows, and the database adapters convert to UTC.
        parsed = parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise InvalidParameter(message) from None
    return parsed


def parse_search(query: Query, name: str = "search") -> str | None:
    value = _raw(query, name)
    if value is not None and len(value) > 200:
        raise InvalidParameter(f"{name} must be at most 200 characters")
    return value


def parse_format(query: Query) -> None:
    """ORUK `format`: we serve `json` only (no ndjson streaming); anything else is a 400 rather
    than a JSON body the client did not ask for."""
    value = _raw(query, "format")
    if value is not None and value.lower() != "json":
        raise InvalidParameter("format must be json (ndjson is not supported)")


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def parse_page(query: Query) -> PageRequest:
    page = parse_int(query, "page", minimum=1, maximum=MAX_PAGE) or 1
    per_page = parse_int(query, "per_page", minimum=1, maximum=MAX_PER_PAGE) or DEFAULT_PER_PAGE
    return PageRequest(page=page, per_page=per_page)


@dataclass(frozen=True)
class Proximity:
    postcode: str
    latitude: float
    longitude: float
    within_km: float | None


def parse_proximity(query: Query) -> Proximity | None:
    """ORUK `postcode` + `proximity` (metres from the postcode centroid). A postcode alone orders
    results nearest first; proximity without a postcode has nothing to measure from, so it is a
    400 rather than ignored."""
    from linkwell.directory import postcodes

    postcode = _raw(query, "postcode")
    metres = parse_int(query, "proximity", minimum=1, maximum=MAX_PROXIMITY_METRES)
    if postcode is None:
        if metres is not None:
            raise InvalidParameter("proximity needs a postcode to measure from")
        return None
    try:
        latitude, longitude = postcodes.lookup(postcode)
    except (postcodes.InvalidPostcode, postcodes.UnknownPostcode) as exc:
        # Their messages are written for people ("SY99 9ZZ is not a valid UK postcode").
        raise InvalidParameter(f"postcode: {exc}") from None
    return Proximity(
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        within_km=None if metres is None else metres / 1000,
    )
