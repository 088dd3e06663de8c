"""Recording the quality-assurance documents seen for a provider."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import DirectoryOrganization, QualityCheck, QualityCheckKind


def quality_check_record(
    *,
    actor: User | None,
    organization: DirectoryOrganization,
    kind: str,
    checked_on: dt.date,
    expires_on: dt.date,
    reference: str = "",
) -> QualityCheck:
    """Record a QA document seen for a provider (safeguarding policy, insurance, DBS checks)."""
    errors: dict[str, list[str]] = {}
    if kind not in QualityCheckKind.values:
        errors["kind"] = ["Select what was checked"]
    if checked_on > timezone.localdate():
        errors["checked_on"] = ["The date it was checked must be today or in the past"]
    if expires_on <= checked_on:
        errors["expires_on"] = ["The expiry date must be after the date it was checked"]
    reference = reference.strip()
    if len(reference) > 255:
        errors["reference"] = ["The reference must be 255 characters or fewer"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        check = QualityCheck.objects.create(
            organization=organization,
            kind=kind,
            checked_on=checked_on,
            expires_on=expires_on,
            reference=reference,
            checked_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_QUALITY_CHECK_RECORDED,
            obj=organization,
            organisation=organization.owner,
            changes={
                "kind": [None, kind],
                "checked_on": [None, checked_on],
                "expires_on": [None, expires_on],
                "reference": [None, reference],
            },
            detail={"quality_check": str(check.uuid)},
        )
    return check
