"""Harvest tasks (django-tasks, database backend; run by `linkwell db_worker`).

`harvest_due_feeds` is queued by `linkwell harvest due` (from cron, e.g. every 15 minutes) and
harvests each enabled feed whose daily time has passed and which has not been tried since. One
feed failing never stops the others: each failure is recorded on its run and emailed.
"""

from __future__ import annotations

import logging

from django_tasks import task

from linkwell.accounts.models import User
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.directory.harvest.runs import due_sources, harvest_feed
from linkwell.directory.models import FeedSource, HarvestStatus

logger = logging.getLogger(__name__)


@task()
def harvest_source(source_id: str, full: bool | None = None, actor_pk: int | None = None) -> str:
    """Harvest one feed now (queued from the feeds page by `actor_pk`, who is recorded on the
    run and its audit events). Returns the run's status."""
    source = FeedSource.objects.filter(uuid=source_id).first()
    if source is None:
        return "missing"
    actor = User.objects.filter(pk=actor_pk, is_active=True).first() if actor_pk else None
    with audit_context(channel=Channel.SYSTEM):
        return harvest_feed(source=source, full=full, actor=actor).status


@task()
def harvest_due_feeds() -> int:
    """Harvest every feed that is due. Returns how many succeeded."""
    good = 0
    with audit_context(channel=Channel.SYSTEM):
        for source in due_sources():
            try:
                good += harvest_feed(source=source).status == HarvestStatus.SUCCEEDED
            except Exception:
                logger.exception("Harvest of %s crashed", source.uuid)
    return good
