"""The person a ranking is for: `Profile`, read from JSON that follows
`schemas/person-profile.schema.json` (vendored from the programme contract, see schemas/SOURCE.md).

`profile_from_json` validates against that schema and Linkwell's extra rules (a time window must
end after it starts; a postcode must be a GB postcode we hold coordinates for, unless latitude and
longitude are given; latitude needs longitude) and raises `ProfileError` whose message names the
field: ``availability[1].to: 09:00 is not after 10:00``. A missing field means "no preference".
Pure Python: no settings or database.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from linkwell.core.exceptions import LinkwellError

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TRAVEL_MODES = ("walk", "public_transport", "car", "needs_transport")
COST_PREFERENCES = ("free_only", "low_cost", "any")


class ProfileError(LinkwellError):
    """The profile is not valid; the message names the field and the problem."""


@dataclass(frozen=True)
class Availability:
    """A time the person is free: a weekday, optionally a window (`start`/`end` None = all day)."""

    day: str  # MO..SU
    start: dt.time | None = None
    end: dt.time | None = None


@dataclass(frozen=True)
class Profile:
    """What the matching engine knows about one person (mirrors person-profile.schema.json).

    `latitude`/`longitude` are filled from `postcode` by `profile_from_json` when absent."""

    id: str
    age: int | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    max_distance_km: float | None = None
    travel: str | None = None  # TRAVEL_MODES
    interests: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    what_matters: str = ""
    conditions: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1, lower case
    gender: str | None = None
    availability: tuple[Availability, ...] = ()
    cost: str = "any"  # COST_PREFERENCES
    exclude_service_ids: frozenset[str] = frozenset()

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@functools.cache
def schema() -> dict[str, Any]:
    text = (
        resources.files("linkwell.matching.schemas")
        .joinpath("person-profile.schema.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "profile"


def _schema_message(error: Any) -> str:
    """A jsonschema error as "field: problem" in plain words."""
    where = _path(error.absolute_path)
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{_path([*error.absolute_path, missing])}: is required"
    if kind == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return (
            f"{_path([*error.absolute_path, extra[0]])}: is not a known field"
            if extra
            else error.message
        )
    if kind == "type":
        return f"{where}: must be {_type_words(error.validator_value)}, not {json.dumps(value)}"
    if kind == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: {json.dumps(value)} is not one of {options}"
    if kind == "pattern":
        return f"{where}: {json.dumps(value)} is not a time like 09:30"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }[kind]
        return f"{where}: {json.dumps(value)} must be {words} {error.validator_value}"
    return f"{where}: {error.message}"


def _type_words(expected: Any) -> str:
    names = {
        "string": "text",
        "integer": "a whole number",
        "number": "a number",
        "array": "a list",
        "object": "an object",
        "boolean": "true or false",
    }
    if isinstance(expected, list):
        return " or ".join(names.get(str(e), str(e)) for e in expected)
    return names.get(expected, str(expected))


def _time(value: str, where: str) -> dt.time:
    hours, minutes = int(value[:2]), int(value[3:])
    if hours == 24 and minutes == 0:
        return dt.time(23, 59, 59)
    if hours > 23:
        raise ProfileError(f"{where}: {value} is not a time of day")
    return dt.time(hours, minutes)


def profile_from_json(data: object) -> Profile:
    """Validate `data` (parsed JSON) and build a Profile; ProfileError names the first problem
    (in document order, so the message is stable)."""
    if not isinstance(data, Mapping):
        raise ProfileError(f"profile: must be a JSON object, not {type(data).__name__}")
    errors = sorted(
        _validator().iter_errors(data),
        key=lambda e: ([str(p) for p in e.absolute_path], e.validator != "required"),
    )
    if errors:
        raise ProfileError(_schema_message(errors[0]))
    # JSON Schema accepts 30.0 for "integer"; bool is not a number for us.
    for key in ("age", "latitude", "longitude", "max_distance_km"):
        if isinstance(data.get(key), bool):
            raise ProfileError(f"{key}: must be a number, not {json.dumps(data[key])}")

    availability = []
    for i, item in enumerate(data.get("availability", [])):
        start = _time(item["from"], f"availability[{i}].from") if "from" in item else None
        end = _time(item["to"], f"availability[{i}].to") if "to" in item else None
        if start is not None and end is not None and end <= start:
            raise ProfileError(f"availability[{i}].to: {item['to']} is not after {item['from']}")
        availability.append(Availability(day=item["day"], start=start, end=end))

    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        raise ProfileError(
            f"{missing}: is required when {'latitude' if lon is None else 'longitude'} is given"
        )
    postcode = data.get("postcode")
    if postcode is not None and not postcode.strip():
        # Tools that export a profile often write "" for a postcode nobody recorded: that is no
        # postcode (coordinates, if given, still place the person), not a wrong one.
        postcode = None
    if postcode is not None:
        from linkwell.directory import postcodes

        try:
            postcode = postcodes.normalise(postcode)
            if lat is None:
                lat, lon = postcodes.lookup(postcode)
        except LinkwellError as exc:
            raise ProfileError(f"postcode: {exc}") from exc

    return Profile(
        id=data["id"],
        age=int(data["age"]) if data.get("age") is not None else None,
        postcode=postcode,
        latitude=float(lat) if lat is not None else None,
        longitude=float(lon) if lon is not None else None,
        max_distance_km=float(data["max_distance_km"]) if "max_distance_km" in data else None,
        travel=data.get("travel"),
        interests=_texts(data.get("interests")),
        needs=_texts(data.get("needs")),
        what_matters=(data.get("what_matters") or "").strip(),
        conditions=_texts(data.get("conditions")),
        accessibility=_texts(data.get("accessibility")),
        languages=tuple(
            dict.fromkeys(x.strip().lower() for x in data.get("languages", []) if x.strip())
        ),
        gender=(data.get("gender") or "").strip() or None,
        availability=tuple(availability),
        cost=data.get("cost", "any"),
        exclude_service_ids=frozenset(data.get("exclude_service_ids", [])),
    )


def _texts(values: Any) -> tuple[str, ...]:
    """Trimmed, non-empty, de-duplicated (first spelling kept) in the given order."""
    out: dict[str, str] = {}
    for value in values or []:
        text = " ".join(value.split())
        if text and text.lower() not in out:
            out[text.lower()] = text
    return tuple(out.values())
