"""Checks on one imported record before anything is written: the official JSON Schemas (ORUK 3.0
and HSDS 3.0 compiled `service_with_definitions.json`) and Linkwell's business rules.

Business rules (on top of the schemas):
* every `id` and `*_id` is a UUID (the schemas' `format: uuid`, checked with a format checker);
* `minimum_age` <= `maximum_age`;
* `status` is one of active / inactive / defunct / temporarily closed (the schema enum);
* latitude in -90..90 and longitude in -180..180. Out of range is a **warning**, not a
  rejection: the official examples carry `latitude: 100` and must import, so the location is
  stored without coordinates (and exported without them) unless its GB postcode gives some.
* A location without (usable) coordinates but with a GB `postal_code` gets the postcode's
  coordinates (`directory.postcodes`, offline); an invalid or unknown postcode is a warning.
* Schema errors and business-rule errors are all reported together.
Type conversions, field lengths and references (an `organization_id` we do not hold) are checked
while writing (the record writers in `importer/`), which rejects the record the same way.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from linkwell.directory.exchange import schemas
from linkwell.directory.exchange.sources import SERVICE, SourceRecord

DEFINITION = {
    "organization": "organization",
    "taxonomy": "taxonomy",
    "taxonomy_term": "taxonomy_term",
}


def _validators(kind: str) -> list[Draft202012Validator]:
    definition = DEFINITION.get(kind)
    if kind == SERVICE:
        return [schemas.validator(schemas.ORUK_SERVICE), schemas.validator(schemas.HSDS_SERVICE)]
    return [
        schemas.validator(schemas.ORUK_SERVICE, definition),
        schemas.validator(schemas.HSDS_SERVICE, definition),
    ]


def json_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema_message(error: ValidationError) -> str:
    where = json_path(error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


def schema_errors(record: SourceRecord) -> list[str]:
    if not isinstance(record.data, dict):
        return [f"expected a JSON object, found {type(record.data).__name__}"]
    seen: dict[str, None] = {}
    for validator in _validators(record.kind):
        errors = sorted(validator.iter_errors(record.data), key=lambda e: list(e.absolute_path))
        for error in errors:
            seen.setdefault(_schema_message(error), None)
    return list(seen)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def business_errors(record: SourceRecord) -> list[str]:
    data = record.data
    errors: list[str] = []
    if record.kind == SERVICE:
        low, high = _number(data.get("minimum_age")), _number(data.get("maximum_age"))
        if low is not None and high is not None and low > high:
            errors.append(
                f"minimum_age {data['minimum_age']} is greater than maximum_age "
                f"{data['maximum_age']}"
            )
        for key in ("minimum_age", "maximum_age"):
            value = _number(data.get(key))
            if value is not None and (value < 0 or value != int(value)):
                errors.append(f"{key} {data[key]} is not a whole number of years")
    return errors


def has_coordinates(location: dict[str, Any]) -> bool:
    return (
        _number(location.get("latitude")) is not None
        and _number(location.get("longitude")) is not None
    )


def coordinate_problems(location: dict[str, Any]) -> list[str]:
    """Out-of-range coordinates (the importer drops them, with a warning)."""
    lat, lon = _number(location.get("latitude")), _number(location.get("longitude"))
    bad = []
    if lat is not None and not -90 <= lat <= 90:
        bad.append(f"latitude {location['latitude']} is outside -90..90")
    if lon is not None and not -180 <= lon <= 180:
        bad.append(f"longitude {location['longitude']} is outside -180..180")
    return bad
