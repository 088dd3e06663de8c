"""Providers' iCal timetables: attach a feed to a service, and import it into HSDS schedules.

`feed_import` is all or nothing: the feed is fetched and parsed completely before anything is
written; a feed that fails (fetch error, not iCal, too large, no events, an event with no start,
an absurd recurrence...) leaves the service's schedules exactly as they were, records the reason
on the feed (shown on the timetable page) and emails the provider when the reason is new. A good
feed replaces, in one transaction, only the schedules this feed brought in last time
(`FeedSchedule`); sessions typed into the edit form and other imports are untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Membership, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.community.ical import FeedError, fetch_url, parse_feed
from linkwell.community.models import FeedSchedule, FeedStatus, TimetableFeed
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.notify import EMAIL, NotifyError, notify
from linkwell.directory.models import Schedule, Service

logger = logging.getLogger(__name__)

Fetcher = Callable[[str], bytes]
_COMPARED = (
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "count",
    "until",
    "dtstart",
    "valid_from",
    "valid_to",
    "opens_at",
    "closes_at",
    "description",
    "notes",
)


def feed_attach(
    *,
    actor: User | None,
    service: Service,
    url: str = "",
    uploaded: str | None = None,
    filename: str = "",
) -> TimetableFeed:
    """Set the service's timetable source (replacing an earlier one). The import runs as a task."""
    url = (url or "").strip()
    if bool(url) == (uploaded is not None):
        raise ValidationFailed(
            {"url": ["Enter the web address of your timetable, or choose a file"]}
        )
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationFailed({"url": ["The web address must start with https:// or http://"]})
    with transaction.atomic():
        feed, created = TimetableFeed.objects.select_for_update().get_or_create(
            service=service, defaults={"created_by": actor}
        )
        before = {"url": feed.url, "uploaded_name": feed.uploaded_name}
        feed.url = url
        feed.uploaded = uploaded or ""
        feed.uploaded_name = filename[:255] if uploaded is not None else ""
        feed.created_by = actor
        feed.status = FeedStatus.NEW
        feed.last_error = ""
        feed.save()
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_TIMETABLE_ATTACHED,
            obj=service,
            organisation=service.organization.owner,
            changes={
                "url": [before["url"] if not created else None, feed.url],
                "uploaded_name": [
                    before["uploaded_name"] if not created else None,
                    feed.uploaded_name,
                ],
            },
        )
    return feed


def feed_remove(*, actor: User | None, feed: TimetableFeed) -> None:
    """Stop importing; the schedules the feed brought in are removed too."""
    with transaction.atomic():
        service = feed.service
        schedule_ids = list(feed.links.values_list("schedule_id", flat=True))
        Schedule.objects.filter(pk__in=schedule_ids).delete()
        feed.delete()
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_TIMETABLE_REMOVED,
            obj=service,
            organisation=service.organization.owner,
            changes={"schedules": [len(schedule_ids), 0]},
        )


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(row.get(k) if row.get(k) is not None else "") for k in _COMPARED)


def feed_import(
    *, feed: TimetableFeed, fetch: Fetcher | None = None, now: dt.datetime | None = None
) -> bool:
    """Import the feed. True if it was good (whether or not anything changed).

    `fetch` gets a URL's bytes (tests pass a stub; the default is ical.fetch_url)."""
    now = now or timezone.now()
    fetch = fetch or fetch_url
    try:
        raw: bytes | str = fetch(feed.url) if feed.url else feed.uploaded
        rows = parse_feed(raw, today=timezone.localdate(now))
    except FeedError as exc:
        _record_failure(feed, str(exc), now)
        return False
    except Exception as exc:  # a fetcher's own failure is the feed's problem, not a crash
        logger.exception("Timetable feed %s failed", feed.uuid)
        _record_failure(feed, f"We could not fetch the timetable ({type(exc).__name__}).", now)
        return False
    with transaction.atomic():
        current = (
            TimetableFeed.objects.select_for_update(of=("self",))
            .select_related("service", "service__organization", "service__organization__owner")
            .get(pk=feed.pk)
        )
        service = current.service
        old = list(Schedule.objects.filter(community_feed_link__feed=current).order_by("id"))
        changed = sorted(map(_key, rows)) != sorted(_key(s.__dict__) for s in old)
        if changed:
            Schedule.objects.filter(pk__in=[s.pk for s in old]).delete()
            for row in rows:
                schedule = Schedule.objects.create(service=service, **row)
                FeedSchedule.objects.create(feed=current, schedule=schedule)
            Service.objects.filter(pk=service.pk).update(updated_at=now, source_last_modified=None)
            audit_record(
                actor=None,
                action=AuditAction.COMMUNITY_TIMETABLE_IMPORTED,
                obj=service,
                organisation=service.organization.owner,
                changes={"schedules": [len(old), len(rows)]},
                detail={"feed": str(current.uuid), "source": current.url or current.uploaded_name},
            )
        current.status = FeedStatus.OK
        current.last_error = ""
        current.last_attempt_at = now
        current.last_success_at = now
        current.events_imported = len(rows)
        current.save(
            update_fields=[
                "status",
                "last_error",
                "last_attempt_at",
                "last_success_at",
                "events_imported",
                "updated_at",
            ]
        )
    return True


def _record_failure(feed: TimetableFeed, reason: str, now: dt.datetime) -> None:
    with transaction.atomic():
        current = (
            TimetableFeed.objects.select_for_update(of=("self",))
            .select_related("service", "service__organization", "service__organization__owner")
            .get(pk=feed.pk)
        )
        is_new = not (current.status == FeedStatus.FAILED and current.last_error == reason)
        current.status = FeedStatus.FAILED
        current.last_error = reason
        current.last_attempt_at = now
        current.save(update_fields=["status", "last_error", "last_attempt_at", "updated_at"])
        audit_record(
            actor=None,
            action=AuditAction.COMMUNITY_TIMETABLE_IMPORT_FAILED,
            obj=current.service,
            organisation=current.service.organization.owner,
            detail={"feed": str(current.uuid), "reason": reason},
        )
    feed.refresh_from_db()
    if is_new:
        _tell_provider(current, reason)


def feed_recipients(feed: TimetableFeed) -> list[str]:
    """Whoever attached the feed, and the owning provider's staff (active, not read-only)."""
    emails = set()
    if feed.created_by is not None and feed.created_by.is_active:
        emails.add(feed.created_by.email)
    owner_id = feed.service.organization.owner_id
    if owner_id is not None:
        emails.update(
            Membership.objects.filter(
                organisation_id=owner_id,
                role=Role.PROVIDER_STAFF,
                read_only=False,
                is_active=True,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    return sorted(e for e in emails if e)


def _tell_provider(feed: TimetableFeed, reason: str) -> None:
    page = settings.SITE_URL + reverse(
        "community:timetable", kwargs={"service_id": feed.service.uuid}
    )
    body = (
        f"We could not import the timetable for “{feed.service.name}”.\n\n"
        f"Reason: {reason}\n\n"
        "Nothing on the listing has changed: it still shows the sessions from before. "
        f"Please fix the calendar, then check the timetable page:\n{page}\n"
    )
    for to in feed_recipients(feed):
        try:
            notify(
                channel=EMAIL,
                to=to,
                subject=f"Timetable import failed: {feed.service.name}",
                body=body,
            )
        except NotifyError:
            logger.exception("Could not email %s about feed %s", to, feed.uuid)
