"""Registering a remote feed and changing it (audited, with the fields changed)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.directory.models import FeedSource

FEED_FIELDS = (
    "name",
    "url",
    "format",
    "supports_modified_after",
    "page_size",
    "harvest_at",
    "full_every_days",
    "licence",
    "attribution",
    "enabled",
    "owner",
)


def _plain(value: Any) -> Any:
    if hasattr(value, "uuid"):
        return str(value.uuid)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def feed_source_create(*, actor: User | None, **fields: Any) -> FeedSource:
    unknown = set(fields) - set(FEED_FIELDS)
    if unknown:
        raise TypeError(f"feed_source_create: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        source = FeedSource(created_by=actor, **fields)
        source.full_clean()
        source.save()
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_FEED_SOURCE_CREATED,
            obj=source,
            changes={k: [None, _plain(getattr(source, k))] for k in fields},
        )
    return source


def feed_source_update(*, actor: User | None, source: FeedSource, **fields: Any) -> FeedSource:
    unknown = set(fields) - set(FEED_FIELDS)
    if unknown:
        raise TypeError(f"feed_source_update: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        current = FeedSource.objects.select_for_update().get(pk=source.pk)
        changes = {
            k: [_plain(getattr(current, k)), _plain(v)]
            for k, v in fields.items()
            if getattr(current, k) != v
        }
        if not changes:
            return current
        for key, value in fields.items():
            setattr(current, key, value)
        current.full_clean()
        current.save()
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_FEED_SOURCE_UPDATED,
            obj=current,
            changes=changes,
        )
    return current
