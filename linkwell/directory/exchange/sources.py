"""Reading an ORUK / HSDS 3 JSON file into a flat list of records to import.

Accepted shapes (the top-level value of the file):

* one object: a service (`service_full`), an organization (`organization_full`), a taxonomy, a
  taxonomy term, or a `service_at_location_full` (`{id, location, service}`);
* a page: `{"contents": [...], "total_items": ..., ...}` (any ORUK 3.0 `*_list` response);
* a list of such objects, or a list of pages (several pages of a feed saved in one file);
* a **full dump** (what `linkwell directory export` writes):
  `{"taxonomies": [...], "taxonomy_terms": [...], "organizations": [...], "services": [...]}`,
  imported in that order so references resolve.

Each object's kind is read from its keys (a service has `status`; a taxonomy term has one of
`parent_id`, `taxonomy`, `taxonomy_id`, `term`, `code`, `term_uri`, `taxonomy_detail`; a taxonomy
has `taxonomy_terms`, `version` or `uri` and none of the organization keys; anything else with
`id`, `name` and `description` is an organization).

ORUK 1.0 feeds (`{"content": [...], "totalElements": ...}` envelopes) are refused with a clear
message: Linkwell reads ORUK 3.0 / HSDS 3 only. So are files that are not records at all, told
apart by shape: ORUK `api_details.json` / HSDS `base.json` (`version`, `profile`,
`openapi_url`), a `datapackage.json` (`resources`), and the HSDS `tabular.json` example (keys
ending `.csv`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from linkwell.core.exceptions import LinkwellError

SERVICE = "service"
ORGANIZATION = "organization"
TAXONOMY = "taxonomy"
TAXONOMY_TERM = "taxonomy_term"

DUMP_KEYS = {
    "taxonomies": TAXONOMY,
    "taxonomy_terms": TAXONOMY_TERM,
    "organizations": ORGANIZATION,
    "services": SERVICE,
}
TERM_KEYS = {"parent_id", "taxonomy", "taxonomy_id", "term", "code", "term_uri", "taxonomy_detail"}
ORG_KEYS = {"website", "logo", "email", "services", "organization_identifiers", "legal_status"}
ORUK1_KEYS = {"content", "totalElements", "totalelements", "totalPages", "totalpages"}


class ImportFileError(LinkwellError):
    """The file as a whole cannot be read (not JSON, unsupported shape, wrong version)."""


@dataclass
class SourceRecord:
    kind: str
    position: str  # where it is in the file, e.g. "contents[2]" or "line 7"
    data: Any
    # Linkwell's own facts a source can carry (CSV `accepts_referrals`); never HSDS fields.
    linkwell: dict[str, Any] = field(default_factory=dict)
    # Set for records nested in another (e.g. services in an organization_full).
    organization_id: str | None = None
    # Problems found while reading (a CSV row's bad values, a location on its own); the
    # importer reports them together with the schema and business-rule errors.
    errors: list[str] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        return str(self.data.get("id", "")) if isinstance(self.data, dict) else ""


def parse_json(text: str, *, name: str = "the file") -> list[SourceRecord]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    return records_from_value(value, name=name)


def kind_of(obj: dict[str, Any]) -> str:
    keys = set(obj)
    if "status" in keys or "service_at_locations" in keys:
        return SERVICE
    if keys & TERM_KEYS:
        return TAXONOMY_TERM
    if ("taxonomy_terms" in keys or keys & {"version", "uri"}) and not keys & ORG_KEYS:
        return TAXONOMY
    return ORGANIZATION


def _oruk1(value: dict[str, Any]) -> bool:
    return bool(set(value) & ORUK1_KEYS) and "contents" not in value


API_DETAILS_KEYS = {"version", "profile", "openapi_url"}


def _not_a_record(value: dict[str, Any]) -> str | None:
    """What a well-known non-record file is, by its shape (None: it may be a record)."""
    keys = set(value)
    if "id" in keys:
        return None
    if "openapi_url" in keys and keys <= API_DETAILS_KEYS | {"description", "name"}:
        # ORUK `api_details.json` / HSDS `base.json`: the `/` endpoint of a feed.
        return (
            "API details (the feed's `/` endpoint: `version`, `profile`, `openapi_url`), "
            "which describe a feed but hold no services"
        )
    if "resources" in keys and ("profile" in keys or "name" in keys):
        return (
            "a data package (`datapackage.json`), which describes the CSV files of the HSDS "
            "tabular format; Linkwell reads HSDS JSON or its own CSV"
        )
    if keys and all(isinstance(k, str) and k.endswith(".csv") for k in keys):
        return (
            "the HSDS tabular format as JSON (one list per CSV file, e.g. `services.csv`); "
            "Linkwell reads HSDS JSON objects (services, organizations...) or its own CSV"
        )
    return None


def records_from_value(value: Any, *, name: str = "the file") -> list[SourceRecord]:
    out: list[SourceRecord] = []
    if isinstance(value, dict):
        what = _not_a_record(value)
        if what is not None:
            raise ImportFileError(f"{name} is not an HSDS record: it is {what}.")
        if _oruk1(value):
            raise ImportFileError(
                "ORUK 1.0 feed, not supported: this page uses the ORUK 1.0 envelope "
                "(`content`, `totalElements`). Linkwell imports Open Referral UK 3.0 / HSDS 3 "
                "(`contents`, `total_items`)."
            )
        if "contents" in value:
            _page(value, "", out)
        elif set(value) & set(DUMP_KEYS) and "id" not in value:
            for key, kind in DUMP_KEYS.items():
                items = value.get(key) or []
                if not isinstance(items, list):
                    raise ImportFileError(f"`{key}` must be a list.")
                for i, item in enumerate(items):
                    _object(item, f"{key}[{i}]", out, kind=kind)
        else:
            _object(value, "", out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict) and _oruk1(item):
                raise ImportFileError(f"[{i}]: ORUK 1.0 feed page, not supported.")
            if isinstance(item, dict) and "contents" in item:
                _page(item, f"[{i}].", out)
            else:
                _object(item, f"[{i}]", out)
    else:
        raise ImportFileError(
            "The file holds neither an HSDS object, a list of them, a page (`contents`) "
            "nor a full dump (`services`, `organizations`, ...)."
        )
    return out


def _page(page: dict[str, Any], prefix: str, out: list[SourceRecord]) -> None:
    contents = page["contents"]
    if not isinstance(contents, list):
        raise ImportFileError(f"{prefix}contents must be a list.")
    for i, item in enumerate(contents):
        _object(item, f"{prefix}contents[{i}]", out)


def _object(obj: Any, position: str, out: list[SourceRecord], *, kind: str | None = None) -> None:
    position = position or "the top-level object"
    if not isinstance(obj, dict):
        out.append(SourceRecord(kind or SERVICE, position, obj))
        return
    if kind is None and {"service", "location"} <= set(obj) and "status" not in obj:
        # service_at_location_full: import its service, carrying this service_at_location.
        service = dict(obj["service"]) if isinstance(obj["service"], dict) else obj["service"]
        if isinstance(service, dict):
            sal = {k: v for k, v in obj.items() if k != "service"}
            known = [s for s in service.get("service_at_locations") or [] if isinstance(s, dict)]
            if not any(s.get("id") == sal.get("id") for s in known):
                service["service_at_locations"] = [*known, sal]
        out.append(SourceRecord(SERVICE, f"{position}.service", service))
        return
    if kind is None and "location_type" in obj and "status" not in obj:
        out.append(
            SourceRecord(
                "location",
                position,
                obj,
                errors=[
                    "a location on its own cannot be imported: import the service or "
                    "organization it belongs to"
                ],
            )
        )
        return
    kind = kind or kind_of(obj)
    if kind == ORGANIZATION and isinstance(obj.get("services"), list):
        org = {k: v for k, v in obj.items() if k != "services"}
        out.append(SourceRecord(ORGANIZATION, position, org))
        for i, service in enumerate(obj["services"]):
            out.append(
                SourceRecord(
                    SERVICE, f"{position}.services[{i}]", service, organization_id=obj.get("id")
                )
            )
        return
    if kind == TAXONOMY and isinstance(obj.get("taxonomy_terms"), list):
        out.append(
            SourceRecord(
                TAXONOMY, position, {k: v for k, v in obj.items() if k != "taxonomy_terms"}
            )
        )
        for i, term in enumerate(obj["taxonomy_terms"]):
            if (
                isinstance(term, dict)
                and "taxonomy_id" not in term
                and "taxonomy_detail" not in term
            ):
                term = {**term, "taxonomy_id": obj.get("id")}
            out.append(SourceRecord(TAXONOMY_TERM, f"{position}.taxonomy_terms[{i}]", term))
        return
    out.append(SourceRecord(kind, position, obj))
