"""The record writer's core: bookkeeping per record, the generic compare-then-write upsert, syncing
a child array, and counting and auditing each record's outcome."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import models

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.directory.exchange.importer.report import RecordRejected
from linkwell.directory.exchange.importer.store import Store
from linkwell.directory.exchange.importer.values import _convert, _same
from linkwell.directory.exchange.sources import ORGANIZATION, SERVICE, TAXONOMY, TAXONOMY_TERM
from linkwell.directory.models import Location

LINK_KEYS = frozenset(
    {
        "service_id",
        "location_id",
        "organization_id",
        "service_at_location_id",
        "contact_id",
        "phone_id",
        "link_id",
        "link_entity",
        "taxonomy_term_id",
    }
)
# The audit event for each (kind, outcome) an import writes; "unchanged" writes none.
IMPORT_ACTIONS = {
    (SERVICE, "created"): AuditAction.DIRECTORY_SERVICE_CREATED,
    (SERVICE, "updated"): AuditAction.DIRECTORY_SERVICE_UPDATED,
    (ORGANIZATION, "created"): AuditAction.DIRECTORY_ORGANIZATION_CREATED,
    (ORGANIZATION, "updated"): AuditAction.DIRECTORY_ORGANIZATION_UPDATED,
    (TAXONOMY, "created"): AuditAction.DIRECTORY_TAXONOMY_CREATED,
    (TAXONOMY, "updated"): AuditAction.DIRECTORY_TAXONOMY_UPDATED,
    (TAXONOMY_TERM, "created"): AuditAction.DIRECTORY_TAXONOMY_TERM_CREATED,
    (TAXONOMY_TERM, "updated"): AuditAction.DIRECTORY_TAXONOMY_TERM_UPDATED,
}


Fields = Sequence[tuple[str, str]]


def _optional(f: Any) -> bool:
    """Whether a listing can do without this field's value (it may be empty)."""
    return bool(getattr(f, "null", False) or getattr(f, "blank", False))


def _left_out(f: Any) -> Any:
    """What the field holds when an unreadable optional value is left out."""
    if f.null:
        return None
    if f.has_default():
        return f.get_default()
    return ""


