"""The directory as an HSDS 3 tabular data package: `datapackage.json` and one CSV per table.

`linkwell directory export --format tabular --out DIR|FILE.zip [--profile hsds|oruk]` writes it.

How it is built: the same HSDS objects as the JSON dump (`export.directory_dump`, so the API, the
JSON dump and the tables cannot disagree) are taken apart into rows. Each nested object becomes a
row of its own table with the id of the object it was nested in (`service_id`, `location_id`,
`contact_id`, ...), as the HSDS tabular model links tables; an attribute row's `link_id` is the
id of the object it was attached to. Rows are de-duplicated by id (a location used by two
services is one row).

The table shapes (which tables, which columns, their order) are read from the vendored
`datapackage.json` of the chosen profile, which is also written out as the package's descriptor:
- `hsds` (default): the HSDS 3.0 package, every table and column HSDS defines;
- `oruk`: the UK profile's package, without the tables and columns the profile deletes (the
  objects go through `profile.to_oruk` first).
Anything the tables have no column for is left out: nested objects the tabular model does not
have (HSDS 3.1 `capacities`) and a feed's own extension fields. The JSON dump keeps those.

Every taxonomy term a row cites is in `taxonomy_terms` (with its taxonomy), even when only the
export knows it (the Linkwell referral-mode terms before `taxonomy_seed` has stored them), so
the package's foreign keys hold.

HSDS declares a taxonomy term's `code` unique in its table, but a code is unique only within its
own taxonomy (Linkwell's categories and OpenActive's activity list both have a "cycling"). A code
held by more than one row of a table is left out of every one of them (the column is optional;
the term keeps its id, name, taxonomy and `term_uri`), so the package validates; the JSON dump
keeps the codes.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from linkwell.directory.exchange import export, hsds, schemas
from linkwell.directory.exchange.profile import to_oruk
from linkwell.directory.models import Service

JSON = dict[str, Any]
PROFILES = ("hsds", "oruk")
DESCRIPTORS = {"hsds": "hsds-3.0/datapackage.json", "oruk": "oruk-3.0/datapackage.json"}

# Nested array/object key -> (table, the column that names the parent). `None`: the row keeps
# its own link columns (a service_at_location's `service_id`, set below).
_NESTED: dict[str, dict[str, str]] = {
    "service": {
        "phones": "phone",
        "schedules": "schedule",
        "service_areas": "service_area",
        "service_at_locations": "service_at_location",
        "languages": "language",
        "funding": "funding",
        "cost_options": "cost_option",
        "required_documents": "required_document",
        "contacts": "contact",
        "attributes": "attribute",
    },
    "organization": {
        "phones": "phone",
        "contacts": "contact",
        "locations": "location",
        "funding": "funding",
        "organization_identifiers": "organization_identifier",
        "programs": "program",
        "attributes": "attribute",
    },
    "service_at_location": {
        "contacts": "contact",
        "phones": "phone",
        "schedules": "schedule",
        "service_areas": "service_area",
        "attributes": "attribute",
    },
    "location": {
        "languages": "language",
        "addresses": "address",
        "contacts": "contact",
        "accessibility": "accessibility",
        "phones": "phone",
        "schedules": "schedule",
        "attributes": "attribute",
    },
    "contact": {"phones": "phone", "attributes": "attribute"},
    "phone": {"languages": "language", "attributes": "attribute"},
}
# The column a child row uses to point at its parent, by parent table.
_PARENT_COLUMN = {
    "service": "service_id",
    "organization": "organization_id",
    "service_at_location": "service_at_location_id",
    "location": "location_id",
    "contact": "contact_id",
    "phone": "phone_id",
}


def descriptor(profile: str = "hsds") -> JSON:
    """The `datapackage.json` written for `profile`: the vendored one, except that required text
    columns say an empty cell is empty text (`missingValues: []`). HSDS requires some text we
    may not hold (an organization's `description`, an address's `state_province`); the JSON
    form writes `""` for them, and so does the CSV, which Table Schema would otherwise read as
    a missing value."""
    package = copy.deepcopy(schemas.load(DESCRIPTORS[profile]))
    for resource in package["resources"]:
        for column in resource["schema"]["fields"]:
            required = (column.get("constraints") or {}).get("required")
            if required and column.get("type") == "string" and column["name"] != "id":
                column["missingValues"] = []
    return package


class _Tables:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, JSON]] = {}

    def add(self, table: str, row: JSON) -> None:
        rows = self.rows.setdefault(table, {})
        key = str(row.get("id", len(rows)))
        if key in rows:
            # The same object seen again (a shared location): fill gaps, keep the first values.
            for k, v in row.items():
                rows[key].setdefault(k, v)
        else:
            rows[key] = row

    def take(self, table: str, obj: JSON, parent: tuple[str, str] | None = None) -> None:
        """`obj` as a row of `table`, and every object nested in it as rows of theirs."""
        row: JSON = {}
        if parent is not None:
            parent_table, parent_id = parent
            if table == "attribute":
                row["link_id"] = parent_id
                row.setdefault("link_entity", parent_table)
            else:
                row[_PARENT_COLUMN[parent_table]] = parent_id
        nested = _NESTED.get(table, {})
        for key, value in obj.items():
            if key in nested:
                items = value if isinstance(value, list) else [value]
                for item in items:
                    if isinstance(item, dict):
                        self.take(nested[key], item, (table, str(obj["id"])))
            elif table == "service" and key == "organization" and isinstance(value, dict):
                row.setdefault("organization_id", value.get("id"))
            elif table == "service_at_location" and key == "location" and isinstance(value, dict):
                row["location_id"] = value.get("id")
                self.take("location", value)
            elif table == "attribute" and key == "taxonomy_term" and isinstance(value, dict):
                row["taxonomy_term_id"] = value.get("id")
                self.take_term(value)
            elif not isinstance(value, dict | list):
                row[key] = value
        self.add(table, row)

    def take_term(self, term: JSON) -> None:
        detail = term.get("taxonomy_detail")
        if isinstance(detail, dict) and detail.get("id"):
            self.add("taxonomy", {k: v for k, v in detail.items() if not isinstance(v, dict)})
        self.add("taxonomy_term", {k: v for k, v in term.items() if not isinstance(v, dict | list)})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def tables(
    profile: str = "hsds",
    *,
    track: Callable[[Iterable[Service], int], Iterable[Service]] | None = None,
) -> dict[str, list[JSON]]:
    """Table name -> rows (dicts keyed by HSDS column), for the whole directory."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}")
    dump = export.directory_dump(track=track)
    oruk = profile == "oruk"
    out = _Tables()
    # Taxonomies a term may belong to, before the UK profile drops a term's `taxonomy_detail`.
    known_taxonomies = {str(hsds.LINKWELL_TAXONOMY["id"]): dict(hsds.LINKWELL_TAXONOMY)}
    known_taxonomies.update((str(t["id"]), t) for t in dump["taxonomies"])
    # Stored taxonomies and terms first, so their own values win over copies nested in rows.
    for taxonomy in dump["taxonomies"]:
        out.take("taxonomy", to_oruk(taxonomy, "taxonomy") if oruk else taxonomy)
    for term in dump["taxonomy_terms"]:
        out.take_term(to_oruk(term, "taxonomy_term") if oruk else term)
    for organization in dump["organizations"]:
        out.take("organization", to_oruk(organization, "organization") if oruk else organization)
    for service in dump["services"]:
        out.take("service", to_oruk(service, "service") if oruk else service)
    stored = out.rows.setdefault("taxonomy", {})
    for term in out.rows.get("taxonomy_term", {}).values():
        taxonomy_id = str(term.get("taxonomy_id") or "")
        if taxonomy_id and taxonomy_id not in stored and taxonomy_id in known_taxonomies:
            out.add("taxonomy", known_taxonomies[taxonomy_id])
    return {name: list(rows.values()) for name, rows in out.rows.items()}


