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

ORUK 1.0 (`{"content": [...], "totalElements": ...}` pages, key case ignored, and single ORUK 1.0
services, told by keys HSDS 3 does not have such as `regular_schedules` or `service_taxonomys`)
is mapped to HSDS 3 by `readers.oruk1`, which names what it could not map. A file of JSON lines
(one page or object per line) is read line by line; a UTF-8 byte-order mark is ignored.

Every record then goes through `readers.quirks.normalise` (ages of -1 mean no limit, time zones,
missing child ids...). What either of them did is kept in `SourceRecord.warnings`, which the
importer reports against the record when it is written.

Files that are not records at all are refused, told apart by shape: ORUK `api_details.json` /
HSDS `base.json` (`version`, `profile`, `openapi_url`), a `datapackage.json` (`resources`: read
the package itself, `readers.tabular`), and the HSDS `tabular.json` example (keys ending `.csv`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from linkwell.core.exceptions import LinkwellError
from linkwell.directory.exchange.readers import oruk1, quirks

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
    # Values the reader changed or left out (what and why); reported if the record is written.
    warnings: list[str] = field(default_factory=list)
    # The record's id in the file when the reader replaced it (an ORUK 1.0 whole-number id).
    source_id: str = ""

    @property
    def record_id(self) -> str:
        return str(self.data.get("id", "")) if isinstance(self.data, dict) else ""


def parse_json(
    text: str, *, name: str = "the file", source: str = "", assume: str | None = None
) -> list[SourceRecord]:
    """The records of a JSON (or JSON lines) file. `source` names the feed: ORUK 1.0 ids that
    are not UUIDs are made into UUIDs with it, so give the same value on every import."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ImportFileError(f"{name} is empty.")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if len(lines) < 2 or not _parses(lines[0][1]):
            raise ImportFileError(
                f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from exc
        # JSON lines: one page or object per line.
        out: list[SourceRecord] = []
        for number, line in lines:
            try:
                item = json.loads(line)
            except json.JSONDecodeError as line_exc:
                raise ImportFileError(
                    f"{name}: line {number} is not valid JSON (column {line_exc.colno}: "
                    f"{line_exc.msg})."
                ) from line_exc
            for record in records_from_value(item, name=name, source=source, assume=assume):
                inner = "" if record.position == "the top-level object" else record.position
                record.position = f"line {number} {inner}".rstrip()
                out.append(record)
        return out
    return records_from_value(value, name=name, source=source, assume=assume)


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def kind_of(obj: dict[str, Any]) -> str:
    keys = set(obj)
    if "status" in keys or "service_at_locations" in keys:
        return SERVICE
    if keys & TERM_KEYS:
        return TAXONOMY_TERM
    if ("taxonomy_terms" in keys or keys & {"version", "uri"}) and not keys & ORG_KEYS:
        return TAXONOMY
    return ORGANIZATION


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
            "tabular format: import the datapackage.json file by its path, its directory or a "
            "zip of it, so its CSV files are read with it"
        )
    if keys and all(isinstance(k, str) and k.endswith(".csv") for k in keys):
        return (
            "the HSDS tabular format as JSON (one list per CSV file, e.g. `services.csv`); "
            "Linkwell reads HSDS JSON objects (services, organizations...) or its own CSV"
        )
    return None


def records_from_value(
    value: Any, *, name: str = "the file", source: str = "", assume: str | None = None
) -> list[SourceRecord]:
    """The records of a parsed JSON value, ORUK 1.0 mapped and the quirks resolved.

    `assume` (matching passes SERVICE) is the kind of every object the file's structure does
    not name (a top-level object, list or page item), instead of guessing it from its keys."""
    reader = _Reader(name=name, source=source, assume=assume)
    reader.value(value)
    return normalised(reader.out)


def normalised(records: list[SourceRecord]) -> list[SourceRecord]:
    """`records` with the published quirks resolved (`readers.quirks`), noted as warnings."""
    for record in records:
        record.data, warnings = quirks.normalise(record.kind, record.data)
        record.warnings.extend(warnings)
    return records


def _contents(value: dict[str, Any]) -> str | None:
    """The key of an ORUK 3.0 page's item list (`contents`, in any letter case)."""
    return next((k for k in value if isinstance(k, str) and k.lower() == "contents"), None)


@dataclass
class _Reader:
    name: str
    source: str
    assume: str | None
    out: list[SourceRecord] = field(default_factory=list)

    def value(self, value: Any) -> None:
        if isinstance(value, dict):
            what = _not_a_record(value)
            if what is not None:
                raise ImportFileError(f"{self.name} is not an HSDS record: it is {what}.")
            if oruk1.is_page(value):
                self.oruk1_page(value, "")
            elif _contents(value):
                self.page(value, "")
            elif set(value) & set(DUMP_KEYS) and "id" not in value:
                for key, kind in DUMP_KEYS.items():
                    items = value.get(key) or []
                    if not isinstance(items, list):
                        raise ImportFileError(f"{key}: must be a list.")
                    for i, item in enumerate(items):
                        self.object(item, f"{key}[{i}]", kind=kind)
            else:
                self.object(value, "")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict) and oruk1.is_page(item):
                    self.oruk1_page(item, f"[{i}].")
                elif isinstance(item, dict) and _contents(item):
                    self.page(item, f"[{i}].")
                else:
                    self.object(item, f"[{i}]")
        else:
            raise ImportFileError(
                "The file holds neither an HSDS object, a list of them, a page (`contents`) "
                "nor a full dump (`services`, `organizations`, ...)."
            )

    def oruk1_page(self, page: dict[str, Any], prefix: str) -> None:
        contents = oruk1.page_items(page)
        if not isinstance(contents, list):
            raise ImportFileError(f"{prefix}content: must be a list.")
        for i, item in enumerate(contents):
            if isinstance(item, dict):
                self.oruk1_service(item, f"{prefix}content[{i}]")
            else:
                self.out.append(SourceRecord(SERVICE, f"{prefix}content[{i}]", item))

    def oruk1_service(self, obj: dict[str, Any], position: str) -> None:
        data, warnings = oruk1.service_to_hsds(obj, source=self.source)
        raw = obj.get("id")
        source_id = ""
        if raw not in (None, "") and str(raw) != data["id"]:
            position = f"{position}, ORUK 1.0 id {raw}"
            source_id = str(raw)
        self.out.append(
            SourceRecord(SERVICE, position, data, warnings=warnings, source_id=source_id)
        )

    def page(self, page: dict[str, Any], prefix: str) -> None:
        key = _contents(page)
        assert key is not None
        contents = page[key]
        if not isinstance(contents, list):
            raise ImportFileError(f"{prefix}{key}: must be a list.")
        for i, item in enumerate(contents):
            self.object(item, f"{prefix}{key}[{i}]")

    def object(self, obj: Any, position: str, *, kind: str | None = None) -> None:
        _object(obj, position, self.out, kind=kind or self.assume, source=self.source)


def _object(
    obj: Any, position: str, out: list[SourceRecord], *, kind: str | None = None, source: str = ""
) -> None:
    position = position or "the top-level object"
    if not isinstance(obj, dict):
        out.append(SourceRecord(kind or SERVICE, position, obj))
        return
    if kind in (None, SERVICE) and oruk1.is_service(obj):
        _Reader(name="", source=source, assume=None, out=out).oruk1_service(obj, position)
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
