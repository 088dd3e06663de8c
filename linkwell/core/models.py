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
