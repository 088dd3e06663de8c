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
* `postcode`: without `latitude`/`longitude`, the location's coordinates are looked up from the
  postcode (offline, `directory.postcodes`); an invalid or unknown postcode is a warning naming
  the line, and the row is imported without coordinates (distance search will not find it).
* `cost`: `free` / `0` (free), or an amount with optional words: `£3.50`, `3.50`,
  `£2 per session`, `2.50 per session` (amount, currency GBP, and the text as the
  `amount_description`).
* `day`: `MO,WE` or `Monday; Wednesday` (weekly). `opens_at` / `closes_at`: `HH:MM` (24-hour).
* `accepts_referrals`: yes/no (Linkwell's referral mode; not an HSDS field).
* `status`: active (default), inactive, defunct, temporarily closed.

Each row becomes an HSDS service object and goes through the same schema and business checks as
JSON; rejections name the line (`line 7: ...`) and list every problem in the row at once.

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

from linkwell.directory import postcodes
from linkwell.directory.exchange.hsds import LINKWELL_HSDS_NS
from linkwell.directory.exchange.sources import SERVICE, ImportFileError, SourceRecord, normalised
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


STATUSES = {
    "active": "active",
    "inactive": "inactive",
    "defunct": "defunct",
    "temporarily closed": "temporarily closed",
    "temporarily_closed": "temporarily closed",
}
FREE = {"free", "0", "0.00", "£0", "£0.00", "nil", "none"}
# "£2.50", "2.50", "£2 per session", "2.50 per session" (amount, then an optional description).
_COST_RE = re.compile(r"£?\s*(\d{1,7}(?:\.\d{1,2})?)(?:\s+(\S.*))?")
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


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
    if not value.is_finite():
        raise RowError(f"{key} {text!r} is not a number")
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


def cost_option(text: str, option_id: str) -> dict[str, Any]:
    """`free`, `£2.50`, `2.50`, `£2 per session`, `2.50 per session` -> an HSDS cost_option
    (`amount_description` keeps the publisher's words, with the £ sign)."""
    if text.lower() in FREE or text.lower().startswith("free"):
        return {
            "id": option_id,
            "option": "Free",
            "amount": 0,
            "currency": "GBP",
            "amount_description": "Free" if text.lower() in FREE else text,
        }
    match = _COST_RE.fullmatch(text)
    if match is None:
        raise RowError(f"cost {text!r} is not an amount like £2.50, £2 per session or free")
    amount, rest = match.group(1), (match.group(2) or "").strip()
    if not rest or "session" in rest.lower():
        option = "Per session"
    elif rest.lower().startswith("per "):
        option = rest[:1].upper() + rest[1:]
    else:
        option = "Fee"
    return {
        "id": option_id,
        "option": option,
        "amount": float(Decimal(amount)),
        "currency": "GBP",
        "amount_description": text if text.startswith("£") else f"£{text}",
    }


def _clock(key: str, text: str) -> str:
    match = _TIME_RE.fullmatch(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise RowError(f"{key} {text!r} is not a time of day like 10:00 or 14:30")
    return f"{int(match.group(1)):02d}:{match.group(2)}:00"


def row_to_service(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(HSDS service object, Linkwell-only facts, problems) for one CSV row.

    Every problem in the row is listed (not only the first); a bad value is left out of the
    service object so the schema checks do not report it a second time."""
    errors: list[str] = []

    def check(step: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return step(*args, **kwargs)
        except RowError as exc:
            errors.append(str(exc))
            return None

    get = {k: (v or "").strip() for k, v in row.items() if k}
    missing = [k for k in REQUIRED if not get.get(k)]
    if missing:
        errors.append(f"{', '.join(missing)} is required")
    org_name, service_name = get.get("organisation_name", ""), get.get("service_name", "")
    org_id = _id(get.get("organisation_id") or org_name, "organisation")
    service_id = _id(get.get("service_id") or f"{org_name}/{service_name}", "service")
    status_text = get.get("status") or "active"
    status = STATUSES.get(" ".join(status_text.lower().split()))
    if status is None:
        errors.append(
            f"status {status_text!r} must be one of active, inactive, defunct, temporarily closed"
        )
    service: dict[str, Any] = {
        "id": service_id,
        "name": service_name,
        "status": status or "active",
        "organization": {"id": org_id, "name": org_name, "description": ""},
    }
    for key, target in (("description", "description"), ("url", "url"), ("email", "email")):
        if get.get(key):
            service[target] = get[key]
    for key, target in (("min_age", "minimum_age"), ("max_age", "maximum_age")):
        value = check(_number, get, key, whole=True)
        if value is not None:
            service[target] = value
    if get.get("phone"):
        service["phones"] = [{"id": _derived(service_id, "phone"), "number": get["phone"]}]
    lat, lon = check(_number, get, "latitude"), check(_number, get, "longitude")
    if bool(get.get("latitude")) != bool(get.get("longitude")):
        errors.append("latitude and longitude must be given together (or both left empty)")
    postcode = get.get("postcode", "")
    if postcode:
        try:
            postcode = postcodes.normalise(postcode)
        except postcodes.InvalidPostcode:
            postcode = postcode.upper()  # kept as given; the importer warns it has no location
    if get.get("address_1") or postcode or lat is not None:
        location: dict[str, Any] = {
            "id": _derived(service_id, "location"),
            "location_type": "physical",
        }
        if lat is not None and lon is not None:
            location.update(latitude=lat, longitude=lon)
        if get.get("address_1") or postcode:
            location["addresses"] = [
                {
                    "id": _derived(service_id, "address"),
                    "address_1": get.get("address_1", ""),
                    "city": get.get("city", ""),
                    "state_province": "",
                    "postal_code": postcode,
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
    if get.get("cost"):
        option = check(cost_option, get["cost"], _derived(service_id, "cost"))
        if option is not None:
            service["cost_options"] = [option]
    if get.get("day") or get.get("opens_at") or get.get("closes_at"):
        days = [d for d in re.split(r"[,;\s]+", get.get("day", "").lower()) if d]
        unknown = [d for d in days if d not in DAYS]
        if unknown:
            errors.append(f"day {', '.join(unknown)} is not a day of the week")
        schedule: dict[str, Any] = {
            "id": _derived(service_id, "schedule"),
            "freq": "WEEKLY",
            "interval": 1,
        }
        known = [DAYS[d] for d in days if d in DAYS]
        if known:
            schedule["byday"] = ",".join(dict.fromkeys(known))
        for key in ("opens_at", "closes_at"):
            if get.get(key):
                value = check(_clock, key, get[key])
                if value is not None:
                    schedule[key] = value
        service["schedules"] = [schedule]
    linkwell: dict[str, Any] = {}
    referrals = get.get("accepts_referrals", "").lower()
    if referrals in YES:
        linkwell["referral_mode"] = ReferralMode.ACCEPTS_REFERRALS
    elif referrals in NO:
        if referrals:
            linkwell["referral_mode"] = ReferralMode.SIGNPOST_ONLY
    else:
        errors.append(f"accepts_referrals {get['accepts_referrals']!r} must be yes or no")
    return service, linkwell, errors


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
        service, linkwell, errors = row_to_service(row)
        # A row with problems is handed on all the same: the importer reports them together
        # with the schema and business-rule errors, and rejects the row.
        records.append(SourceRecord(SERVICE, position, service, linkwell=linkwell, errors=errors))
    return normalised(records)
