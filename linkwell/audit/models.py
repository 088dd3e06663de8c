"""Append-only audit trail.

Invariant: rows are only ever inserted. `AuditEvent.save()` refuses updates, the queryset refuses
`update()`/`delete()`, `delete()` on an instance raises, and database triggers (migration 0002)
reject UPDATE and DELETE at the storage level on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.db import models


class AuditImmutableError(RuntimeError):
    pass


class Channel(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    IMPORT = "import", "Import"
    COMMAND = "command", "Command line"
    SYSTEM = "system", "System"


class Kind(models.TextChoices):
    WRITE = "write", "Change"
    ACCESS = "access", "Access (read)"
    SECURITY = "security", "Security"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be updated.")


class AuditEvent(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WRITE)
    # Actor and organisation are copied as plain values, not foreign keys: deleting a user or an
    # organisation must never need to touch (or cascade into) the audit trail.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=255, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    organisation_label = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=255, blank=True)
    person_id = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Whose personal data was touched."
    )
    changes = models.JSONField(default=dict, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditImmutableError("Audit events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be deleted.")