class _WriterBase:
    """Bookkeeping and the generic upsert shared by every kind of record."""

    def __init__(self, *, actor: User | None, owner: Organisation | None, store: Store) -> None:
        self.actor = actor
        self.owner = owner
        self.store = store
        self.outcomes: dict[tuple[str, uuid.UUID], str] = {}
        self._pending: list[tuple[str, uuid.UUID, str]] = []
        self._warnings: list[str] = []
        self._children: list[str] = []
        self._errors: list[str] = []
        self.where = ""

    # bookkeeping
    def begin(self, where: str) -> None:
        self.where = where
        self._pending, self._warnings, self._children = [], [], []
        self._mark = self.store.mark()

    def discard(self) -> None:
        """Forget the record's changes (what rolling back its savepoint did)."""
        self.store.undo_to(self._mark)
        self._pending, self._warnings, self._children = [], [], []

    def commit(self) -> list[tuple[str, str]]:
        out = []
        for kind, key, outcome in self._pending:
            previous = self.outcomes.get((kind, key))
            if previous is None:
                self.outcomes[(kind, key)] = outcome
                out.append((kind, outcome))
        self._pending = []
        return out

    def take_warnings(self) -> list[str]:
        out, self._warnings = self._warnings, []
        return out

    # generic upsert
    def _values(
        self, model: type[models.Model], fields: Fields, data: dict[str, Any], path: str
    ) -> dict[str, Any]:
        errors: list[str] = []
        values: dict[str, Any] = {}
        for key, attr in fields:
            f = model._meta.get_field(attr)
            try:
                values[attr] = _convert(f, data.get(key), f"{path}{key}")
            except RecordRejected as exc:
                if _optional(f):
                    # A value Linkwell cannot read but does not need: left out, with a warning
                    # against the record, rather than losing the whole record.
                    values[attr] = _left_out(f)
                    self._warnings.extend(
                        f"{self.where}: {message}; left out" for message in exc.messages
                    )
                else:
                    errors.extend(exc.messages)
        if errors:
            raise RecordRejected(errors)
        return values

    @staticmethod
    def _extra(
        data: dict[str, Any], consumed: Iterable[str], old: dict[str, Any] | None
    ) -> dict[str, Any]:
        consumed = set(consumed) | {"id"} | LINK_KEYS
        extra = {k: v for k, v in data.items() if k not in consumed}
        for key, value in (old or {}).items():
            if isinstance(value, list) and key not in data:
                extra[key] = value
        return extra

    def _upsert(
        self, model: type[Any], key: uuid.UUID, values: dict[str, Any]
    ) -> tuple[Any, str, dict[str, list[Any]]]:
        obj = self.store.get(model, key)
        if obj is None:
            obj = model(uuid=key, **values)
            self.store.add(obj)
            return obj, "created", {}
        changes: dict[str, list[Any]] = {}
        for attr, value in values.items():
            current = self.store.current(obj, attr)
            if not _same(current, value):
                changes[attr] = [current, value]
        if changes:
            self.store.set(obj, {attr: new for attr, (_old, new) in changes.items()})
        return obj, ("updated" if changes else "unchanged"), changes

    @staticmethod
    def _uuid(data: dict[str, Any]) -> uuid.UUID:
        return uuid.UUID(str(data["id"]))

    def _child(
        self,
        model: type[Any],
        data: dict[str, Any],
        path: str,
        fields: Fields,
        links: dict[str, Any],
        consumed: Iterable[str] = (),
    ) -> Any:
        values = self._values(model, fields, data, path)
        values.update(links)
        values["extra"] = self._extra(data, [k for k, _ in fields] + list(consumed), None)
        obj, outcome, _ = self._upsert(model, self._uuid(data), values)
        if outcome != "unchanged":
            self._children.append(f"{model._meta.model_name} {obj.uuid} {outcome}")
        return obj

    def _sync(
        self,
        model: type[Any],
        fk: str,
        parent: models.Model,
        items: Any,
        path: str,
        build: Callable[[dict[str, Any], str], Any],
    ) -> None:
        if not isinstance(items, list):
            return
        keep = set()
        for i, item in enumerate(items):
            try:
                keep.add(build(item, f"{path}[{i}].").uuid)
            except RecordRejected as exc:
                # Keep going so every problem in the record is reported at once; the record's
                # savepoint is rolled back by write().
                self._errors.extend(exc.messages)
        if self._errors:
            return
        stale = [row for row in self.store.children(model, fk, parent) if row.uuid not in keep]
        nullable = model._meta.get_field(fk).null
        for row in stale:
            self._children.append(f"{model._meta.model_name} {row.uuid} removed")
            if nullable:
                if model is Location:  # may still be used by service_at_locations: unlink only
                    self.store.set(row, {fk: None})
                    continue
                parents = [
                    f.name
                    for f in model._meta.get_fields()
                    if isinstance(f, models.ForeignKey) and f.null and f.name != fk
                ]
                if any(self.store.linked(row, p) or getattr(row, f"{p}_id") for p in parents):
                    self.store.set(row, {fk: None})
                    continue
            self.store.delete(row)

    def _finish(
        self,
        kind: str,
        obj: Any,
        outcome: str,
        changes: dict[str, Any],
        children: list[str],
        organisation: Any = None,
        *,
        audited: bool = False,
    ) -> None:
        """Count the record's outcome and audit it (unless its creator already did)."""
        if outcome == "unchanged" and children:
            outcome = "updated"
        if outcome == "updated" and hasattr(obj, "version"):
            self.store.bump(obj)
        if outcome != "unchanged" and not audited:
            detail = {"source": self.where}
            if children:
                changes = {**changes, "children": children}
            self.store.audit(
                action=IMPORT_ACTIONS[kind, outcome],
                obj=obj,
                organisation=organisation,
                changes=changes if outcome == "updated" else {},
                detail=detail,
            )
        self._pending.append((kind, obj.uuid, outcome))
