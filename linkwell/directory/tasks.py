"""Background work for the directory (django-tasks; the database backend by default).

Thin wrappers over services/freshness.py: the task finds what is due and hands each listing to
`service_send_verification_reminder`, which claims it, emails after the claim commits, and
audits the outcome (undoing the claim if sending fails).
"""

from __future__ import annotations

import logging

from django_tasks import task

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.directory.services import (
    service_send_verification_reminder,
    services_due_for_reminder,
)

logger = logging.getLogger(__name__)


@task()
def send_verification_reminders(limit: int | None = None) -> int:
    """Email a "still correct?" reminder for each stale listing not reminded in 14 days.

    Returns how many reminders were sent. One listing failing (say, a bad address) is logged and
    does not stop the others; it stays due and is tried again on the next run."""
    sent = 0
    due = services_due_for_reminder().select_related("organization", "organization__owner")
    if limit is not None:
        due = due[:limit]
    with audit_context(channel=Channel.SYSTEM):
        for service in due:
            try:
                if service_send_verification_reminder(service=service):
                    sent += 1
            except Exception:
                logger.exception("Could not send a verification reminder for %s", service.uuid)
    return sent
