"""Open Referral UK 1.0 services as HSDS 3 services (what the importer reads).

Many UK feeds (Outpost, porism and similar) still publish ORUK 1.0: pages
`{"content": [...], "totalElements": ..., "totalPages": ...}` (key case varies) of services with
the organization nested, `regular_schedules`, `service_at_locations[].location` with
`physical_addresses`, `contacts[].phones`, `service_taxonomys[].taxonomy`, `eligibilitys`,
`cost_options`, `languages`, `fundings`, `service_areas`.

`service_to_hsds(obj, source=...)` returns the HSDS 3 service and warnings naming what could not
be mapped. The mapping:

| ORUK 1.0 | HSDS 3 |
|---|---|
| ids that are not UUIDs (often integers) | uuid5 of a fixed namespace, `source`, the kind of object and the id: the same feed always gives the same UUIDs |
| `fees` | `fees_description` |
| `organization.url` | `organization.website` |
| `eligibilitys[]` | `eligibility_description` (texts joined), `minimum_age` (lowest), `maximum_age` (highest), their `taxonomys` as attributes |
| `regular_schedules[]`, `service_at_locations[].regular_schedule(s)` | `schedules` (`freq` upper-cased, `dtstart`/`valid_*` cut to dates) |
| `service_at_locations[].location` (and a service's `locations[]`) | `service_at_locations[].location`, `location_type` physical |
| `physical_addresses[]` | `addresses[]`, `address_type` physical; `country` as a two-letter code (GB for England, UK...) |
| `accessibility_for_disabilities[]` | `accessibility[].description` |
| `languages[].language` | `languages[].name` |
| `service_areas[].service_area` | `service_areas[].name` |
| `service_taxonomys[].taxonomy` (and `taxonomies[]`) | `attributes[].taxonomy_term` (`vocabulary` -> `taxonomy`; the ORUK id kept as `code`) |
| `fundings[]` | `funding[]` |
| `contacts[].phones[].language` | the phone's `languages[].name` |

Not mapped (reported): `holiday_schedules`, `reviews`, `deliverable_type`, `attending_type`,
`attending_access` and any field ORUK 1.0 services do not define (vendor extensions).
A missing `status` is read as active, with a warning.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from linkwell.directory.exchange.readers.quirks import UK_NAMES, stable_id

# Never change it: the ids made from it must stay the same between imports.
ORUK1_ID_NS = uuid.UUID("a3f7c2d0-5e1b-4f8a-b6c9-0d2e4f6a8b13")

PAGE_KEYS = {"content", "totalelements", "totalpages"}
# Keys only an ORUK 1.0 service has (HSDS 3 says `schedules`, `funding`, `attributes`...).
SERVICE_MARKERS = {
    "regular_schedules",
    "holiday_schedules",
    "service_taxonomys",
    "eligibilitys",
    "fundings",
    "reviews",
    "deliverable_type",
    "attending_type",
    "attending_access",
}
UNMAPPED = (
    "holiday_schedules",
    "reviews",
    "deliverable_type",
    "attending_type",
    "attending_access",
)
SERVICE_KEYS = {
    "id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees",
    "accreditations",
    "assured_date",
    "organization",
    "contacts",
    "cost_options",
    "eligibilitys",
    "fundings",
    "languages",
    "regular_schedules",
    "service_areas",
    "service_at_locations",
    "locations",
    "service_taxonomys",
    "taxonomies",
}
UK_COUNTRIES = UK_NAMES | {"gb"}


def is_page(value: Mapping[str, Any]) -> bool:
    """An ORUK 1.0 page: a `content` list (key case ignored), usually with `totalElements`."""
    keys = {str(k).lower() for k in value}
    if "content" not in keys or "contents" in keys or "id" in keys:
        return False
    return isinstance(page_items(value), list) or bool(keys & (PAGE_KEYS - {"content"}))


def page_items(value: Mapping[str, Any]) -> Any:
    return next(v for k, v in value.items() if str(k).lower() == "content")


def is_service(obj: Mapping[str, Any]) -> bool:
    """An ORUK 1.0 service, told by keys HSDS 3 does not have or by a whole-number id."""
    if set(obj) & SERVICE_MARKERS:
        return True
    has_id = isinstance(obj.get("id"), int) and not isinstance(obj.get("id"), bool)
    return has_id and "name" in obj and isinstance(obj.get("organization"), dict)


class _Mapper:
    def __init__(self, source: str) -> None:
        self.source = source
        self.warnings: list[str] = []

    def id(self, raw: Any, kind: str, parent: str, position: Any) -> str:
        """A UUID for an ORUK 1.0 id: kept when it is one, else made from it (or, with no id,
        from the parent's id and the position)."""
        if raw is None or raw == "":
            return stable_id(parent, kind, position)
        try:
            return str(uuid.UUID(str(raw)))
        except ValueError:
            return str(uuid.uuid5(ORUK1_ID_NS, f"{self.source}|{kind}|{raw}"))

    def note(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # objects
    def service(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        sid = self.id(obj.get("id"), "service", "", 0)
        out: dict[str, Any] = {"id": sid}
        for key in ("name", "description", "url", "email", "accreditations", "assured_date"):
            if obj.get(key) not in (None, ""):
                out[key] = obj[key]
        status = obj.get("status")
        if isinstance(status, str) and status.strip():
            out["status"] = status.strip().lower()
        else:
            out["status"] = "active"
            self.note("status: not given; read as active")
        if obj.get("fees") not in (None, ""):
            out["fees_description"] = obj["fees"]
        if isinstance(obj.get("organization"), Mapping):
            out["organization"] = self.organization(obj["organization"])
        self._eligibility(obj, out, sid)
        out["contacts"] = [
            self.contact(c, sid, i) for i, c in enumerate(_list(obj, "contacts")) if _is(c)
        ]
        out["cost_options"] = [
            self.cost_option(c, sid, i) for i, c in enumerate(_list(obj, "cost_options")) if _is(c)
        ]
        out["funding"] = [
            {"id": self.id(f.get("id"), "funding", sid, i), "source": _text(f.get("source"))}
            for i, f in enumerate(_list(obj, "fundings"))
            if _is(f)
        ]
        out["languages"] = [
            self.language(lang, sid, i) for i, lang in enumerate(_list(obj, "languages"))
        ]
        out["schedules"] = [
            self.schedule(s, sid, i)
            for i, s in enumerate(_list(obj, "regular_schedules"))
            if _is(s)
        ]
        out["service_areas"] = [
            self.service_area(a, sid, i)
            for i, a in enumerate(_list(obj, "service_areas"))
            if _is(a)
        ]
        sals = [
            self.service_at_location(s, sid, i)
            for i, s in enumerate(_list(obj, "service_at_locations"))
            if _is(s)
        ]
        known = {s["location"]["id"] for s in sals if isinstance(s.get("location"), dict)}
        for i, loc in enumerate(_list(obj, "locations")):
            if _is(loc):
                location = self.location(loc, sid, i)
                if location["id"] not in known:
                    sals.append(
                        {"id": stable_id(sid, "locations", location["id"]), "location": location}
                    )
        out["service_at_locations"] = sals
        attributes = out.setdefault("attributes", [])
        for i, item in enumerate(_list(obj, "service_taxonomys")):
            if _is(item) and _is(item.get("taxonomy")):
                attributes.append(self.attribute(item["taxonomy"], sid, item.get("id"), i))
        for i, term in enumerate(_list(obj, "taxonomies")):
            if _is(term):
                attributes.append(self.attribute(term, sid, None, f"taxonomies{i}"))
        unmapped = [k for k in UNMAPPED if obj.get(k) not in (None, "", [])]
        if unmapped:
            self.note(f"{', '.join(unmapped)}: no place for them in HSDS 3; not imported")
        other = sorted(k for k in obj if k not in SERVICE_KEYS and k not in UNMAPPED)
        other = [k for k in other if obj[k] not in (None, "", [])]
        if other:
            self.note(f"{', '.join(other)}: not ORUK 1.0 service fields; not imported")
        return {k: v for k, v in out.items() if v != []}

    def organization(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        raw = obj.get("id")
        if raw in (None, ""):
            raw = f"name:{_text(obj.get('name')).strip().lower()}"
        out: dict[str, Any] = {
            "id": self.id(raw, "organization", "", 0),
            "name": _text(obj.get("name")),
            "description": _text(obj.get("description")),
        }
        for key, target in (
            ("email", "email"),
            ("url", "website"),
            ("logo", "logo"),
            ("uri", "uri"),
        ):
            if obj.get(key) not in (None, ""):
                out[target] = obj[key]
        return out

    def contact(self, obj: Mapping[str, Any], parent: str, i: int) -> dict[str, Any]:
        cid = self.id(obj.get("id"), "contact", parent, f"contacts{i}")
        out: dict[str, Any] = {"id": cid}
        for key in ("name", "title", "department", "email"):
            if obj.get(key) not in (None, ""):
                out[key] = obj[key]
        phones = []
        for j, phone in enumerate(_list(obj, "phones")):
            if not _is(phone):
                continue
            pid = self.id(phone.get("id"), "phone", cid, f"phones{j}")
            item: dict[str, Any] = {"id": pid, "number": _text(phone.get("number"))}
            if phone.get("language") not in (None, ""):
                item["languages"] = [
                    {"id": stable_id(pid, "languages", 0), "name": _text(phone["language"])}
                ]
            phones.append(item)
        if phones:
            out["phones"] = phones
        return out

    def cost_option(self, obj: Mapping[str, Any], parent: str, i: int) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id(obj.get("id"), "cost_option", parent, i)}
        for key in ("option", "amount_description"):
            if obj.get(key) not in (None, ""):
                out[key] = _text(obj[key])
        for key in ("valid_from", "valid_to"):
            if isinstance(obj.get(key), str) and obj[key].strip():
                out[key] = obj[key].strip()[:10]
        amount = obj.get("amount")
        if isinstance(amount, str) and amount.strip():
            try:
                amount = float(amount.strip().lstrip("£"))
            except ValueError:
                self.note(f"cost_options[{i}].amount: {obj['amount']!r} is not a number; left out")
                amount = None
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            out["amount"] = amount
            out["currency"] = "GBP"
        return out

    def language(self, obj: Any, parent: str, i: int) -> dict[str, Any]:
        if not _is(obj):
            return {"id": stable_id(parent, "languages", i), "name": _text(obj)}
        return {
            "id": self.id(obj.get("id"), "language", parent, i),
            "name": _text(obj.get("language") or obj.get("name")),
        }

    def schedule(self, obj: Mapping[str, Any], parent: str, i: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id(obj.get("id"), "schedule", parent, i)}
        for key in ("description", "opens_at", "closes_at", "byday", "bymonthday"):
            if obj.get(key) not in (None, ""):
                out[key] = _text(obj[key])
        for key in ("dtstart", "valid_from", "valid_to"):
            if isinstance(obj.get(key), str) and obj[key].strip():
                out[key] = obj[key].strip()[:10]
        freq = _text(obj.get("freq")).strip().upper()
        if freq in ("WEEKLY", "MONTHLY"):
            out["freq"] = freq
        elif freq:
            self.note(f"regular_schedules: freq {obj['freq']!r} is not weekly or monthly; left out")
        interval = obj.get("interval")
        if isinstance(interval, str) and interval.strip().isdigit():
            interval = int(interval)
        if isinstance(interval, int) and not isinstance(interval, bool) and interval > 0:
            out["interval"] = interval
        return out

    def service_area(self, obj: Mapping[str, Any], parent: str, i: int) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id(obj.get("id"), "service_area", parent, i)}
        if obj.get("service_area") not in (None, ""):
            out["name"] = _text(obj["service_area"])
        for key in ("extent", "uri", "description"):
            if obj.get(key) not in (None, ""):
                out[key] = _text(obj[key])
        return out

    def service_at_location(self, obj: Mapping[str, Any], parent: str, i: int) -> dict[str, Any]:
        sal_id = self.id(obj.get("id"), "service_at_location", parent, i)
        out: dict[str, Any] = {"id": sal_id}
        if _is(obj.get("location")):
            out["location"] = self.location(obj["location"], sal_id, 0)
        schedules = _list(obj, "regular_schedule") + _list(obj, "regular_schedules")
        if schedules:
            out["schedules"] = [
                self.schedule(s, sal_id, j) for j, s in enumerate(schedules) if _is(s)
            ]
        return out

    def location(self, obj: Mapping[str, Any], parent: str, i: int) -> dict[str, Any]:
        lid = self.id(obj.get("id"), "location", parent, i)
        out: dict[str, Any] = {"id": lid, "location_type": "physical"}
        for key in ("name", "description"):
            if obj.get(key) not in (None, ""):
                out[key] = _text(obj[key])
        for key in ("latitude", "longitude"):
            value = obj.get(key)
            if isinstance(value, str):
                try:
                    value = float(value)
                except ValueError:
                    value = None
            if isinstance(value, int | float) and not isinstance(value, bool):
                out[key] = value
        addresses = []
        for j, address in enumerate(_list(obj, "physical_addresses")):
            if _is(address):
                addresses.append(self.address(address, lid, j))
        if addresses:
            out["addresses"] = addresses
        access = [
            {
                "id": self.id(a.get("id"), "accessibility", lid, j),
                "description": _text(a.get("accessibility")),
            }
            for j, a in enumerate(_list(obj, "accessibility_for_disabilities"))
            if _is(a)
        ]
        if access:
            out["accessibility"] = access
        return out

    def address(self, obj: Mapping[str, Any], parent: str, i: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id(obj.get("id"), "address", parent, i),
            "address_type": "physical",
        }
        for key in ("address_1", "city", "state_province", "postal_code"):
            out[key] = _text(obj.get(key)).strip()
        if obj.get("address_2") not in (None, ""):
            out["address_2"] = _text(obj["address_2"])
        if obj.get("attention") not in (None, ""):
            out["attention"] = _text(obj["attention"])
        country = _text(obj.get("country")).strip()
        if not country or country.lower() in UK_COUNTRIES:
            out["country"] = "GB"
        elif len(country) == 2 and country.isalpha():
            out["country"] = country.upper()
        else:
            out["country"] = "GB"
            self.note(
                f"physical_addresses: country {country!r} is not a two-letter code; GB assumed"
            )
        return out

    def attribute(
        self, term: Mapping[str, Any], parent: str, link_id: Any, i: Any
    ) -> dict[str, Any]:
        vocabulary = _text(term.get("vocabulary") or term.get("taxonomy"))
        raw = term.get("id")
        term_id = (
            self.id(f"{vocabulary}|{raw}", "taxonomy_term", parent, i)
            if raw not in (None, "")
            else stable_id(parent, "taxonomy_term", _text(term.get("name")))
        )
        name = _text(term.get("name"))
        out_term: dict[str, Any] = {"id": term_id, "name": name, "description": name}
        if vocabulary:
            out_term["taxonomy"] = vocabulary
        if raw not in (None, ""):
            out_term["code"] = _text(raw)
        parent_raw = term.get("parent_id", term.get("parent"))
        if _is(parent_raw):
            parent_raw = parent_raw.get("id")
        if parent_raw not in (None, ""):
            out_term["parent_id"] = self.id(f"{vocabulary}|{parent_raw}", "taxonomy_term", "", 0)
        attr_id = (
            self.id(link_id, "service_taxonomy", parent, i)
            if link_id not in (None, "")
            else stable_id(parent, "attributes", term_id)
        )
        return {"id": attr_id, "taxonomy_term": out_term}

    def _eligibility(self, obj: Mapping[str, Any], out: dict[str, Any], sid: str) -> None:
        items = [e for e in _list(obj, "eligibilitys") if _is(e)]
        texts = [_text(e.get("eligibility")).strip() for e in items]
        if any(texts):
            out["eligibility_description"] = "; ".join(t for t in texts if t)
        lows = [_age(e.get("minimum_age")) for e in items]
        highs = [_age(e.get("maximum_age")) for e in items]
        given_lows = [a for a in lows if a is not None]
        given_highs = [a for a in highs if a is not None]
        if given_lows:
            # -1 ("no limit") in any eligibility leaves the service without a lower limit.
            out["minimum_age"] = -1 if -1 in given_lows else min(given_lows)
        if given_highs:
            out["maximum_age"] = -1 if -1 in given_highs else max(given_highs)
        if len(given_lows) > 1 or len(given_highs) > 1:
            self.note(
                f"eligibilitys: {len(items)} age ranges; the service takes the widest "
                "(lowest minimum_age, highest maximum_age)"
            )
        for i, item in enumerate(items):
            for j, term in enumerate(_list(item, "taxonomys")):
                if _is(term):
                    out.setdefault("attributes", []).append(
                        self.attribute(term, sid, None, f"eligibilitys{i}.{j}")
                    )


def service_to_hsds(
    obj: Mapping[str, Any], *, source: str = ""
) -> tuple[dict[str, Any], list[str]]:
    mapper = _Mapper(source)
    return mapper.service(obj), mapper.warnings


def _is(value: Any) -> bool:
    return isinstance(value, Mapping)


def _list(obj: Mapping[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _age(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value == int(value):
        return int(value)
    return None
