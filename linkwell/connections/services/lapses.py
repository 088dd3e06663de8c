"""The response window: a referral not answered by `respond_by` returns to the link worker."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.connections.models import Connection
from linkwell.connections.services._common import S, _audit


def connection_mark_lapsed(*, connection: Connection, now: dt.datetime | None = None) -> bool:
    """A requested referral past `respond_by` returns to the link worker (audited, actor none).
    False if it was answered, already lapsed or is not yet due."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        claimed = Connection.objects.filter(
            pk=connection.pk,
            status=S.REQUESTED,
            lapsed_at__isnull=True,
            respond_by__lt=today,
        ).update(lapsed_at=now, attention_at=now, updated_at=now)
        if not claimed:
            return False
        current = Connection.objects.select_related(
            "case", "case__person", "case__link_worker_service", "service"
        ).get(pk=connection.pk)
        _audit(
            actor=None,
            action=AuditAction.CONNECTIONS_REFERRAL_LAPSED,
            connection=current,
            changes={"lapsed_at": [None, now]},
            detail={"respond_by": current.respond_by.isoformat() if current.respond_by else ""},
        )
    return True
