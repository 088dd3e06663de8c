"""The volunteers a befriending match chooses from, and what the person wants of one.

`VolunteerProfile` is read from JSON that follows `schemas/volunteer-profile.schema.json`
(vendored from the programme contract, see schemas/SOURCE.md); `SupportWanted` from the optional
`volunteer_preferences` object of the person profile (the person themself is the matching app's
`Profile`, read with `linkwell.matching.profile.profile_from_json`, which ignores that object).

`volunteer_from_json` validates against the schema and these extra rules, and raises
`VolunteerProfileError` whose message names where, the volunteer and the field
(``line 3 id=v7: dbs.checked_on: '2021-13-01' is not a date``):

- a time window must end after it starts (``availability[1].to: 09:00 is not after 10:00``);
- a postcode must be a GB postcode we hold coordinates for (offline, `linkwell.directory.postcodes`,
  as for people), unless latitude and longitude are given; latitude needs longitude;
- whole numbers are whole (``true`` and ``2.5`` are not numbers of people);
- `dbs.checked_on` is a real calendar date written YYYY-MM-DD;
- `preferences.person_min_age` is not above `preferences.person_max_age`.

A missing field means "not known"; for roles, checks and training it means "not done".
Pure Python: no settings or database.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from linkwell.core.exceptions import LinkwellError

# The person-profile reader's helpers, shared so both files say the same things the same way.
from linkwell.matching.profile import (
    Availability,
    ProfileError,
    _schema_message,
    _texts,
    _time,
)

ROLES = (
    "befriender",
    "telephone_befriender",
    "connector",
    "wellbeing_ambassador",
    "peer_supporter",
    "driver",
    "co_facilitator",
)
WANTED_ROLES = ("befriender", "connector", "peer_supporter")
CONTACTS = ("home_visit", "meet_out", "phone")
DBS_LEVELS = ("basic", "standard", "enhanced", "enhanced_with_barred_list")
ACTIVE = "active"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class VolunteerProfileError(ProfileError):
    """The volunteer (or the person's volunteer preferences) is not valid; the message names
    where, the volunteer's id and the field."""


@dataclass(frozen=True)
class VolunteerProfile:
    """What the befriending engine knows about one volunteer (volunteer-profile.schema.json).

    `latitude`/`longitude` are filled from `postcode` by `volunteer_from_json` when absent."""

    id: str
    age: int | None = None
    gender: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    travel_radius_km: float | None = None
    travel: str | None = None  # walk, public_transport, car
    roles: frozenset[str] = frozenset()
    status: str | None = None
    interests: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    lived_experience: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1, lower case
    availability: tuple[Availability, ...] = ()
    dbs_level: str | None = None
    dbs_checked_on: dt.date | None = None
    training: frozenset[str] = frozenset()
    max_matches: int | None = None
    current_matches: int = 0
    home_visits: bool | None = None
    pref_person_gender: str | None = None
    pref_person_min_age: int | None = None
    pref_person_max_age: int | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class SupportWanted:
    """What the person asked of a volunteer (person profile `volunteer_preferences`).

    `contact` None: not said (no contact-specific rule applies, reasons say what to check)."""

    volunteer_gender: str | None = None
    contact: str | None = None  # CONTACTS
    role: str = "befriender"  # WANTED_ROLES
    exclude_volunteer_ids: frozenset[str] = frozenset()


@functools.cache
def schema() -> dict[str, Any]:
    text = (
        resources.files("linkwell.volunteering.schemas")
        .joinpath("volunteer-profile.schema.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def volunteer_from_json(obj: object, *, where: str = "volunteer") -> VolunteerProfile:
    """Validate `obj` (parsed JSON) and build a VolunteerProfile. The error names `where`, the
    id when there is one, and the first problem in document order (so the message is stable)."""
    label = where
    if isinstance(obj, Mapping) and isinstance(obj.get("id"), str):
        label = f"{where} id={obj['id']}"
    try:
        return _volunteer(obj)
    except LinkwellError as exc:
        raise VolunteerProfileError(f"{label}: {exc}") from None


def _volunteer(data: object) -> VolunteerProfile:
    if not isinstance(data, Mapping):
        raise VolunteerProfileError(f"must be a JSON object, not {type(data).__name__}")
    errors = sorted(
        _validator().iter_errors(data),
        key=lambda e: ([str(p) for p in e.absolute_path], e.validator != "required"),
    )
    if errors:
        raise VolunteerProfileError(_schema_message(errors[0]))
    if not data["id"].strip():
        raise VolunteerProfileError("id: must not be empty")
    prefs = data.get("preferences", {})
    # JSON Schema takes 2.0 for "integer" and a bool is not a number for us.
    for key, value in [
        *((k, data.get(k)) for k in ("age", "latitude", "longitude", "travel_radius_km")),
        *((k, data.get(k)) for k in ("max_matches", "current_matches")),
        *((f"preferences.{k}", prefs.get(k)) for k in ("person_min_age", "person_max_age")),
    ]:
        if isinstance(value, bool):
            raise VolunteerProfileError(f"{key}: must be a number, not {json.dumps(value)}")

    availability = []
    for i, item in enumerate(data.get("availability", [])):
        start = _time(item["from"], f"availability[{i}].from") if "from" in item else None
        end = _time(item["to"], f"availability[{i}].to") if "to" in item else None
        if start is not None and end is not None and end <= start:
            raise VolunteerProfileError(
                f"availability[{i}].to: {item['to']} is not after {item['from']}"
            )
        availability.append(Availability(day=item["day"], start=start, end=end))

    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        raise VolunteerProfileError(
            f"{missing}: is required when {'latitude' if lon is None else 'longitude'} is given"
        )
    postcode = data.get("postcode")
    if postcode is not None:
        from linkwell.directory import postcodes

        try:
            postcode = postcodes.normalise(postcode)
            if lat is None:
                lat, lon = postcodes.lookup(postcode)
        except LinkwellError as exc:
            raise VolunteerProfileError(f"postcode: {exc}") from exc

    dbs = data.get("dbs")
    checked_on = _date(dbs["checked_on"], "dbs.checked_on") if dbs else None
    low, high = prefs.get("person_min_age"), prefs.get("person_max_age")
    if low is not None and high is not None and low > high:
        raise VolunteerProfileError(
            f"preferences.person_max_age: {high} is below person_min_age {low}"
        )
    return VolunteerProfile(
        id=data["id"],
        age=int(data["age"]) if data.get("age") is not None else None,
        gender=(data.get("gender") or "").strip() or None,
        postcode=postcode,
        latitude=float(lat) if lat is not None else None,
        longitude=float(lon) if lon is not None else None,
        travel_radius_km=(
            float(data["travel_radius_km"]) if data.get("travel_radius_km") is not None else None
        ),
        travel=data.get("travel"),
        roles=frozenset(data.get("roles", [])),
        status=data.get("status"),
        interests=_texts(data.get("interests")),
        skills=_texts(data.get("skills")),
        lived_experience=_texts(data.get("lived_experience")),
        languages=tuple(
            dict.fromkeys(x.strip().lower() for x in data.get("languages", []) if x.strip())
        ),
        availability=tuple(availability),
        dbs_level=dbs["level"] if dbs else None,
        dbs_checked_on=checked_on,
        training=frozenset(data.get("training", [])),
        max_matches=int(data["max_matches"]) if data.get("max_matches") is not None else None,
        current_matches=int(data.get("current_matches") or 0),
        home_visits=data.get("home_visits"),
        pref_person_gender=(prefs.get("person_gender") or "").strip() or None,
        pref_person_min_age=int(low) if low is not None else None,
        pref_person_max_age=int(high) if high is not None else None,
    )


def _date(value: str, where: str) -> dt.date:
    try:
        if not _DATE_RE.match(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise VolunteerProfileError(
            f"{where}: {value!r} is not a date (YYYY-MM-DD, e.g. 2024-03-01)"
        ) from None


def load_volunteers(lines: Iterable[str]) -> list[VolunteerProfile]:
    """Volunteers from JSON Lines (one object a line; blank lines are skipped). Errors name the
    line: ``line 3 id=v7: dbs.checked_on: ...``; a repeated id is refused."""
    out: list[VolunteerProfile] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise VolunteerProfileError(
                f"line {number}: not valid JSON (column {exc.colno}: {exc.msg})"
            ) from None
        volunteer = volunteer_from_json(data, where=f"line {number}")
        if volunteer.id in seen:
            raise VolunteerProfileError(
                f"line {number} id={volunteer.id}: id: the same id is on line {seen[volunteer.id]}"
            )
        seen[volunteer.id] = number
        out.append(volunteer)
    return out


def support_wanted_from_json(person_obj: object) -> SupportWanted:
    """The person's `volunteer_preferences` (all optional; role defaults to befriender). The
    object is checked against the person-profile contract (`profile_from_json` checks the rest
    of the person); errors name the field: ``volunteer_preferences.contact: "visit" is not one
    of home_visit, meet_out, phone``."""
    if not isinstance(person_obj, Mapping):
        raise VolunteerProfileError(
            f"profile: must be a JSON object, not {type(person_obj).__name__}"
        )
    raw = person_obj.get("volunteer_preferences")
    if raw is None:
        return SupportWanted()
    from jsonschema import Draft202012Validator

    from linkwell.matching.profile import schema as person_schema

    sub = person_schema()["properties"]["volunteer_preferences"]
    errors = sorted(
        Draft202012Validator(sub).iter_errors(raw),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    if errors:
        error = errors[0]
        error.path.appendleft("volunteer_preferences")
        raise VolunteerProfileError(_schema_message(error))
    return SupportWanted(
        volunteer_gender=(raw.get("volunteer_gender") or "").strip() or None,
        contact=raw.get("contact"),
        role=raw.get("role", "befriender"),
        exclude_volunteer_ids=frozenset(raw.get("exclude_volunteer_ids", [])),
    )
