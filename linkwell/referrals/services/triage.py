"""Triage: accept (open or reopen a case), return to the referrer, decline. Each write locks
the referral, checks the version the user saw, and audits in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case, CaseReferral, CaseStatus, Complexity
from linkwell.casework.services import case_reopen
from linkwell.core.concurrency import lock_versioned, update_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.referrals.models import (
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    Referral,
    ReferralStatus,
)
from linkwell.referrals.services.receiving import REASON_LIMIT, too_long_message

# Who a referral can be allocated to: the team's own workers and managers (not read-only).
ASSIGNABLE_ROLES = (Role.LINK_WORKER, Role.TEAM_MANAGER)


def _lock(referral: Referral) -> Referral:
    # The version is checked by `_bump`, after the status: a referral someone already triaged
    # says so ("already accepted") rather than "changed by someone else".
    return lock_versioned(
        Referral.objects.select_related("person", "link_worker_service"),
        referral.pk,
        expected_version=None,
        what=_what,
    )


def _what(referral: Referral) -> str:
    return f"The referral for {referral.person}"


def _bump(referral: Referral, expected_version: int, fields: dict[str, Any]) -> None:
    update_versioned(referral, expected_version=expected_version, what=_what, **fields)


def _require_received(referral: Referral, doing: str) -> None:
    if referral.status != ReferralStatus.RECEIVED:
        raise ValidationFailed(
            f"This referral cannot be {doing}: it has already been "
            f"{referral.get_status_display().lower()}"
        )


def assignable_worker_ids(service: Organisation) -> set[int]:
    return set(
        Membership.objects.filter(
            organisation=service,
            is_active=True,
            read_only=False,
            role__in=ASSIGNABLE_ROLES,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def referral_accept(
    *,
    actor: User | None,
    referral: Referral,
    assign_to: User | None,
    complexity: str,
    expected_version: int,
) -> Case:
    """Accept a referral: open a case for the person with this service, or reopen their existing one
    with its history (as in the Shropshire social prescribing business case, cases are never closed
    for good), and allocate it.

    A dormant case goes back to "new" with `reopened_at` set (casework.services.case_reopen); a
    case still open just gains the referral as a new episode. Either way the case is allocated
    to `assign_to` with `complexity`, and a CaseReferral links the referral to the case.
    """
    errors: dict[str, list[str]] = {}
    if complexity not in Complexity.values:
        errors["complexity"] = ["Choose how complex the person's needs are"]
    if assign_to is None or assign_to.pk not in assignable_worker_ids(referral.link_worker_service):
        errors["assign_to"] = ["Choose a link worker in this team to allocate the person to"]
    if errors:
        raise ValidationFailed(errors)
    assert assign_to is not None
    with transaction.atomic():
        current = _lock(referral)
        _require_received(current, "accepted")
        now = timezone.now()
        _bump(
            current,
            expected_version,
            {"status": ReferralStatus.ACCEPTED, "triaged_at": now},
        )
        person = current.person
        service = current.link_worker_service
        case = (
            Case.objects.select_for_update()
            .filter(person=person, link_worker_service=service)
            .first()
        )
        created = False
        if case is None:
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        person=person,
                        link_worker_service=service,
                        assigned_to=assign_to,
                        complexity=complexity,
                        opened_at=now,
                        # A new case shows on the caseload as "needs contact today".
                        next_contact_due=timezone.localdate(),
                    )
                created = True
            except IntegrityError:
                # Another referral for the same person was accepted at the same moment.
                case = Case.objects.select_for_update().get(
                    person=person, link_worker_service=service
                )
        action, changes = AuditAction.CASEWORK_CASE_OPENED, {}
        if not created:
            if case.status == CaseStatus.DORMANT:
                # One reopen path for the whole app: casework's service sets status "new",
                # reopened_at and "contact today", and writes its own casework.case_reopened row.
                case_reopen(
                    actor=actor,
                    case=case,
                    expected_version=case.version,
                    reason=f"Referred again ({current.get_source_display()})",
                )
            tracked = ("assigned_to_id", "complexity")
            before = {k: getattr(case, k) for k in tracked}
            # The case's version moves on so a colleague's open edit form is refused, not lost.
            Case.objects.filter(pk=case.pk).update(
                version=F("version") + 1,
                updated_at=now,
                assigned_to=assign_to,
                complexity=complexity,
            )
            case.refresh_from_db()
            action = AuditAction.CASEWORK_CASE_EPISODE_ADDED
            changes = {
                k: [before[k], getattr(case, k)] for k in tracked if before[k] != getattr(case, k)
            }
        CaseReferral.objects.create(case=case, referral=current)
        audit_record(
            actor=actor,
            action=AuditAction.REFERRALS_REFERRAL_ACCEPTED,
            obj=current,
            organisation=service,
            person_id=str(person.uuid),
            changes={"status": [ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED]},
            detail={"case": str(case.uuid)},
        )
        audit_record(
            actor=actor,
            action=action,
            obj=case,
            organisation=service,
            person_id=str(person.uuid),
            changes=changes,
            detail={
                "referral": str(current.uuid),
                "assigned_to": assign_to.email,
                "complexity": complexity,
            },
        )
    return case


def referral_return(
    *, actor: User | None, referral: Referral, reason: str, expected_version: int
) -> Referral:
    """Send an out-of-remit referral back to the referrer with a reason they will see: a service
    takes referrals that meet its criteria, as Bradford's does in Nesta's People Powered Health
    catalogue."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": ["Say why the referral is being returned"]})
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed({"reason": [too_long_message("reason", REASON_LIMIT)]})
    with transaction.atomic():
        current = _lock(referral)
        _require_received(current, "returned")
        _bump(
            current,
            expected_version,
            {
                "status": ReferralStatus.RETURNED,
                "returned_reason": reason,
                "triaged_at": timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.REFERRALS_REFERRAL_RETURNED,
            obj=current,
            organisation=current.link_worker_service,
            person_id=str(current.person.uuid),
            changes={"status": [current.status, ReferralStatus.RETURNED]},
            detail={"reason": reason},
        )
    current.refresh_from_db()
    return current


def referral_decline(
    *, actor: User | None, referral: Referral, reason: str = "", expected_version: int
) -> Referral:
    """The person does not want social prescribing: SNOMED 871711000000103 "Social prescribing
    declined" is recorded on the referral. Allowed before or after the referral was accepted
    (people often decline at first contact); the case itself is left to casework."""
    if len(reason.strip()) > REASON_LIMIT:
        raise ValidationFailed({"reason": [too_long_message("reason", REASON_LIMIT)]})
    with transaction.atomic():
        current = _lock(referral)
        if current.status not in {ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED}:
            raise ValidationFailed(
                "This referral cannot be marked as declined: it has already been "
                f"{current.get_status_display().lower()}"
            )
        now = timezone.now()
        _bump(
            current,
            expected_version,
            {
                "status": ReferralStatus.DECLINED,
                "declined_at": now,
                "declined_reason": reason.strip(),
                "snomed_code": SNOMED_SOCIAL_PRESCRIBING_DECLINED,
                "triaged_at": current.triaged_at or now,
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.REFERRALS_REFERRAL_DECLINED,
            obj=current,
            organisation=current.link_worker_service,
            person_id=str(current.person.uuid),
            changes={
                "status": [current.status, ReferralStatus.DECLINED],
                "snomed_code": [current.snomed_code, SNOMED_SOCIAL_PRESCRIBING_DECLINED],
            },
            detail={"reason": reason.strip()},
        )
    current.refresh_from_db()
    return current
