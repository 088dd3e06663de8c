"""HSDS 3 tabular data packages: `datapackage.json` and one CSV file per HSDS object.

`read_package(path)` takes the `datapackage.json` file, the directory holding it, or a zip of
either, and returns the HSDS 3 records the CSV rows make (taxonomies, taxonomy terms,
organizations, services; in that order so references resolve), for the importer or matching.

1. The package is checked with `frictionless` against its own descriptor (types, required
   values, unique ids, foreign keys). A resource must be a local file inside the package: a
   descriptor pointing at a web address or outside its directory is refused (nothing is
   downloaded). Columns are matched by name: optional ones may be left out and extra ones
   (kept like any unmodelled field) added; a missing required column refuses the package. A
   table whose schema in the descriptor is itself not valid is checked as text columns, with
   a note.
2. Rows are assembled into nested HSDS 3 objects: a service carries its phones, schedules,
   service_at_locations (each with its location, addresses, accessibility), contacts,
   languages, cost options, service areas, funding, required documents, attributes and HSDS 3.1
   capacities; an organization carries its own contacts, phones, locations, identifiers and
   funding. A child row naming several parents (a phone with `service_id` and `contact_id`) is
   placed under each, as the HSDS JSON examples do; the importer stores it once.
3. Each problem frictionless finds is put against the record the row went into, with file, row
   and field: on a required field it rejects the record; on an optional field the value is left
   out, with a warning; a reference to an id not in the package is a warning (the directory may
   already hold it; the importer says if it does not). Rows that belong to no record, and tables
   Linkwell does not hold (`programs`, `metadata`, `meta_table_descriptions`, `url`), are named
   in the notes.

Row numbers are frictionless's: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import json
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from linkwell.directory.exchange.sources import (
    ORGANIZATION,
    SERVICE,
    TAXONOMY,
    TAXONOMY_TERM,
    ImportFileError,
    SourceRecord,
    normalised,
)

DESCRIPTOR = "datapackage.json"
MAX_ZIP_BYTES = 500 * 1024 * 1024
# HSDS object -> the usual file name stem (when a resource has no or an unusual `name`).
STEMS = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_locations": "service_at_location",
    "addresses": "address",
    "phones": "phone",
    "schedules": "schedule",
    "contacts": "contact",
    "languages": "language",
    "cost_options": "cost_option",
    "service_areas": "service_area",
    "required_documents": "required_document",
    "attributes": "attribute",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "organization_identifiers": "organization_identifier",
    "programs": "program",
    "units": "unit",
    "meta_table_descriptions": "meta_table_description",
}
NOT_HELD = {"program", "metadata", "meta_table_description", "url"}
# Values HSDS types as numbers (CSV holds text).
NUMBERS = {
    "service": {"minimum_age", "maximum_age"},
    "organization": {"year_incorporated"},
    "location": {"latitude", "longitude"},
    "phone": {"extension"},
    "schedule": {"timezone", "count", "interval"},
    "cost_option": {"amount"},
    "service_capacity": {"available", "maximum"},
}
# Parent columns: dropped from the nested object (its place says it).
LINKS = {
    "organization_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "contact_id",
    "phone_id",
    "link_id",
    "link_entity",
    "unit_id",
}


@dataclass
class PackageRead:
    records: list[SourceRecord]
    notes: list[str] = field(default_factory=list)  # about the package, not one record


@dataclass
class _Row:
    table: str
    file: str
    number: int
    values: dict[str, Any]
    owners: list[SourceRecord] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file} row {self.number}"

    def obj(self, drop: set[str] | None = None) -> dict[str, Any]:
        drop = LINKS if drop is None else drop
        return {k: v for k, v in self.values.items() if k not in drop}


def read_package(path: Path) -> PackageRead:
    with _unpacked(path) as descriptor:
        return _read(descriptor)


@contextmanager
def _unpacked(path: Path) -> Iterator[Path]:
    if path.is_dir():
        path = path / DESCRIPTOR
    if path.name == DESCRIPTOR or path.suffix.lower() == ".json":
        if not path.is_file():
            raise ImportFileError(f"{path}: no such file.")
        yield path
        return
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ImportFileError(f"{path} is not a zip file: {exc}") from exc
    with archive, tempfile.TemporaryDirectory(prefix="linkwell-package-") as tmp:
        names = [i for i in archive.infolist() if not i.is_dir()]
        if sum(i.file_size for i in names) > MAX_ZIP_BYTES:
            raise ImportFileError(f"{path}: the zip unpacks to more than 500 MB.")
        for info in names:
            parts = PurePosixPath(info.filename).parts
            if info.filename.startswith("/") or ".." in parts:
                raise ImportFileError(f"{path}: {info.filename} points outside the zip.")
        archive.extractall(tmp)
        found = sorted(Path(tmp).rglob(DESCRIPTOR), key=lambda p: len(p.parts))
        if not found:
            raise ImportFileError(f"{path}: the zip holds no {DESCRIPTOR}.")
        yield found[0]


def _local(descriptor: Path, value: Any, what: str) -> None:
    """Refuse a resource path or schema that is not a file inside the package."""
    paths = value if isinstance(value, list) else [value]
    for item in paths:
        if not isinstance(item, str):
            continue
        pure = PurePosixPath(item)
        if "://" in item or pure.is_absolute() or ".." in pure.parts:
            raise ImportFileError(
                f"{descriptor.name}: {what} {item!r} is not a file inside the package; "
                "Linkwell reads only the package's own files (it downloads nothing)."
            )


def _read(descriptor: Path) -> PackageRead:
    try:
        data = json.loads(descriptor.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(f"{descriptor.name} cannot be read: {exc}") from exc
    resources = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(resources, list) or not resources:
        raise ImportFileError(f"{descriptor.name} lists no resources (CSV files).")
    base = descriptor.parent
    present = []
    for resource in resources:
        if not isinstance(resource, dict):
            raise ImportFileError(f"{descriptor.name}: each resource must be an object.")
        _local(descriptor, resource.get("path"), "resource path")
        _local(descriptor, resource.get("schema"), "schema")
        if isinstance(resource.get("path"), str) and (base / resource["path"]).is_file():
            present.append(resource)
    if not present:
        raise ImportFileError(f"{descriptor.name}: none of the CSV files it lists is present.")
    # HSDS publishes one descriptor for every table; a package may ship only some of them.
    data = {**data, "resources": present}
    notes: list[str] = []
    data["resources"] = [_usable_schema(r, base, notes) for r in present]
    problems = _validate(data, base)
    tables, table_notes = _tables(present, base, problems)
    return _assemble(tables, problems, notes + table_notes)


def _usable_schema(resource: dict[str, Any], base: Path, notes: list[str]) -> dict[str, Any]:
    """The resource, its schema replaced by text columns when the descriptor's is not valid (a
    draft HSDS descriptor has such schemas), so one bad table schema does not refuse the rest."""
    from frictionless import FrictionlessException, Schema

    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return resource
    try:
        Schema.from_descriptor(schema)
    except FrictionlessException as exc:
        with (base / resource["path"]).open(encoding="utf-8-sig", newline="") as fh:
            header = [h.strip() for h in next(csv.reader(fh), []) if h.strip()]
        notes.append(
            f"{resource['path']}: its schema in {DESCRIPTOR} is not valid "
            f"({exc.error.message}); its columns were checked as text only"
        )
        fields = [{"name": h, "type": "string"} for h in header]
        return {**resource, "schema": {"fields": fields}}
    return resource


def _validate(descriptor: dict[str, Any], base: Path) -> dict[tuple[str, int], list[_Problem]]:
    from frictionless import FrictionlessException, Package, system

    _required_columns(descriptor, base)
    # Columns are matched by name (datapackage v2 `fieldsMatch`), so a package may leave out
    # optional ones or order them as it likes.
    resources = []
    for resource in descriptor["resources"]:
        if isinstance(resource.get("schema"), dict):
            resource = {**resource, "schema": {**resource["schema"], "fieldsMatch": "partial"}}
        resources.append(resource)
    try:
        with system.use_context(trusted=False):
            package = Package({**descriptor, "resources": resources}, basepath=str(base))
            report = package.validate()
    except FrictionlessException as exc:
        reasons = "; ".join(e.message for e in getattr(exc, "reasons", []) or [])
        raise ImportFileError(
            f"{DESCRIPTOR} is not a valid data package: {exc.error.message}"
            + (f" ({reasons})" if reasons else "")
        ) from exc
    out: dict[tuple[str, int], list[_Problem]] = defaultdict(list)
    fatal = []
    for task in report.tasks:
        resource = package.get_resource(task.name)
        file = resource.path or task.name
        for error in task.errors:
            row = getattr(error, "row_number", None)
            if row is None:
                fatal.append(f"{file}: {error.message}")
                continue
            name = getattr(error, "field_name", None)
            required = False
            if name and resource.schema.has_field(name):
                required = bool(resource.schema.get_field(name).constraints.get("required"))
            message = getattr(error, "note", "") or error.message
            if error.type == "foreign-key":
                names = list(getattr(error, "field_names", []) or [])
                cells = list(getattr(error, "field_cells", []) or [])
                name = ", ".join(names) or None
                reference = getattr(error, "reference_name", "") or "table"
                message = f"no {reference} in this package has the id {', '.join(cells)}"
            out[(file, row)].append(_Problem(error.type, name, required, message))
    if fatal:
        raise ImportFileError("The data package is not valid: " + "; ".join(fatal[:20]))
    return out


def _required_columns(descriptor: dict[str, Any], base: Path) -> None:
    """Refuse a CSV file without a column its schema requires (every row would lack it)."""
    missing = []
    for resource in descriptor["resources"]:
        schema = resource.get("schema")
        if not isinstance(schema, dict):
            continue
        with (base / resource["path"]).open(encoding="utf-8-sig", newline="") as fh:
            header = {h.strip() for h in next(csv.reader(fh), [])}
        for item in schema.get("fields") or []:
            required = isinstance(item, dict) and (item.get("constraints") or {}).get("required")
            if required and item.get("name") not in header:
                missing.append(f"{resource['path']} has no {item['name']} column")
    if missing:
        raise ImportFileError(
            "The data package is not valid: " + "; ".join(missing) + " (HSDS requires them)."
        )


@dataclass
class _Problem:
    type: str
    field: str | None
    required: bool
    message: str


KNOWN = set(STEMS.values()) | {"funding", "accessibility", "metadata", "service_capacity", "url"}


def _table_name(resource: dict[str, Any]) -> str:
    """The HSDS object a resource holds: its `name`, else its file name."""
    name = str(resource.get("name") or "")
    stem = PurePosixPath(str(resource.get("path"))).stem
    return name if name in KNOWN else STEMS.get(stem, stem)


def _tables(
    resources: list[dict[str, Any]], base: Path, problems: dict[tuple[str, int], list[_Problem]]
) -> tuple[dict[str, list[_Row]], list[str]]:
    tables: dict[str, list[_Row]] = defaultdict(list)
    notes: list[str] = []
    for resource in resources:
        file = str(resource["path"])
        table = _table_name(resource)
        with (base / file).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            for number, raw in enumerate(reader, start=2):
                if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
                    continue
                values = _values(table, file, number, raw, problems)
                tables[table].append(_Row(table, file, number, values))
        if table in NOT_HELD and tables.get(table):
            notes.append(f"{file}: Linkwell does not hold {table} records; not imported")
    return tables, notes


def _values(
    table: str,
    file: str,
    number: int,
    raw: dict[str | None, Any],
    problems: dict[tuple[str, int], list[_Problem]],
) -> dict[str, Any]:
    bad = {
        p.field
        for p in problems.get((file, number), [])
        if p.field and not p.required and p.type != "foreign-key"  # a reference stays
    }
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key is None or not isinstance(value, str) or not value.strip() or key in bad:
            continue
        if key in NUMBERS.get(table, set()):
            try:
                number_value = float(value)
            except ValueError:
                problems[(file, number)].append(
                    _Problem("type-error", key, False, f"{value!r} is not a number")
                )
                continue
            out[key] = int(number_value) if number_value == int(number_value) else number_value
        else:
            out[key] = value
    return out


def _by(rows: list[_Row], key: str) -> dict[str, list[_Row]]:
    out: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.values.get(key):
            out[str(row.values[key])].append(row)
    return out


class _Assembler:
    def __init__(self, tables: dict[str, list[_Row]]) -> None:
        self.t = tables
        get = tables.get
        self.locations = {str(r.values.get("id")): r for r in get("location", [])}
        self.by = {
            (table, key): _by(get(table, []), key)
            for table, key in [
                ("phone", "service_id"),
                ("phone", "organization_id"),
                ("phone", "location_id"),
                ("phone", "contact_id"),
                ("phone", "service_at_location_id"),
                ("contact", "service_id"),
                ("contact", "organization_id"),
                ("contact", "location_id"),
                ("contact", "service_at_location_id"),
                ("schedule", "service_id"),
                ("schedule", "location_id"),
                ("schedule", "service_at_location_id"),
                ("service_area", "service_id"),
                ("service_area", "service_at_location_id"),
                ("language", "service_id"),
                ("language", "location_id"),
                ("language", "phone_id"),
                ("cost_option", "service_id"),
                ("funding", "service_id"),
                ("funding", "organization_id"),
                ("required_document", "service_id"),
                ("service_at_location", "service_id"),
                ("address", "location_id"),
                ("accessibility", "location_id"),
                ("organization_identifier", "organization_id"),
                ("location", "organization_id"),
                ("service_capacity", "service_id"),
                ("attribute", "link_id"),
            ]
        }
        self.units = {str(r.values.get("id")): r for r in get("unit", [])}
        self.record: SourceRecord | None = None

    def take(self, row: _Row) -> dict[str, Any]:
        if self.record is not None and self.record not in row.owners:
            row.owners.append(self.record)
        return row.obj()

    def children(self, table: str, key: str, parent_id: str) -> list[dict[str, Any]]:
        return [self.build(table, row) for row in self.by[(table, key)].get(parent_id, [])]

    def attributes(self, entity: str, obj_id: str) -> list[dict[str, Any]]:
        out = []
        for row in self.by[("attribute", "link_id")].get(obj_id, []):
            if row.values.get("link_entity", entity) == entity:
                out.append(self.take(row))
        return out

    def build(self, table: str, row: _Row) -> dict[str, Any]:
        obj = self.take(row)
        oid = str(row.values.get("id", ""))
        if table == "phone":
            _put(obj, "languages", self.children("language", "phone_id", oid))
        elif table == "contact":
            _put(obj, "phones", self.children("phone", "contact_id", oid))
        elif table == "location":
            _put(obj, "addresses", self.children("address", "location_id", oid))
            _put(obj, "accessibility", self.children("accessibility", "location_id", oid))
            _put(obj, "phones", self.children("phone", "location_id", oid))
            _put(obj, "contacts", self.children("contact", "location_id", oid))
            _put(obj, "languages", self.children("language", "location_id", oid))
            _put(obj, "schedules", self.children("schedule", "location_id", oid))
            _put(obj, "attributes", self.attributes("location", oid))
        elif table == "service_at_location":
            location = self.locations.get(str(row.values.get("location_id", "")))
            if location is not None:
                obj["location"] = self.build("location", location)
            elif row.values.get("location_id"):
                obj["location_id"] = row.values["location_id"]
            _put(obj, "phones", self.children("phone", "service_at_location_id", oid))
            _put(obj, "contacts", self.children("contact", "service_at_location_id", oid))
            _put(obj, "schedules", self.children("schedule", "service_at_location_id", oid))
            _put(obj, "service_areas", self.children("service_area", "service_at_location_id", oid))
            _put(obj, "attributes", self.attributes("service_at_location", oid))
        elif table == "service_capacity":
            unit = self.units.get(str(row.values.get("unit_id", "")))
            if unit is not None:
                obj["unit"] = self.take(unit)
        return obj

    def service(self, row: _Row) -> dict[str, Any]:
        obj = row.obj(LINKS - {"organization_id"})
        row.owners.append(self.record)  # type: ignore[arg-type]
        sid = str(row.values.get("id", ""))
        for table, key in (
            ("phone", "phones"),
            ("contact", "contacts"),
            ("schedule", "schedules"),
            ("service_area", "service_areas"),
            ("language", "languages"),
            ("cost_option", "cost_options"),
            ("funding", "funding"),
            ("required_document", "required_documents"),
            ("service_at_location", "service_at_locations"),
            ("service_capacity", "capacities"),
        ):
            _put(obj, key, self.children(table, "service_id", sid))
        _put(obj, "attributes", self.attributes("service", sid))
        return obj

    def organization(self, row: _Row) -> dict[str, Any]:
        obj = row.obj()
        row.owners.append(self.record)  # type: ignore[arg-type]
        oid = str(row.values.get("id", ""))
        # The organization's own contacts and phones: those not given to a service or place.
        _put(
            obj,
            "contacts",
            [
                self.build("contact", r)
                for r in self.by[("contact", "organization_id")].get(oid, [])
                if _own(r)
            ],
        )
        _put(
            obj,
            "phones",
            [
                self.build("phone", r)
                for r in self.by[("phone", "organization_id")].get(oid, [])
                if _own(r)
            ],
        )
        _put(obj, "locations", self.children("location", "organization_id", oid))
        _put(
            obj,
            "organization_identifiers",
            self.children("organization_identifier", "organization_id", oid),
        )
        _put(
            obj,
            "funding",
            [
                self.take(r)
                for r in self.by[("funding", "organization_id")].get(oid, [])
                if not r.values.get("service_id")
            ],
        )
        _put(obj, "attributes", self.attributes("organization", oid))
        return obj


def _own(row: _Row) -> bool:
    """An organization's own contact or phone: not given to a service, place or contact."""
    keys = ("service_id", "location_id", "service_at_location_id", "contact_id")
    return not any(row.values.get(k) for k in keys)


