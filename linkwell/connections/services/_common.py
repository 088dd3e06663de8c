"""The connection lifecycle and the helpers every write shares: the allowed transitions, text
limits, locking with the version the actor saw, the one place a status changes (`_move`), and
the audit event with the person's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.message_back import message_back_record
from linkwell.casework.models import MessageBack
from linkwell.connections.models import Connection, ConnectionReason, ConnectionStatus
from linkwell.core.concurrency import lock_versioned, update_versioned
from linkwell.core.exceptions import ValidationFailed

S = ConnectionStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.REQUESTED, S.CANCELLED},
    S.REQUESTED: {S.ACCEPTED, S.REJECTED, S.CANCELLED},
    S.ACCEPTED: {S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED},
    S.IN_PROGRESS: {S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED},
    S.ON_HOLD: {S.IN_PROGRESS, S.COMPLETED, S.FAILED, S.CANCELLED},
}
CLOSED_STATES = {S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED}
OPEN_STATES = set(TRANSITIONS) - {S.DRAFT}
MAX_MESSAGE = 2000
MAX_NOTE = 1000
_VERBS: dict[str, str] = {
    S.REQUESTED: "sent",
    S.ACCEPTED: "accepted",
    S.REJECTED: "declined",
    S.IN_PROGRESS: "marked as attending",
    S.ON_HOLD: "put on hold",
    S.COMPLETED: "marked as completed",
    S.FAILED: "stopped",
    S.CANCELLED: "cancelled",
}


def _person_id(connection: Connection) -> str:
    return str(connection.case.person.uuid)


def _audit(
    *,
    actor: User | None,
    action: AuditAction,
    connection: Connection,
    changes: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=connection,
        organisation=connection.case.link_worker_service,
        person_id=_person_id(connection),
        changes=changes,
        detail={"service": str(connection.service.uuid), **(detail or {})},
    )


def _reason(value: str) -> str:
    if value not in ConnectionReason.values:
        raise ValidationFailed({"reason": ["Choose a reason from the list."]})
    return value


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationFailed({field: [f"Keep this to {limit} characters or fewer."]})
    return value


def _reason_and_detail(reason: str, detail: str) -> tuple[str, str]:
    """A reason from the list and its detail, which "other" needs."""
    reason = _reason(reason)
    detail = _text(detail, "reason_detail", MAX_NOTE)
    if reason == ConnectionReason.OTHER and not detail:
        raise ValidationFailed({"reason_detail": ["Say why, in a few words."]})
    return reason, detail


def _tell_case_connected(*, actor: User | None, connection: Connection, note: str) -> None:
    """The case's message back that the person is connected (accepted, then completed)."""
    message_back_record(
        actor=actor,
        case=connection.case,
        stage=MessageBack.Stage.CONNECTED,
        connection=connection,
        note=note,
    )


def _what(connection: Connection) -> str:
    return f"The referral to “{connection.service.name}”"


def _locked(
    connection: Connection, expected_version: int | None, *, check: bool = True
) -> Connection:
    """Lock the connection and, with `check`, the version the user saw; a request that did not
    say which version it saw is refused as stale (core.concurrency)."""
    return lock_versioned(
        Connection.objects.select_related(
            "case", "case__person", "case__link_worker_service", "service"
        ),
        connection.pk,
        expected_version=expected_version,
        what=_what,
        required=check,
    )


def _move(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    to: str,
    action: AuditAction,
    fields: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> Connection:
    """The one place a status changes: version check, transition guard, update, audit."""
    current = _locked(connection, expected_version)
    if to not in TRANSITIONS.get(current.status, set()):
        raise ValidationFailed(
            f"This referral is {current.get_status_display().lower()}, so it cannot be "
            f"{_VERBS.get(to, to)}."
        )
    now = timezone.now()
    values: dict[str, Any] = {"status": to, **(fields or {})}
    if to in CLOSED_STATES:
        values["closed_at"] = now
    update_versioned(current, expected_version=expected_version, what=_what, **values)
    before = {k: getattr(current, k) for k in values}
    current.refresh_from_db()
    _audit(
        actor=actor,
        action=action,
        connection=current,
        changes={k: [before[k], getattr(current, k)] for k in values if before[k] != values[k]},
        detail=detail,
    )
    return current
