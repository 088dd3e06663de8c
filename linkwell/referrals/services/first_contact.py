"""The referral's SNOMED first-contact coding, when its case is first contacted."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.core.concurrency import bump_versions
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    Referral,
    ReferralStatus,
)


def referral_record_first_contact(
    *, actor: User | None, case: Case, at: dt.datetime | None = None
) -> list[Referral]:
    """Record SNOMED 871731000000106 "Referral to social prescribing service" on the accepted
    referrals of the case's current episode that have no first contact yet. Idempotent: call it
    whenever the case is contacted (casework's status change to "contacted"); it returns the
    referrals it coded, usually one, and none on later calls."""
    at = at or timezone.now()
    with transaction.atomic():
        pending = list(
            Referral.objects.select_for_update()
            .filter(
                case_link__case=case,
                status=ReferralStatus.ACCEPTED,
                first_contact_at__isnull=True,
            )
            .select_related("person", "link_worker_service")
        )
        for referral in pending:
            bump_versions(
                Referral.objects.filter(pk=referral.pk),
                first_contact_at=at,
                snomed_code=SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
            )
            audit_record(
                actor=actor,
                action=AuditAction.REFERRALS_REFERRAL_FIRST_CONTACT,
                obj=referral,
                organisation=referral.link_worker_service,
                person_id=str(referral.person.uuid),
                changes={
                    "snomed_code": [referral.snomed_code, SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING]
                },
                detail={"case": str(case.uuid), "at": at},
            )
            referral.refresh_from_db()
    return pending
