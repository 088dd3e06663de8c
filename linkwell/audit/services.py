"""Writing audit events. Call these inside the same `transaction.atomic()` as the change."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.context import current
from linkwell.audit.models import AuditEvent, Kind

if TYPE_CHECKING:  # the audit trail sits below accounts: it names the user type only
    from linkwell.accounts.models import User

_ACTIONS = frozenset(AuditAction.values)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "uuid", value.pk))
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of `obj` as JSON-safe values, for diffing before/after a change."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _plain(getattr(obj, attname))
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for the fields whose value changed."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))]
        for k in keys
        if _plain(before.get(k)) != _plain(after.get(k))
    }


def _actor_fields(actor: User | AnonymousUser | None) -> tuple[int | None, str]:
    if actor is None or not actor.is_authenticated:
        return None, ""
    return actor.pk, getattr(actor, "email", "") or str(actor)


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    organisation: Any = None,
    person_id: str = "",
    changes: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
    kind: str = Kind.WRITE,
    channel: str | None = None,
) -> AuditEvent:
    """Append one audit event. Writes must call this inside their own atomic block."""
    event = audit_event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        organisation=organisation,
        person_id=person_id,
        changes=changes,
        detail=detail,
        kind=kind,
        channel=channel,
    )
    _check_in_transaction([event])
    event.save()
    return event


def audit_event(
    *,
    actor: User | AnonymousUser | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    organisation: Any = None,
    person_id: str = "",
    changes: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
    kind: str = Kind.WRITE,
    channel: str | None = None,
) -> AuditEvent:
    """The event `audit_record` appends, unsaved: for a writer that prepares many before its
    transaction and appends them at once with `audit_record_many` (the directory importer)."""
    if action not in _ACTIONS:
        # Every action is listed in linkwell/audit/actions.py; a stray string would start a
        # vocabulary nobody can find, so it is refused before anything is written.
        raise ValueError(f"audit_record: unknown action {str(action)!r}; add it to AuditAction")
    ctx = current()
    actor_id, actor_label = _actor_fields(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "uuid", None) or getattr(obj, "id", obj.pk))
        object_repr = object_repr or str(obj)[:255]
    return AuditEvent(
        at=timezone.now(),
        kind=kind,
        actor_id=actor_id,
        actor_label=actor_label[:255],
        organisation_id=getattr(organisation, "pk", None),
        organisation_label=str(organisation)[:255] if organisation is not None else "",
        action=action,
        channel=channel or ctx.channel,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        person_id=person_id,
        changes=_plain(dict(changes or {})),
        detail=_plain(dict(detail or {})),
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
    )


def audit_record_many(events: Sequence[AuditEvent], *, batch_size: int = 500) -> None:
    """Append events built by `audit_event` in bulk, stamped now (inside the write's
    transaction, like `audit_record`)."""
    _check_in_transaction(events)
    now = timezone.now()
    for event in events:
        event.at = now
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)


def _check_in_transaction(events: Sequence[AuditEvent]) -> None:
    if any(e.kind == Kind.WRITE for e in events) and not (
        transaction.get_connection().in_atomic_block
    ):
        # The invariant the audit trail rests on: a change and its audit row commit together.
        action = next(e.action for e in events if e.kind == Kind.WRITE)
        raise RuntimeError(f"audit_record({str(action)!r}) must run inside the write's transaction")


def audit_access(
    *,
    actor: User | AnonymousUser | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    person_id: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Log a read of a person-identifiable record (page view or API read)."""
    return audit_record(
        actor=actor,
        action=AuditAction.ACCESS,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        person_id=person_id,
        detail=detail,
        kind=Kind.ACCESS,
    )
