"""Shared model pieces: public UUIDs, timestamps, optimistic concurrency."""

from __future__ import annotations

import uuid

from django.db import models


class PublicIdModel(models.Model):
    """Integer primary key stays internal; URLs and APIs use `uuid`."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic concurrency: writers send the version they read; see core.concurrency."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class SubmissionKey(models.Model):
    """A form's one-time key and what its first submission created (`core/idempotency.py`).

    A browser retrying a POST after a timeout sends the same key; the second request finds the
    row made by the first instead of creating a second note, referral or connection."""

    key = models.UUIDField(primary_key=True)
    object_type = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=64, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_pk} ({self.key})"
