"""Append-only audit trail.

Invariant: rows are only ever inserted. `AuditEvent.save()` refuses updates, the queryset refuses
`update()`/`delete()`, `delete()` on an instance raises, and database triggers (migration 0002)
reject UPDATE and DELETE at the storage level on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn, TypeVar

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


M = TypeVar("M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit events cannot be updated.")

    # Refused before its SELECT ... FOR UPDATE: the application role may not lock these rows
    # (linkwell/ops/roles.py), and the answer should be this one whichever role asks.
    def update_or_create(
        self, defaults: Any = None, create_defaults: Any = None, **kwargs: Any
    ) -> NoReturn:
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

    objects = AppendOnlyQuerySet["AuditEvent"].as_manager()

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


class AuditSeal(models.Model):
    """The hash chain over the audit trail, one row per sealed event (`linkwell audit seal`).

    `row_hash` is SHA-256 of the event's canonical form (`linkwell/audit/chain.py`) and
    `chain_hash` = SHA-256(previous chain_hash + row_hash), so changing, deleting or slipping in
    an event — or rewriting a seal — breaks the chain from that point (`linkwell audit verify`).
    Events are sealed some minutes after they are written, in id order, by a scheduled job, not
    at insert: chaining at insert would serialise every write in the system on one lock. Seals
    are append-only like the events (triggers, migration 0003). No foreign key: a seal must
    outlive a deleted event so verification can say which one went."""

    event_id = models.BigIntegerField(primary_key=True)
    row_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    objects = AppendOnlyQuerySet["AuditSeal"].as_manager()

    class Meta:
        ordering = ["event_id"]

    def __str__(self) -> str:
        return f"Seal of audit event {self.event_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit seals cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit seals cannot be deleted.")
