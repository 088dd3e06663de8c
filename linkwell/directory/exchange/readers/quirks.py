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

import copy
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
    if not isinstance(data, dict):
        return data, []
    data = copy.deepcopy(data)
    warnings: list[str] = []
    if kind == "service":
        _ages(data, warnings)
        _timestamp(data, "last_modified", "last_modified", warnings)
        for i, item in enumerate(data.get("capacities") or []):
            if isinstance(item, dict):
                _timestamp(item, "updated", f"capacities[{i}].updated", warnings)
        _date(data, "assured_date", warnings)
    _email_and_web(data, "", warnings)
    _countries(data, "", warnings)
    generated = _ids(data, str(data.get("id", "")), "")
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


def _email_and_web(value: Any, path: str, warnings: list[str]) -> None:
    """Email and web addresses that are not one, anywhere in the record, are left out."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            _email_and_web(item, f"{path}[{i}]", warnings)
        return
    if not isinstance(value, dict):
        return
    prefix = f"{path}." if path else ""
    for key in list(value):
        item = value[key]
        if key in ("email", "assurer_email") and isinstance(item, str):
            if item.strip() and not _EMAIL_RE.match(item.strip()):
                warnings.append(f"{prefix}{key}: {item!r} is not an email address; left out")
                del value[key]
        elif key in ("url", "website") and isinstance(item, str):
            if item.strip() and not _URL_RE.match(item.strip()):
                warnings.append(f"{prefix}{key}: {item!r} is not a web address; left out")
                del value[key]
        elif isinstance(item, dict | list):
            _email_and_web(item, f"{prefix}{key}", warnings)


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


def _countries(value: Any, path: str, warnings: list[str]) -> None:
    """An address `country` written as a UK name ("United Kingdom", "England") is GB."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            _countries(item, f"{path}[{i}]", warnings)
        return
    if not isinstance(value, dict):
        return
    prefix = f"{path}." if path else ""
    for key, item in value.items():
        if key == "addresses" and isinstance(item, list):
            for i, address in enumerate(item):
                country = address.get("country") if isinstance(address, dict) else None
                if isinstance(country, str) and country.strip().lower() in UK_NAMES:
                    address["country"] = "GB"
                    warnings.append(
                        f"{prefix}addresses[{i}].country: {country!r} read as GB "
                        "(HSDS gives countries as two-letter codes)"
                    )
        if isinstance(item, dict | list):
            _countries(item, f"{prefix}{key}", warnings)


def _ids(value: Any, parent_id: str, path: str) -> list[str]:
    """Give child objects of CHILD_ARRAYS without an id a stable one; the paths it did that at."""
    done: list[str] = []
    if not isinstance(value, dict):
        return done
    own = str(value.get("id") or parent_id)
    prefix = f"{path}." if path else ""
    for key, item in value.items():
        if isinstance(item, dict):
            if key == "location" and item.get("id") in (None, ""):
                item["id"] = stable_id(own, key)  # a service_at_location's place
                done.append(f"{prefix}{key}")
            done += _ids(item, own, f"{prefix}{key}")
        elif isinstance(item, list):
            for i, child in enumerate(item):
                if not isinstance(child, dict):
                    continue
                where = f"{prefix}{key}[{i}]"
                if key in CHILD_ARRAYS and child.get("id") in (None, ""):
                    child["id"] = stable_id(own, key, i)
                    done.append(where)
                done += _ids(child, own, where)
    return done
