"""Background work (django-tasks; run by `linkwell db_worker`): timetable feed imports.

Thin wrappers over timetables.feed_import, which validates a feed completely before writing and
records (and emails) the reason when it fails. One feed failing never stops the others.
"""

from __future__ import annotations

import logging

from django_tasks import task

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.community.models import TimetableFeed
from linkwell.community.timetables import feed_import

logger = logging.getLogger(__name__)


@task()
def import_timetable_feed(feed_id: str) -> bool:
    """Import one feed (queued when a provider attaches or uploads one)."""
    feed = TimetableFeed.objects.select_related("service").filter(uuid=feed_id).first()
    if feed is None:
        return False
    with audit_context(channel=Channel.SYSTEM):
        return feed_import(feed=feed)


@task()
def import_timetable_feeds() -> int:
    """Re-import every feed that has a URL (uploaded files do not change). Returns how many
    imported cleanly."""
    good = 0
    with audit_context(channel=Channel.SYSTEM):
        for feed in TimetableFeed.objects.exclude(url="").select_related("service").order_by("id"):
            try:
                good += feed_import(feed=feed)
            except Exception:
                logger.exception("Timetable feed %s crashed", feed.uuid)
    return good
