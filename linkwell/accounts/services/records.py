"""Audited saves and deletes of account records (areas, organisations, memberships, users), as
the Django admin and the commands make them; secrets are redacted from the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction

from linkwell.accounts.models import Area, Membership, Organisation, User
from linkwell.accounts.selectors import organisation_dependents
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff, snapshot
from linkwell.core.exceptions import ValidationFailed

# Never copied into the audit trail: a changed value shows as this marker instead.
SENSITIVE_FIELDS = frozenset({"password", "totp_secret"})
REDACTED = "(redacted)"


def _audit_fields(obj: models.Model) -> list[str]:
    return [
        f.name
        for f in obj._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at", "last_login"}
    ]


def _redact(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {k: ([REDACTED, REDACTED] if k in SENSITIVE_FIELDS else v) for k, v in changes.items()}


# The event for each (model, what happened) that account_record_save/_delete write.
_RECORD_ACTIONS: dict[tuple[type[models.Model], str], AuditAction] = {
    (Area, "created"): AuditAction.AREA_CREATED,
    (Area, "updated"): AuditAction.AREA_UPDATED,
    (Area, "deleted"): AuditAction.AREA_DELETED,
    (Organisation, "created"): AuditAction.ORGANISATION_CREATED,
    (Organisation, "updated"): AuditAction.ORGANISATION_UPDATED,
    (Organisation, "deleted"): AuditAction.ORGANISATION_DELETED,
    (Membership, "created"): AuditAction.MEMBERSHIP_CREATED,
    (Membership, "updated"): AuditAction.MEMBERSHIP_UPDATED,
    (Membership, "deleted"): AuditAction.MEMBERSHIP_DELETED,
    (User, "created"): AuditAction.USER_CREATED,
    (User, "updated"): AuditAction.USER_UPDATED,
    (User, "deleted"): AuditAction.USER_DELETED,
}


def _organisation_of(obj: models.Model) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, Membership):
        return obj.organisation
    return None


def account_record_save(
    *, actor: User | AnonymousUser | None, obj: Area | Organisation | Membership | User
) -> None:
    """Create or update one account record and audit old/new values (secrets redacted).

    Used by the Django admin's `save_model` (linkwell/accounts/admin.py), whose view already
    holds a transaction; the atomic block here keeps the contract for every other caller.
    """
    if not isinstance(obj, Area | Organisation | Membership | User):
        raise TypeError(f"account_record_save does not handle {type(obj).__name__}")
    fields = _audit_fields(obj)
    with transaction.atomic():
        created = obj.pk is None
        before: dict[str, Any] = {}
        if not created:
            old = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            before = snapshot(old, fields)
        if isinstance(obj, User):
            obj.email = User.objects.normalize_email(obj.email).lower()
        obj.save()
        changes = _redact(diff(before, snapshot(obj, fields)))
        if not created and not changes:
            return
        audit_record(
            actor=actor,
            action=_RECORD_ACTIONS[type(obj), "created" if created else "updated"],
            obj=obj,
            organisation=_organisation_of(obj),
            changes=changes,
        )


def organisation_delete_refusal(*, organisation: Organisation) -> str:
    """Why `organisation` cannot be deleted now ("" when it can)."""
    dependents = organisation_dependents(organisation=organisation)
    if not dependents:
        return ""
    return (
        f"{organisation} cannot be deleted while it has {', '.join(dependents)}. Remove "
        "those first, or untick “Is active” to retire the organisation and keep its history."
    )


def account_record_delete(
    *, actor: User | AnonymousUser | None, obj: Area | Organisation | Membership | User
) -> None:
    """Delete one account record, auditing the values it held.

    An organisation is deleted only when nothing points at it (ValidationFailed otherwise):
    deleting it would cascade into its memberships, and unlink its directory listings, with no
    audit event for either. A user's memberships go with them, listed in the event's detail.
    """
    if not isinstance(obj, Area | Organisation | Membership | User):
        raise TypeError(f"account_record_delete does not handle {type(obj).__name__}")
    fields = _audit_fields(obj)
    with transaction.atomic():
        detail: dict[str, Any] = {}
        if isinstance(obj, Organisation):
            refusal = organisation_delete_refusal(organisation=obj)
            if refusal:
                raise ValidationFailed({"__all__": [refusal]})
        if isinstance(obj, User):
            detail["memberships_removed"] = [
                {"organisation": m.organisation.name, "role": m.role, "id": str(m.uuid)}
                for m in obj.memberships.select_related("organisation").order_by("pk")
            ]
        before = snapshot(obj, fields)
        audit_record(
            actor=actor,
            action=_RECORD_ACTIONS[type(obj), "deleted"],
            obj=obj,
            organisation=_organisation_of(obj),
            changes=_redact({k: [v, None] for k, v in before.items() if v not in ("", None)}),
            detail=detail or None,
        )
        obj.delete()
