"""A simple CSV a council or VCS network can produce: one row per service.

Columns (header row required; unknown columns are refused so typos are not silently lost):

    service_id, organisation_id, organisation_name, service_name, description, url, email,
    phone, address_1, city, postcode, latitude, longitude, category, min_age, max_age, cost,
    day, opens_at, closes_at, accepts_referrals, status

* Required: `organisation_name`, `service_name`.
* `service_id` / `organisation_id`: a UUID is used as the HSDS id; any other text (a council's
  own reference) is turned into a stable UUID (uuid5), so re-importing the file updates the same
  records. Without `service_id` the id is derived from organisation and service name.
* `category`: one or more names separated by `;`, matched (case-insensitively) to terms already
  in the directory, else created in a taxonomy named "Imported categories".
* `cost`: `free` / `0` (free), or an amount like `3.50` or `£3.50` (per session).
* `day`: `MO,WE` or `Monday; Wednesday` (weekly). `opens_at` / `closes_at`: `HH:MM`.
* `accepts_referrals`: yes/no (Linkwell's referral mode; not an HSDS field).
* `status`: active (default), inactive, defunct, temporarily closed.

Each row becomes an HSDS service object and goes through the same schema and business checks as
JSON; rejections name the line (`line 7: ...`).

The official HSDS *tabular* format (a folder of `services.csv`, `organizations.csv`, ... with a
`datapackage.json`) is not read: convert it to JSON first.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from linkwell.directory.exchange.hsds import LINKWELL_HSDS_NS
from linkwell.directory.exchange.sources import SERVICE, ImportFileError, SourceRecord
from linkwell.directory.models import ReferralMode, TaxonomyTerm

COLUMNS = [
    "service_id",
    "organisation_id",
    "organisation_name",
    "service_name",
    "description",
    "url",
    "email",
    "phone",
    "address_1",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "category",
    "min_age",
    "max_age",
    "cost",
    "day",
    "opens_at",
    "closes_at",
    "accepts_referrals",
    "status",
]
REQUIRED = ["organisation_name", "service_name"]
DAYS = {
    "mo": "MO", "monday": "MO", "tu": "TU", "tuesday": "TU", "we": "WE", "wednesday": "WE",
    "th": "TH", "thursday": "TH", "fr": "FR", "friday": "FR", "sa": "SA", "saturday": "SA",
    "su": "SU", "sunday": "SU",
}  # fmt: skip
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
CSV_TAXONOMY = "Imported categories"


class RowError(Exception):
    pass


def _id(value: str, kind: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.uuid5(LINKWELL_HSDS_NS, f"csv:{kind}:{value.strip().lower()}"))


def _derived(parent: str, what: str) -> str:
    return str(uuid.uuid5(LINKWELL_HSDS_NS, f"csv:{parent}:{what}"))


def _number(row: dict[str, str], key: str, *, whole: bool = False) -> Any:
    text = row.get(key, "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(f"{key} {text!r} is not a number") from None
    if whole:
        if value != value.to_integral_value():
            raise RowError(f"{key} {text!r} is not a whole number")
        return int(value)
    return float(value)


def _term(name: str) -> dict[str, Any]:
    existing = TaxonomyTerm.objects.filter(name__iexact=name).order_by("pk").first()
    if existing is not None:
        return {"taxonomy_term_id": str(existing.uuid)}
    return {
        "taxonomy_term": {
            "id": _id(name, "category"),
            "name": name,
            "description": "",
            "taxonomy": CSV_TAXONOMY,
        }
    }


def row_to_service(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(HSDS service object, Linkwell-only facts) for one CSV row."""
    get = {k: (v or "").strip() for k, v in row.items() if k}
    missing = [k for k in REQUIRED if not get.get(k)]
    if missing:
        raise RowError(f"{', '.join(missing)} is required")
    org_id = _id(get.get("organisation_id") or get["organisation_name"], "organisation")
    service_id = _id(
        get.get("service_id") or f"{get['organisation_name']}/{get['service_name']}", "service"
    )
    service: dict[str, Any] = {
        "id": service_id,
        "name": get["service_name"],
        "status": (get.get("status") or "active").lower(),
        "organization": {"id": org_id, "name": get["organisation_name"], "description": ""},
    }
    for key, target in (("description", "description"), ("url", "url"), ("email", "email")):
        if get.get(key):
            service[target] = get[key]
    for key, target in (("min_age", "minimum_age"), ("max_age", "maximum_age")):
        value = _number(get, key, whole=True)
        if value is not None:
            service[target] = value
    if get.get("phone"):
        service["phones"] = [{"id": _derived(service_id, "phone"), "number": get["phone"]}]
    lat, lon = _number(get, "latitude"), _number(get, "longitude")
    if get.get("address_1") or get.get("postcode") or lat is not None:
        location: dict[str, Any] = {
            "id": _derived(service_id, "location"),
            "location_type": "physical",
        }
        if lat is not None and lon is not None:
            location.update(latitude=lat, longitude=lon)
        if get.get("address_1") or get.get("postcode"):
            location["addresses"] = [
                {
                    "id": _derived(service_id, "address"),
                    "address_1": get.get("address_1", ""),
                    "city": get.get("city", ""),
                    "state_province": "",
                    "postal_code": get.get("postcode", "").upper(),
                    "country": "GB",
                    "address_type": "physical",
                }
            ]
        service["service_at_locations"] = [
            {"id": _derived(service_id, "service_at_location"), "location": location}
        ]
    if get.get("category"):
        names = [n.strip() for n in get["category"].split(";") if n.strip()]
        service["attributes"] = [
            {
                "id": _derived(service_id, f"category:{n.lower()}"),
                "link_type": "category",
                **_term(n),
            }
            for n in names
        ]
    cost = get.get("cost", "")
    if cost:
        if cost.lower() in {"free", "0", "0.00", "£0"}:
            service["cost_options"] = [
                {"id": _derived(service_id, "cost"), "option": "Free", "amount": 0}
            ]
        else:
            amount = _number({"cost": cost.lstrip("£")}, "cost")
            service["cost_options"] = [
                {
                    "id": _derived(service_id, "cost"),
                    "option": "Per session",
                    "amount": amount,
                    "currency": "GBP",
                }
            ]
    if get.get("day") or get.get("opens_at") or get.get("closes_at"):
        days = [d for d in re.split(r"[,;\s]+", get.get("day", "").lower()) if d]
        unknown = [d for d in days if d not in DAYS]
        if unknown:
            raise RowError(f"day {', '.join(unknown)} is not a day of the week")
        schedule: dict[str, Any] = {
            "id": _derived(service_id, "schedule"),
            "freq": "WEEKLY",
            "interval": 1,
        }
        if days:
            schedule["byday"] = ",".join(dict.fromkeys(DAYS[d] for d in days))
        for key in ("opens_at", "closes_at"):
            if get.get(key):
                if not re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", get[key]):
                    raise RowError(f"{key} {get[key]!r} is not a time like 10:00")
                hh, mm, *_ = get[key].split(":")
                schedule[key] = f"{int(hh):02d}:{mm}:00"
        service["schedules"] = [schedule]
    linkwell: dict[str, Any] = {}
    referrals = get.get("accepts_referrals", "").lower()
    if referrals in YES:
        linkwell["referral_mode"] = ReferralMode.ACCEPTS_REFERRALS
    elif referrals in NO:
        if referrals:
            linkwell["referral_mode"] = ReferralMode.SIGNPOST_ONLY
    else:
        raise RowError(f"accepts_referrals {get['accepts_referrals']!r} must be yes or no")
    return service, linkwell


def parse_csv(text: str, *, name: str = "the file") -> list[SourceRecord]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise ImportFileError(f"{name} is empty: the first line must name the columns.")
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ImportFileError(
            f"{name}: unknown column(s) {', '.join(unknown)}. Known: {', '.join(COLUMNS)}."
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(f"{name}: missing required column(s) {', '.join(missing)}.")
    records: list[SourceRecord] = []
    for row in reader:
        position = f"line {reader.line_num}"
        try:
            service, linkwell = row_to_service(row)
        except RowError as exc:
            # Handed on as a record the checks will reject with this reason.
            records.append(SourceRecord(SERVICE, position, {}, error=str(exc)))
            continue
        records.append(SourceRecord(SERVICE, position, service, linkwell=linkwell))
    return records