def _optional_unique_columns(resource: JSON) -> list[str]:
    return [
        f["name"]
        for f in resource["schema"]["fields"]
        if (f.get("constraints") or {}).get("unique")
        and not (f.get("constraints") or {}).get("required")
    ]


def _without_shared_values(rows: list[JSON], columns: list[str]) -> list[JSON]:
    """`rows`, with a value of one of `columns` held by more than one row left out of all."""
    for column in columns:
        counts = Counter(_cell(r.get(column)) for r in rows)
        shared = {value for value, n in counts.items() if n > 1 and value}
        if shared:
            rows = [{**r, column: None} if _cell(r.get(column)) in shared else r for r in rows]
    return rows


def write(
    destination: Path,
    profile: str = "hsds",
    *,
    track: Callable[[Iterable[Service], int], Iterable[Service]] | None = None,
) -> dict[str, int]:
    """Write the package to a directory, or to a ZIP file when `destination` ends in `.zip`.
    Returns the row count of each table. Every table of the profile is written, empty ones
    with their header only."""
    data = tables(profile, track=track)
    package = descriptor(profile)
    files: dict[str, str] = {}
    counts: dict[str, int] = {}
    for resource in package["resources"]:
        columns = [f["name"] for f in resource["schema"]["fields"]]
        rows = data.get(resource["name"], [])
        rows = _without_shared_values(rows, _optional_unique_columns(resource))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        files[resource["path"]] = buffer.getvalue()
        counts[resource["name"]] = len(rows)
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    if destination.suffix.lower() == ".zip":
        with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(name, text)
    else:
        destination.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (destination / name).write_text(text, encoding="utf-8")
    return counts
