"""The provider's answer to a referral: accept (the case gets a message back) or decline."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.connections.models import Connection
from linkwell.connections.services._common import (
    S,
    _move,
    _reason_and_detail,
    _tell_case_connected,
)


def connection_accept(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    via_link: bool = False,
) -> Connection:
    with transaction.atomic():
        connection = _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.ACCEPTED,
            action=AuditAction.CONNECTIONS_REFERRAL_ACCEPTED,
            fields={"responded_at": timezone.now(), "attention_at": None},
            detail={"via_link": via_link},
        )
        _tell_case_connected(
            actor=actor,
            connection=connection,
            note=f"{connection.service.name} accepted the referral.",
        )
    return connection


def connection_reject(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    reason: str,
    detail: str = "",
    via_link: bool = False,
) -> Connection:
    reason, detail = _reason_and_detail(reason, detail)
    now = timezone.now()
    with transaction.atomic():
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.REJECTED,
            action=AuditAction.CONNECTIONS_REFERRAL_REJECTED,
            fields={
                "responded_at": now,
                "reason": reason,
                "reason_detail": detail,
                "attention_at": now,
            },
            detail={"reason": reason, "via_link": via_link},
        )
