"""Optimistic concurrency for records two people edit (`core.models.VersionedModel`).

A form carries the `version` the user saw; a write goes through only if the row still has it,
and moves it on by one, so a colleague's form opened on the old version is refused instead of
silently overwriting this change. Every service uses the helpers here, and every refusal is the
one `ConcurrentEditError` (views turn it into a 409 with "reload": `core.forms.run_form`).

Two ways to write, both inside the caller's `transaction.atomic()`:

- `update_versioned`: one conditional UPDATE (`... WHERE pk = %s AND version = %s`). It is the
  real guard on every database, including SQLite, where `select_for_update` is a no-op (SQLite
  runs write transactions one at a time: `transaction_mode` IMMEDIATE in settings).
- `lock_versioned` then `save_versioned`: lock the row (PostgreSQL row lock), compare the
  version, change the instance and save the named fields with the bumped version. For services
  that work on the locked instance (state checks on it, setting several attributes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models
from django.db.models import F, QuerySet
from django.utils import timezone

from linkwell.core.exceptions import ConcurrentEditError
from linkwell.core.models import VersionedModel

V = TypeVar("V", bound=VersionedModel)

# What the refusal message calls the record ("The listing “Walking group”"). A callable is
# called only when the edit is refused, with the row, so naming it costs no query otherwise.
What = str | Callable[[Any], str]


def _name(what: What, obj: VersionedModel) -> str:
    return what if isinstance(what, str) else what(obj)


def _has_updated_at(model: type[models.Model]) -> bool:
    return any(f.name == "updated_at" for f in model._meta.concrete_fields)


def check_version(obj: V, expected_version: int | None, *, what: What, required: bool = False) -> V:
    """Raise ConcurrentEditError unless `obj.version` is `expected_version`.

    `expected_version` None means the caller did not say which version it saw: accepted, unless
    `required` (a form that lost its hidden version field is then treated as stale)."""
    if expected_version is None and not required:
        return obj
    if obj.version != expected_version:
        raise ConcurrentEditError(_name(what, obj))
    return obj


def lock_versioned(
    rows: QuerySet[V] | type[V],
    pk: Any,
    *,
    expected_version: int | None,
    what: What,
    required: bool = False,
) -> V:
    """Lock row `pk` of `rows` (a queryset, e.g. with `select_related`, or a model) for the rest
    of the caller's atomic block and check its version (`check_version`). The lock covers the
    row itself only (`of=("self",)`), not the rows joined in for reading."""
    queryset = rows._default_manager.all() if isinstance(rows, type) else rows
    current = queryset.select_for_update(of=("self",)).get(pk=pk)
    return check_version(current, expected_version, what=what, required=required)


def update_versioned(obj: V, *, expected_version: int | None, what: What, **fields: Any) -> None:
    """Write `fields` to `obj`'s row and move its version on by one (and `updated_at` to now),
    only if the row is still at `expected_version`; otherwise write nothing and raise
    ConcurrentEditError. A queryset UPDATE: `obj` in memory is unchanged (refresh it to read
    the new values), and no `save()` or signal runs."""
    model = type(obj)
    if expected_version is None:
        raise ConcurrentEditError(_name(what, obj))
    values: dict[str, Any] = {"version": F("version") + 1}
    if _has_updated_at(model):
        values["updated_at"] = timezone.now()
    values.update(fields)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(**values)
    if updated != 1:
        raise ConcurrentEditError(_name(what, obj))


def save_versioned(obj: V, *, update_fields: Iterable[str]) -> None:
    """Save the named fields of a row locked with `lock_versioned`, with its version moved on
    by one (and `updated_at`, which `auto_now` sets on save)."""
    names = {*update_fields, "version"}
    if _has_updated_at(type(obj)):
        names.add("updated_at")
    obj.version += 1
    obj.save(update_fields=sorted(names))


def bump_versions(rows: QuerySet[V], **fields: Any) -> int:
    """Write `fields` to every row of `rows` and move each version on by one, without a version
    check: for changes that must go through whatever a user has open (a status the system
    moves, a first contact), while still making those users' forms refuse their stale copy.
    Narrow `rows` by the state being changed (`status=...`) so a concurrent move is not
    overwritten. Returns how many rows changed."""
    values: dict[str, Any] = {"version": F("version") + 1}
    if _has_updated_at(rows.model):
        values["updated_at"] = timezone.now()
    values.update(fields)
    return rows.update(**values)
