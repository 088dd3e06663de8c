"""Background work for MESH (django-tasks): thin wrappers over delivery.py."""

from __future__ import annotations

from django_tasks import task

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.mesh import delivery


@task()
def deliver_message_back(delivery_id: int) -> str:
    """One attempt at one letter (queued at the end of its day, and again for each retry)."""
    with audit_context(channel=Channel.SYSTEM):
        return delivery.deliver(delivery_id).status


@task()
def deliver_message_backs() -> dict[str, int]:
    """`linkwell mesh deliver`: send what is due, then track what was sent."""
    with audit_context(channel=Channel.SYSTEM):
        sent = delivery.deliver_due()
        acknowledged = delivery.track_sent()
    return {"sent": sent, "acknowledged": acknowledged}
