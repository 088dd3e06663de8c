"""ORUK 3.0 / HSDS 3 records as feeds publish them, made into what the importer reads.

`normalise(kind, data)` returns a copy of one record with the published quirks resolved and a
list of warnings (each names the field and says what was done). It never rejects: a record that
lacks what Linkwell needs is rejected later, by the schemas and the business rules.

* `minimum_age` / `maximum_age` of `-1` mean "no limit" (several ORUK 3.0 publishers write it;
  the schema allows it): the value is left out, silently. Any other age that is not a whole
  number of years from 0 is left out with a warning; digits in a string are read as a number,
  with a warning.
* `last_modified` (and HSDS 3.1 `capacities[].updated`) without a time zone is read as
  Europe/London local time, with a warning; one that is not a date-time at all is left out,
  with a warning. `assured_date` that is not a date is left out, with a warning.
* A child object without an `id` (a contact phone, a schedule...) gets a stable one: uuid5 of its
  parent's id and its position, so importing the same feed again matches the same rows.
* `email`, `url` and `website` strings that are not an email or web address are left out, with a
  warning. A value of the wrong JSON type (`"email": false`) is left for the schemas to reject.
* An address `country` given as a UK name ("United Kingdom", "England"...) is read as `GB`,
  with a warning.

Vendor extension fields are untouched (the importer keeps them in `extra`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zoneinfo
from typing import Any

# Never change it: the ids made from it must stay the same between imports.
GENERATED_ID_NS = uuid.UUID("2b9b8f4e-1c55-4a3e-9a6f-6d1f0b7c5e21")
LONDON = zoneinfo.ZoneInfo("Europe/London")

# Arrays of child objects HSDS 3 requires an `id` on.
CHILD_ARRAYS = frozenset(
    {
        "phones",
        "contacts",
        "schedules",
        "languages",
        "addresses",
        "accessibility",
        "cost_options",
        "service_areas",
        "service_at_locations",
        "locations",
        "attributes",
        "funding",
        "required_documents",
        "program",
        "organization_identifiers",
        "capacities",
    }
)
AGE_KEYS = ("minimum_age", "maximum_age")
NO_LIMIT = -1
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL_RE = re.compile(r"^(https?|ftp)://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def stable_id(*parts: Any) -> str:
    """A UUID made from `parts` (same parts, same id)."""
    return str(uuid.uuid5(GENERATED_ID_NS, "|".join(str(p) for p in parts)))


def normalise(kind: str, data: Any) -> tuple[Any, list[str]]:
    """A cleaned copy of one record (the caller's data is left as it is) and the warnings."""
    if not isinstance(data, dict):
        return data, []
    walk = _Walk()
    data = walk.object(data, str(data.get("id", "")), "")
    warnings = walk.warnings
    if kind == "service":
        _ages(data, warnings)
        _timestamp(data, "last_modified", "last_modified", warnings)
        for i, item in enumerate(data.get("capacities") or []):
            if isinstance(item, dict):
                _timestamp(item, "updated", f"capacities[{i}].updated", warnings)
        _date(data, "assured_date", warnings)
    generated = walk.generated
    if generated:
        shown = ", ".join(generated[:3]) + (
            f" and {len(generated) - 3} more" if len(generated) > 3 else ""
        )
        warnings.append(
            f"{shown}: no id given; made one from the parent's id and the position, so the "
            "same feed imports to the same rows"
        )
    return data, warnings


def _ages(data: dict[str, Any], warnings: list[str]) -> None:
    for key in AGE_KEYS:
        if key not in data or data[key] is None:
            continue
        value = data[key]
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            warnings.append(f"{key}: the text {value!r} was read as the number {int(value)}")
            value = data[key] = int(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue  # the wrong JSON type: the schemas reject it
        if value == NO_LIMIT:
            del data[key]  # "no limit", as the publisher means it
        elif value < 0 or value != int(value):
            warnings.append(f"{key}: {value} is not a whole number of years; left out")
            del data[key]


def parse_timestamp(raw: str) -> tuple[dt.datetime | None, bool]:
    """(the instant, whether a zone was given); (None, False) when it is not a date-time."""
    text = raw.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None, False
    if value.tzinfo is None:
        return value.replace(tzinfo=LONDON), False
    return value, True


def _timestamp(data: dict[str, Any], key: str, label: str, warnings: list[str]) -> None:
    raw = data.get(key)
    if not isinstance(raw, str):
        return
    if not raw.strip():
        del data[key]
        return
    value, zoned = parse_timestamp(raw)
    if value is None:
        warnings.append(f"{label}: {raw!r} is not a date and time; left out")
        del data[key]
    elif not zoned:
        data[key] = value.isoformat()
        warnings.append(f"{label}: {raw!r} has no time zone; read as UK time ({data[key]})")


def _date(data: dict[str, Any], key: str, warnings: list[str]) -> None:
    raw = data.get(key)
    if not isinstance(raw, str):
        return
    try:
        dt.date.fromisoformat(raw.strip()[:10])
    except ValueError:
        warnings.append(f"{key}: {raw!r} is not a date; left out")
        del data[key]
    else:
        data[key] = raw.strip()[:10]


UK_NAMES = {
    "uk",
    "gbr",
    "united kingdom",
    "great britain",
    "england",
    "scotland",
    "wales",
    "northern ireland",
}


EMAIL_KEYS = frozenset({"email", "assurer_email"})
WEB_KEYS = frozenset({"url", "website"})


class _Walk:
    """One pass over a record, copying it: email and web addresses that are not one are left
    out, UK country names become GB, child objects without an id get a stable one."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.generated: list[str] = []

    def object(self, obj: dict[str, Any], parent_id: str, path: str) -> dict[str, Any]:
        own = str(obj.get("id") or parent_id)
        prefix = f"{path}." if path else ""
        out: dict[str, Any] = {}
        for key, item in obj.items():
            if isinstance(item, str):
                if self._bad_address(key, item, prefix):
                    continue
                out[key] = item
            elif isinstance(item, dict):
                if key == "location" and item.get("id") in (None, ""):
                    item = {**item, "id": stable_id(own, key)}  # a service_at_location's place
                    self.generated.append(f"{prefix}{key}")
                out[key] = self.object(item, own, f"{prefix}{key}")
            elif isinstance(item, list):
                out[key] = self.array(key, item, own, prefix)
            else:
                out[key] = item
        return out

    def array(self, key: str, items: list[Any], own: str, prefix: str) -> list[Any]:
        out: list[Any] = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                where = f"{prefix}{key}[{i}]"
                if key in CHILD_ARRAYS and item.get("id") in (None, ""):
                    item = {**item, "id": stable_id(own, key, i)}
                    self.generated.append(where)
                item = self.object(item, own, where)
                if key == "addresses":
                    self._country(item, where)
            elif isinstance(item, list):
                item = self.array(key, item, own, prefix)
            out.append(item)
        return out

    def _bad_address(self, key: str, value: str, prefix: str) -> bool:
        text = value.strip()
        if not text:
            return False
        if key in EMAIL_KEYS and not _EMAIL_RE.match(text):
            self.warnings.append(f"{prefix}{key}: {value!r} is not an email address; left out")
            return True
        if key in WEB_KEYS and not _URL_RE.match(text):
            self.warnings.append(f"{prefix}{key}: {value!r} is not a web address; left out")
            return True
        return False

    def _country(self, address: dict[str, Any], where: str) -> None:
        country = address.get("country")
        if isinstance(country, str) and country.strip().lower() in UK_NAMES:
            address["country"] = "GB"
            self.warnings.append(
                f"{where}.country: {country!r} read as GB (HSDS gives countries as two-letter codes)"
            )
