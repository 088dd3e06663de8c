"""Background work for connections (django-tasks). Thin wrappers over mail.py and services/.

- `send_referral_email`: queued when a referral is requested (after the transaction commits).
- `connections_daily`: queued daily by `linkwell connections remind`; marks lapsed referrals
  (they return to the link worker) and reminds providers whose window is about to lapse. One
  failure is logged and does not stop the rest; it is tried again on the next run.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.connections.mail import (
    connection_send_referral_email,
    connection_send_response_reminder,
    connections_due_reminder,
)
from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.connections.services import connection_mark_lapsed

logger = logging.getLogger(__name__)


@task()
def send_referral_email(connection_id: str) -> bool:
    with audit_context(channel=Channel.SYSTEM):
        return connection_send_referral_email(connection_id=connection_id)


@task()
def connections_daily(limit: int | None = None) -> dict[str, int]:
    """Mark lapses first (a lapsed referral needs no reminder), then send reminders."""
    today = timezone.localdate()
    lapsed = reminded = 0
    overdue = Connection.objects.filter(
        kind=ConnectionKind.REFERRAL,
        status=ConnectionStatus.REQUESTED,
        lapsed_at__isnull=True,
        respond_by__lt=today,
    ).order_by("pk")
    due = connections_due_reminder(today=today).select_related(
        "service", "service__organization", "case", "case__person", "case__link_worker_service"
    )
    if limit is not None:
        overdue, due = overdue[:limit], due[:limit]
    with audit_context(channel=Channel.SYSTEM):
        for connection in overdue:
            try:
                lapsed += connection_mark_lapsed(connection=connection)
            except Exception:
                logger.exception("Could not mark referral %s as lapsed", connection.uuid)
        for connection in due:
            try:
                reminded += connection_send_response_reminder(connection=connection)
            except Exception:
                logger.exception("Could not send a response reminder for %s", connection.uuid)
    return {"lapsed": lapsed, "reminded": reminded}