def _put(obj: dict[str, Any], key: str, items: list[dict[str, Any]]) -> None:
    if items:
        obj[key] = items


def _assemble(
    tables: dict[str, list[_Row]],
    problems: dict[tuple[str, int], list[_Problem]],
    notes: list[str],
) -> PackageRead:
    assembler = _Assembler(tables)
    records: list[SourceRecord] = []
    for table, kind in (("taxonomy", TAXONOMY), ("taxonomy_term", TAXONOMY_TERM)):
        for row in tables.get(table, []):
            record = SourceRecord(kind, row.where, row.obj(set()))
            row.owners.append(record)
            records.append(record)
    for table, kind in (("organization", ORGANIZATION), ("service", SERVICE)):
        for row in tables.get(table, []):
            record = SourceRecord(kind, row.where, {})
            assembler.record = record
            record.data = (
                assembler.organization(row) if kind == ORGANIZATION else assembler.service(row)
            )
            records.append(record)
    assembler.record = None
    for table, rows in tables.items():
        for row in rows:
            found = problems.get((row.file, row.number), [])
            if not row.owners:
                if table not in NOT_HELD:
                    notes.append(
                        f"{row.where}: belongs to no organization, service or taxonomy in the "
                        "package; not imported"
                    )
                continue
            for problem in found:
                for record in row.owners:
                    parts = [] if record.position == row.where else [row.where]
                    if problem.field:
                        parts.append(f"field {problem.field}")
                    message = f"{', '.join(parts)}: {problem.message}" if parts else problem.message
                    if problem.type == "foreign-key":
                        record.warnings.append(f"{message} (it must already be in the directory)")
                    elif problem.required or problem.field is None:
                        record.errors.append(message)
                    else:
                        record.warnings.append(f"{message}; left out")
    return PackageRead(normalised(records), notes)
