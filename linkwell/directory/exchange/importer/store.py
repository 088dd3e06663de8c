"""The directory rows an import touches, held in memory: loaded in bulk before anything is
written, read and changed by the writer without a query, then written in one short transaction
(one store per batch of records, run.py).

* `load(records)`: every row whose HSDS id appears in the file, and every child row of those
  (a service's phones, a location's addresses...), so the writer can tell which children a
  record no longer lists. A fixed number of queries per kind of row, whatever the file's size.
* The writer asks `get(model, uuid)` / `children(...)` instead of querying, and changes rows
  through `add`, `set`, `delete`, `bump` and `audit`. Each change is journalled, so a rejected
  record's changes are undone in memory (`mark` / `undo_to`): what a savepoint did before.
* `apply()` writes it all: inserts (parents first, in bulk), updates (in bulk), version bumps,
  deletions (the database cascades as a row-by-row delete did), audit events. It first checks
  that no service or organization it changes was saved by someone else since it was loaded
  (`version`): if one was, it raises `StaleRead` and the import is planned again from fresh
  rows, so a web edit made during an import is never overwritten unseen.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_event, audit_record_many
from linkwell.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.services import ServiceRows, services_create

# Parents before children: the order rows are inserted in.
MODELS: list[type[Any]] = [
    Taxonomy,
    TaxonomyTerm,
    DirectoryOrganization,
    Service,
    Location,
    Address,
    ServiceAtLocation,
    Contact,
    Phone,
    Schedule,
    Language,
    Accessibility,
    CostOption,
    ServiceArea,
    Attribute,
]
# Rows whose children a record lists (and may drop): their children are loaded with them.
PARENTS: list[type[Any]] = [
    DirectoryOrganization,
    Service,
    Location,
    ServiceAtLocation,
    Contact,
    Phone,
]
# The foreign keys from a child to those parents, per child model.
LINKS: dict[type[Any], list[str]] = {
    model: [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model in PARENTS
    ]
    for model in MODELS
}
CHUNK = 2000  # ids per `IN (...)` when loading
BATCH = 500  # rows per bulk statement when writing

Key = tuple[type[Any], str, Any]  # (child model, link name, the parent's uuid or link key)


# Databases whose new ids the importer takes itself, to insert rows with plain `executemany`.
_FAST_INSERT = {"sqlite": True, "postgresql": True}


def _plain_fields(model: type[Any]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation]


def _next_ids(model: type[Any], count: int) -> list[int]:
    """`count` fresh primary keys (inside the write transaction)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [qn(table), column, count],
            )
            return sorted(r[0] for r in cursor.fetchall())
        # SQLite (AUTOINCREMENT): above both the largest id and the largest ever handed out;
        # inserting them moves sqlite_sequence on. Only one writer holds the lock, so no other
        # transaction can take the same ids.
        cursor.execute(f"SELECT COALESCE(MAX({qn(column)}), 0) FROM {qn(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
    return list(range(start, start + count))


class StaleRead(Exception):
    """A row the import changes was saved by someone else after it was loaded."""


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _as_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def file_ids(values: Iterable[Any]) -> set[uuid.UUID]:
    """Every HSDS id (and `*_id` reference) in the records' data."""
    out: set[uuid.UUID] = set()
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, dict | list):
                    stack.append(item)
                elif (key == "id" or key.endswith("_id")) and isinstance(item, str):
                    found = _as_uuid(item)
                    if found is not None:
                        out.add(found)
        elif isinstance(value, list):
            stack.extend(value)
    return out


