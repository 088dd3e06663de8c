"""The link worker's actions on a referral: cancel it, or acknowledge one that needs attention."""

from __future__ import annotations

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.connections.models import Connection
from linkwell.connections.services._common import MAX_NOTE, S, _audit, _locked, _move, _text, _what
from linkwell.core.concurrency import update_versioned
from linkwell.core.exceptions import ValidationFailed


def connection_cancel(
    *, actor: User | None, connection: Connection, expected_version: int | None, detail: str = ""
) -> Connection:
    detail = _text(detail, "reason_detail", MAX_NOTE)
    with transaction.atomic():
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.CANCELLED,
            action=AuditAction.CONNECTIONS_REFERRAL_CANCELLED,
            fields={"reason_detail": detail, "attention_at": None},
        )


def connection_acknowledge(
    *, actor: User | None, connection: Connection, expected_version: int | None
) -> Connection:
    """The link worker has seen a lapsed, declined or stopped referral: unflag it."""
    with transaction.atomic():
        current = _locked(connection, expected_version)
        if current.attention_at is None:
            raise ValidationFailed("This referral does not need your attention.")
        update_versioned(current, expected_version=expected_version, what=_what, attention_at=None)
        before = current.attention_at
        current.refresh_from_db()
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_ATTENTION_ACKNOWLEDGED,
            connection=current,
            changes={"attention_at": [before, None]},
        )
    return current
