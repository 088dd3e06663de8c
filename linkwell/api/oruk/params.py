"""Query-parameter parsing for the ORUK API: one function per parameter type.

Every parser raises `InvalidParameter` (HTTP 400, `{"detail": "..."}`) with a message that names
the parameter and says what a valid value looks like, so an integrator can fix the call from the
response alone. Unknown parameters are ignored (clients add cache busters), but a known parameter
with a malformed value is never silently dropped: that would return wrong results that look right.
"""

from __future__ import annotations

import datetime as dt
import re
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
# `minimal=true` items are an id and a date (~90 bytes): ORUK asks for all of them in one call.
MAX_MINIMAL_PER_PAGE = 100_000
# Proximity is in metres (ORUK `proximity`); 200 km is more than any local directory spans.
MAX_PROXIMITY_METRES = 200_000
MAX_AGE = 150

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


# The exact shapes each parser accepts, as regular expressions the OpenAPI document repeats
# (linkwell/api/oruk/views.py): Python's `int()`, `float()` and `uuid.UUID()` also take `+5`,
# `1_000`, non-ASCII digits, `1e1` and `{...}`/`urn:uuid:` ids, none of which the document allows.
WHOLE_NUMBER_PATTERN = r"^[0-9]+$"
AGE_PATTERN = r"^[0-9]+(\.0+)?$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID_BODY = UUID_PATTERN[1:-1]
UUID_LIST_PATTERN = rf"^{_UUID_BODY}( *, *{_UUID_BODY})*$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
MAX_SEARCH_LENGTH = 200
# A UK postcode's shape (linkwell.directory.postcodes.normalise), in any case, spaced or not.
_LEAP_SECOND = re.compile(r"(T[0-9]{2}:[0-9]{2}):60")
POSTCODE_PATTERN = r"^ *([A-Za-z]{1,2}[0-9][A-Za-z0-9]?|[Gg][Ii][Rr]) *[0-9][A-Za-z]{2} *$"


def _match(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value) is not None


def _caseless(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


# `day`: a code or a day name, in any letter case (parse_day).
DAY_PATTERN = "^(" + "|".join(_caseless(w) for w in (*DAY_CODES, *_DAY_NAMES)) + ")$"
# Any text without a NUL character (see `_raw`).
TEXT_PATTERN = "^[^\\x00]*$"


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
    if not _match(WHOLE_NUMBER_PATTERN, value):
        raise InvalidParameter(message)
    number = int(value)
    if not minimum <= number <= maximum:
        raise InvalidParameter(message)
    return number


def parse_age(query: Query, name: str) -> int | None:
    """ORUK types ages as `number`; we hold whole years, so accept `18` or `18.0` but not `18.5`."""
    value = _raw(query, name)
    if value is None:
        return None
    message = f"{name} must be an age in whole years between 0 and {MAX_AGE}"
    if not _match(AGE_PATTERN, value):
        raise InvalidParameter(message)
    number = int(value.split(".")[0])
    if number > MAX_AGE:
        raise InvalidParameter(message)
    return number


def parse_uuid(query: Query, name: str) -> uuid.UUID | None:
    value = _raw(query, name)
    if value is None:
        return None
    if _match(UUID_PATTERN, value):
        return uuid.UUID(value)
    raise InvalidParameter(
        f"{name} must be an id (a UUID such as 3f7b145d-84af-42d7-8fae-eaca714b02b2)"
    )


def parse_uuid_list(query: Query, name: str) -> list[uuid.UUID]:
    """A comma-separated list of ids (`?taxonomy_term_id=a,b`): results match any of them."""
    value = _raw(query, name)
    if value is None:
        return []
    ids: list[uuid.UUID] = []
    for part in value.split(","):
        part = part.strip(" ")
        if not _match(UUID_PATTERN, part):
            raise InvalidParameter(
                f"{name} must be one id or a comma-separated list of ids (UUIDs); "
                f"{part!r} is not a UUID"
            )
        ids.append(uuid.UUID(part))
    return ids


def parse_bool(query: Query, name: str) -> bool | None:
    value = _raw(query, name)
    if value is None:
        return None
    # Exactly the two words an OpenAPI boolean is written as in a query string.
    if value == "true":
        return True
    if value == "false":
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
    # strptime alone would also take `9:5`; the document promises two digits each.
    for fmt in ("%H:%M", "%H:%M:%S") if _match(TIME_PATTERN, value) else ():
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
    # RFC 3339 allows `t` and `z` in lower case; nothing else in a datetime is a letter.
    candidate = value.upper()
    # A `+` in an unencoded query string arrives as a space: restore the UTC offset sign.
    candidate = candidate.replace(" ", "+") if "T" in candidate else candidate
    # RFC 3339 allows a leap second (`23:59:60`); Python has none. Reading it as the second
    # before loses less than a second of "changed after".
    candidate = _LEAP_SECOND.sub(r"\1:59", candidate)
    try:
        parsed = parse_datetime(candidate)
        if parsed is None:
            day = parse_date(candidate)
            if day is None:
                raise InvalidParameter(message)
            parsed = dt.datetime.combine(day, dt.time.min)
    except ValueError:
        raise InvalidParameter(message) from None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        # In UTC now: the database adapters convert to UTC anyway.
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        # A valid datetime whose UTC instant is off Python's calendar (0001-01-01 at +05:00,
        # 9999-12-31 at -05:00): before every record, or after every one.
        edge = dt.datetime.min if parsed.year == dt.MINYEAR else dt.datetime.max
        return edge.replace(tzinfo=dt.UTC)


def parse_search(query: Query, name: str = "search") -> str | None:
    value = _raw(query, name)
    if value is not None and len(value) > MAX_SEARCH_LENGTH:
        raise InvalidParameter(f"{name} must be at most {MAX_SEARCH_LENGTH} characters")
    return value


def parse_format(query: Query) -> None:
    """ORUK `format`: we serve `json` only (no ndjson streaming); anything else is a 400 rather
    than a JSON body the client did not ask for."""
    value = _raw(query, "format")
    if value is not None and value != "json":
        raise InvalidParameter("format must be json (ndjson is not supported)")


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def parse_page(
    query: Query, *, default: int = DEFAULT_PER_PAGE, maximum: int = MAX_PER_PAGE
) -> PageRequest:
    page = parse_int(query, "page", minimum=1, maximum=MAX_PAGE) or 1
    per_page = parse_int(query, "per_page", minimum=1, maximum=maximum) or default
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
    if not _match(POSTCODE_PATTERN, postcode):
        shown = " ".join(postcode.split())
        raise InvalidParameter(f"postcode: {shown} is not a valid UK postcode")
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