class Store:
    def __init__(self, *, actor: User | None) -> None:
        self.actor = actor
        self.rows: dict[type[Any], dict[uuid.UUID, Any]] = defaultdict(dict)
        self.by_pk: dict[type[Any], dict[int, Any]] = defaultdict(dict)
        self.kids: dict[Key, dict[uuid.UUID, Any]] = defaultdict(dict)
        self.links: dict[int, dict[str, Any]] = {}  # id(row) -> {link name: parent key}
        self.loaded_version: dict[int, int] = {}
        self.new: dict[type[Any], dict[int, Any]] = defaultdict(dict)
        self.dirty: dict[int, tuple[Any, set[str]]] = {}
        self.deleted: dict[int, Any] = {}
        self.bumped: dict[int, Any] = {}
        self.listings: list[tuple[ServiceRows, dict[str, Any]]] = []
        self.audits: list[AuditEvent] = []
        self.prepared: dict[int, list[Any]] = {}  # id(new row) -> its plain column values
        self.journal: list[Callable[[], None]] | None = None

    # --- loading ------------------------------------------------------------------------------

    def load(self, data: Iterable[Any]) -> None:
        ids = sorted(file_ids(data))
        for model in MODELS:
            qs = model.objects.all()
            if model is DirectoryOrganization:
                qs = qs.select_related("owner")
            for chunk in _chunks(ids):
                for row in qs.filter(uuid__in=chunk):
                    self._register(row)
        for parent in PARENTS:
            pks = list(self.by_pk[parent])
            for child, names in LINKS.items():
                for name in names:
                    if child._meta.get_field(name).related_model is not parent:
                        continue
                    for chunk in _chunks(pks):
                        for row in child.objects.filter(**{f"{name}_id__in": chunk}):
                            self._register(row)
        linked = [u for p in PARENTS for u in self.rows[p]]
        for chunk in _chunks(linked):
            for row in Attribute.objects.filter(link_uuid__in=chunk):
                self._register(row)
        # Services whose organization is not in the file (an ORUK list item keeps the one held).
        missing = {
            s.organization_id
            for s in self.rows[Service].values()
            if s.organization_id not in self.by_pk[DirectoryOrganization]
        }
        for chunk in _chunks(sorted(missing)):
            for org in DirectoryOrganization.objects.filter(pk__in=chunk).select_related("owner"):
                self._register(org)
        # Terms' parents and taxonomies (compared on update) that the file does not name.
        for name, model in (("parent", TaxonomyTerm), ("taxonomy", Taxonomy)):
            wanted = {
                getattr(t, f"{name}_id")
                for t in list(self.rows[TaxonomyTerm].values())
                if getattr(t, f"{name}_id") is not None
            } - set(self.by_pk[model])
            for chunk in _chunks(sorted(wanted)):
                for row in model.objects.filter(pk__in=chunk):
                    self._register(row)
        prefetch_related_objects(list(self.rows[DirectoryOrganization].values()), "quality_checks")
        for model in MODELS:  # point each loaded row at the loaded parent objects
            fks = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model in self.by_pk
            ]
            for row in self.rows[model].values():
                for f in fks:
                    target = self.by_pk[f.related_model].get(getattr(row, f.attname))
                    if target is not None:
                        f.set_cached_value(row, target)

    def _register(self, row: Any) -> None:
        model = type(row)
        if row.uuid in self.rows[model]:
            return
        self.rows[model][row.uuid] = row
        self.by_pk[model][row.pk] = row
        if hasattr(row, "version"):
            self.loaded_version[id(row)] = row.version
        self._index(row)

    # --- links between rows -------------------------------------------------------------------

    def _parent_key(self, row: Any, name: str) -> Any:
        f = row._meta.get_field(name)
        if f.is_cached(row):
            parent = f.get_cached_value(row)
            return None if parent is None else parent.uuid
        pk = getattr(row, f.attname)
        if pk is None:
            return None
        parent = self.by_pk[f.related_model].get(pk)
        return parent.uuid if parent is not None else ("pk", pk)

    def _link_keys(self, row: Any) -> dict[str, Any]:
        model = type(row)
        keys = {name: self._parent_key(row, name) for name in LINKS.get(model, [])}
        if model is Attribute:
            keys["link"] = (row.link_entity, row.link_uuid)
        return keys

    def _index(self, row: Any) -> None:
        model = type(row)
        keys = self._link_keys(row)
        old = self.links.get(id(row), {})
        for name, key in old.items():
            if key is not None and keys.get(name) != key:
                self.kids[(model, name, key)].pop(row.uuid, None)
        for name, key in keys.items():
            if key is not None:
                self.kids[(model, name, key)][row.uuid] = row
        self.links[id(row)] = keys

    def _unindex(self, row: Any) -> None:
        for name, key in self.links.get(id(row), {}).items():
            if key is not None:
                self.kids[(type(row), name, key)].pop(row.uuid, None)

    def linked(self, row: Any, name: str) -> bool:
        """Whether the row's link `name` points at a parent."""
        return self.links.get(id(row), {}).get(name) is not None

    def children(self, model: type[Any], name: str, parent: Any) -> list[Any]:
        """The `model` rows whose link `name` is `parent` (a row, or an attribute's link key),
        in the order they were stored."""
        key = getattr(parent, "uuid", None) if isinstance(parent, models.Model) else parent
        rows = list(self.kids.get((model, name, key), {}).values())
        return sorted(rows, key=lambda r: (r.pk is None, r.pk or 0))

    def current(self, row: Any, attr: str) -> Any:
        """A field's value without a query (a relation: the loaded row, or a stand-in)."""
        f = row._meta.get_field(attr)
        if not f.is_relation:
            return getattr(row, attr)
        if f.is_cached(row):
            return f.get_cached_value(row)
        pk = getattr(row, f.attname)
        if pk is None:
            return None
        loaded = self.by_pk[f.related_model].get(pk)
        return loaded if loaded is not None else getattr(row, attr)  # not loaded: rare, a query

    # --- reading ------------------------------------------------------------------------------

    def get(self, model: type[Any], key: Any) -> Any:
        found = _as_uuid(key)
        return None if found is None else self.rows[model].get(found)

    # --- changing (journalled) ----------------------------------------------------------------

    def _undo(self, step: Callable[[], None]) -> None:
        if self.journal is not None:
            self.journal.append(step)

    def mark(self) -> int:
        if self.journal is None:
            self.journal = []
        return len(self.journal)

    def undo_to(self, mark: int) -> None:
        assert self.journal is not None
        while len(self.journal) > mark:
            self.journal.pop()()

    def add(self, row: Any) -> None:
        """A new row (saved by apply)."""
        model = type(row)
        self.rows[model][row.uuid] = row
        self.new[model][id(row)] = row
        self._index(row)

        def undo() -> None:
            self._unindex(row)
            self.links.pop(id(row), None)
            self.rows[model].pop(row.uuid, None)
            self.new[model].pop(id(row), None)

        self._undo(undo)

    def add_listing(self, listing: ServiceRows, detail: dict[str, Any]) -> None:
        """A new listing built by `service_rows`, created (and audited) by `services_create`."""
        self.listings.append((listing, detail))
        self._undo(lambda: self._pop(self.listings))
        self.add(listing.service)
        for _model, objs in listing.children():
            for obj in objs:
                self.add(obj)

    def set(self, row: Any, values: Mapping[str, Any]) -> None:
        """Change fields of a row (a stored row: written by apply)."""
        before = {attr: self.current(row, attr) for attr in values}
        entry = self.dirty.get(id(row))
        fields_before = set(entry[1]) if entry else None
        for attr, value in values.items():
            setattr(row, attr, value)
        self._index(row)
        if id(row) not in self.new[type(row)]:
            self.dirty[id(row)] = (row, (fields_before or set()) | set(values))

        def undo() -> None:
            for attr, value in before.items():
                setattr(row, attr, value)
            self._index(row)
            if fields_before is None:
                self.dirty.pop(id(row), None)
            else:
                self.dirty[id(row)] = (row, fields_before)

        self._undo(undo)

    def delete(self, row: Any) -> None:
        """Delete a row and, as the database's cascade will, the rows that hang from it."""
        if id(row) in self.deleted:
            return
        model = type(row)
        self.deleted[id(row)] = row
        self._unindex(row)
        self.rows[model].pop(row.uuid, None)

        def undo() -> None:
            self.deleted.pop(id(row), None)
            self.rows[model][row.uuid] = row
            self._index(row)

        self._undo(undo)
        for child, names in LINKS.items():
            for name in names:
                if child._meta.get_field(name).related_model is model:
                    for kid in self.children(child, name, row):
                        self.delete(kid)

    @staticmethod
    def _forget(rows: dict[int, Any], row: Any) -> None:
        rows.pop(id(row), None)

    @staticmethod
    def _pop(items: list[Any]) -> None:
        items.pop()

    def bump(self, row: Any) -> None:
        """Move a versioned row's version on (once per import)."""
        if id(row) in self.bumped or id(row) in self.new[type(row)]:
            return
        self.bumped[id(row)] = row
        self._undo(lambda: self._forget(self.bumped, row))

    def audit(self, **event: Any) -> None:
        self.audits.append(audit_event(actor=self.actor, **event))
        self._undo(lambda: self._pop(self.audits))

    # --- writing ------------------------------------------------------------------------------

    def changes(self) -> int:
        """How many rows apply() will write (inserted, updated, bumped or deleted)."""
        return (
            sum(len(rows) for rows in self.new.values())
            + len(self.dirty)
            + len(self.bumped)
            + len(self.deleted)
        )

    def _inserts(self) -> dict[type[Any], list[Any]]:
        listed = {id(listing.service) for listing, _ in self.listings}
        return {
            model: [
                r
                for r in self.new[model].values()
                if id(r) not in self.deleted and id(r) not in listed and r.pk is None
            ]
            for model in MODELS
        }

    def prepare(self) -> None:
        """Compute the new rows' column values (all but their ids and links to other rows)
        before the write transaction, so it holds the lock only to insert them."""
        if not _FAST_INSERT.get(connection.vendor):
            return
        inserts = self._inserts()
        inserts[Service] = [listing.service for listing, _ in self.listings]
        for model, rows in inserts.items():
            if model is TaxonomyTerm:  # inserted parents first, by bulk_create
                continue
            plain = _plain_fields(model)
            for row in rows:
                self.prepared[id(row)] = [
                    f.get_db_prep_save(f.pre_save(row, True), connection) for f in plain
                ]

    def apply(self) -> None:
        """Write every change of this store (one batch) in one transaction (call inside it, with the
        audit context set)."""
        now = timezone.now()
        deleted = self.deleted
        self._check_versions()
        try:
            with transaction.atomic():
                for model, rows in self._inserts().items():
                    if model is Service:
                        services_create(
                            actor=self.actor, listings=self.listings, insert=self._insert_any
                        )
                    if model is TaxonomyTerm:
                        self._insert_terms(rows)
                    elif rows and all(id(r) in self.prepared for r in rows):
                        self._insert(model, rows)
                    elif rows:
                        model.objects.bulk_create(rows, batch_size=BATCH)
        except IntegrityError as exc:
            raise StaleRead(str(exc)) from exc
        groups: dict[tuple[type[Any], tuple[str, ...]], list[Any]] = defaultdict(list)
        for row, fields in self.dirty.values():
            if id(row) in deleted:
                continue
            names = set(fields)
            if hasattr(row, "updated_at"):
                row.updated_at = now
                names.add("updated_at")
            groups[(type(row), tuple(sorted(names)))].append(row)
        for (model, columns), rows in groups.items():
            model.objects.bulk_update(rows, list(columns), batch_size=BATCH)
        by_model: dict[type[Any], list[int]] = defaultdict(list)
        for row in self.bumped.values():
            if id(row) not in deleted:
                by_model[type(row)].append(row.pk)
        for model, pks in by_model.items():
            for chunk in _chunks(pks):
                model.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)
        gone: dict[type[Any], list[int]] = defaultdict(list)
        for row in deleted.values():
            if row.pk is not None and id(row) not in self.new[type(row)]:
                gone[type(row)].append(row.pk)
        for model in reversed(MODELS):
            for chunk in _chunks(gone.get(model, [])):
                model.objects.filter(pk__in=chunk).delete()
        audit_record_many(self.audits)

    def _insert_any(self, model: type[Any], rows: list[Any]) -> None:
        if rows and all(id(r) in self.prepared for r in rows):
            self._insert(model, rows)
        elif rows:
            model.objects.bulk_create(rows, batch_size=BATCH)

    def _insert(self, model: type[Any], rows: list[Any]) -> None:
        """Insert prepared rows with one `executemany`: ids taken here (under the write lock),
        links read from the parents inserted just before."""
        qn = connection.ops.quote_name
        links = [f for f in model._meta.concrete_fields if f.is_relation]
        plain = _plain_fields(model)
        pk = model._meta.pk
        assert pk is not None
        ids = _next_ids(model, len(rows))
        params = []
        for row, key in zip(rows, ids, strict=True):
            row._prepare_related_fields_for_save(operation_name="bulk_create")
            params.append((key, *[getattr(row, f.attname) for f in links], *self.prepared[id(row)]))
        columns = ", ".join(qn(f.column) for f in [pk, *links, *plain])
        marks = ", ".join(["%s"] * (1 + len(links) + len(plain)))
        sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            for chunk in _chunks(params, BATCH * 10):
                cursor.executemany(sql, chunk)
        for row, key in zip(rows, ids, strict=True):
            row.pk = key
            row._state.adding = False
            row._state.db = connection.alias

    def _insert_terms(self, rows: list[TaxonomyTerm]) -> None:
        """Terms whose parent is new in the same file go in after their parent."""
        pending = rows
        while pending:
            ready = [t for t in pending if t.parent is None or t.parent.pk is not None]
            if not ready:  # a loop of parents: cannot happen with stored parents; be safe
                ready = pending
            TaxonomyTerm.objects.bulk_create(ready, batch_size=BATCH)
            done = {id(t) for t in ready}
            pending = [t for t in pending if id(t) not in done]

    def _check_versions(self) -> None:
        """StaleRead if a service or organization this import changes was saved (or deleted)
        by someone else since it was loaded. Inside the write transaction: on SQLite it holds
        the only write lock; on PostgreSQL the rows are locked until it commits."""
        rows = [row for row, _ in self.dirty.values() if id(row) in self.loaded_version]
        rows += [r for r in self.bumped.values() if id(r) in self.loaded_version]
        rows += [r for r in self.deleted.values() if id(r) in self.loaded_version]
        by_model: dict[type[Any], dict[int, int]] = defaultdict(dict)
        for row in rows:
            by_model[type(row)][row.pk] = self.loaded_version[id(row)]
        for model, expected in by_model.items():
            found: dict[int, int] = {}
            for chunk in _chunks(sorted(expected)):
                found.update(
                    model.objects.select_for_update()
                    .filter(pk__in=chunk)
                    .order_by("pk")
                    .values_list("pk", "version")
                )
            if found != expected:
                raise StaleRead(f"a {model._meta.verbose_name} was changed or deleted")
