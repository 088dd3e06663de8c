"""Writes for referrals: receive, accept (open or reopen a case), return, decline, first contact.

Every write locks the referral, checks the version the user saw (optimistic concurrency), and
writes its audit row, with the person's id, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case, CaseReferral, CaseStatus, Complexity, Urgency
from linkwell.casework.services import case_reopen
from linkwell.core.concurrency import bump_versions, lock_versioned, update_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import TaxonomyTerm
from linkwell.directory.taxonomies import NEEDS, taxonomy_uuid
from linkwell.people.models import ContactMethod, Person
from linkwell.people.services import (
    PersonDetails,
    person_clean_details,
    person_create,
    person_record_registered_practice,
)
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    Referral,
    ReferralSource,
    ReferralStatus,
)

# Who a referral can be allocated to: the team's own workers and managers (not read-only).
ASSIGNABLE_ROLES = (Role.LINK_WORKER, Role.TEAM_MANAGER)

# The longest free text each field of a referral takes, whoever sends it (the forms, the API,
# invite lists): the database does not hold text fields to a length, and one public form once
# stored a 2,000,000-character "details". The forms use the same numbers (referrals/forms.py).
TEXT_LIMITS = {
    "details": 5000,
    "safeguarding_details": 5000,
    "accessibility_needs": 1000,
    "share_with": 500,
    "language_needs": 100,
    "referrer_name": 200,
    "referrer_contact": 200,
}
REASON_LIMIT = 2000  # a returned or declined referral's reason
_TEXT_LABELS = {
    "details": "The details",
    "safeguarding_details": "The safeguarding concern",
    "accessibility_needs": "Accessibility needs",
    "share_with": "Who it may be shared with",
    "language_needs": "Language needs",
    "referrer_name": "The referrer's name",
    "referrer_contact": "The referrer's contact details",
    "reason": "The reason",
}


def too_long_message(field: str, limit: int) -> str:
    """The one wording for an over-long text, in the forms and the services."""
    return f"{_TEXT_LABELS.get(field, 'This')} must be {limit:,} characters or fewer"


def _length_errors(values: dict[str, str]) -> dict[str, list[str]]:
    return {
        name: [too_long_message(name, TEXT_LIMITS[name])]
        for name, value in values.items()
        if len(value.strip()) > TEXT_LIMITS[name]
    }


@dataclass
class ReferralDetails:
    link_worker_service: Organisation | None
    source: str
    reasons: list[TaxonomyTerm] = field(default_factory=list)
    details: str = ""
    urgency: str = Urgency.ROUTINE
    consent_to_contact: bool = False
    consent_to_share: bool = False
    share_with: str = ""
    safeguarding_concern: bool = False
    safeguarding_details: str = ""
    accessibility_needs: str = ""
    language_needs: str = ""
    preferred_contact_method: str = ""
    referrer_organisation: Organisation | None = None
    referrer_name: str = ""
    referrer_contact: str = ""
    # The person's registered GP practice, when the referral says it and the record has none.
    # A GP practice's own referral names the referrer's practice without asking.
    registered_practice: Organisation | None = None


def _registered_practice(details: ReferralDetails) -> Organisation | None:
    referrer = details.referrer_organisation
    if (
        details.source == ReferralSource.GP_PRACTICE
        and referrer is not None
        and referrer.kind == OrganisationKind.GP_PRACTICE
    ):
        return referrer
    return details.registered_practice


def needs_terms() -> list[TaxonomyTerm]:
    """The referral reasons on offer: the terms of the shipped "Needs" taxonomy (editable)."""
    return list(TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(NEEDS)).order_by("name"))


def _referral_errors(details: ReferralDetails) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    service = details.link_worker_service
    if (
        service is None
        or service.kind != OrganisationKind.LINK_WORKER_SERVICE
        or not service.is_active
    ):
        errors["link_worker_service"] = ["Choose the link-worker service to refer to"]
    if details.source not in ReferralSource.values:
        errors["source"] = ["Choose who is making the referral"]
    if details.urgency not in Urgency.values:
        errors["urgency"] = ["Choose how urgent the referral is"]
    if not details.reasons and not details.details.strip():
        errors["reasons"] = ["Choose at least one reason for the referral, or describe it"]
    needs = taxonomy_uuid(NEEDS)
    if any(
        t.taxonomy_id is None or getattr(t.taxonomy, "uuid", None) != needs for t in details.reasons
    ):
        errors["reasons"] = ["Choose reasons from the list"]
    if not details.consent_to_contact:
        errors["consent_to_contact"] = [
            "The person must agree to be contacted by a link worker before they can be referred"
        ]
    if details.consent_to_share and not details.share_with.strip():
        errors["share_with"] = ["Say who the person agreed their information can be shared with"]
    if details.safeguarding_concern and not details.safeguarding_details.strip():
        errors["safeguarding_details"] = ["Describe the safeguarding concern"]
    if details.preferred_contact_method and (
        details.preferred_contact_method not in ContactMethod.values
    ):
        errors["preferred_contact_method"] = ["Choose how the person would like to be contacted"]
    errors.update(_length_errors({name: getattr(details, name) for name in TEXT_LIMITS}))
    return errors


def referral_errors(
    *, referral: ReferralDetails, new_person: PersonDetails | None = None
) -> dict[str, list[str]]:
    """Every problem `referral_create` would refuse `referral` (and `new_person`) for, keyed by
    field, without writing anything: forms call it with what they could read, so a person sees
    all the problems with their form at once instead of one batch after another."""
    errors = _referral_errors(referral)
    if new_person is not None:
        try:
            person_clean_details(new_person)
        except ValidationFailed as exc:
            errors = {**exc.errors, **errors}
        # The person record holds accessibility needs as unbounded text; the referral's limit
        # applies to the copy on the person too.
        for name, messages in _length_errors(
            {"accessibility_needs": new_person.accessibility_needs}
        ).items():
            errors.setdefault(name, messages)
    return errors


def referral_create(
    *,
    actor: User | AnonymousUser,
    referral: ReferralDetails,
    person: Person | None = None,
    new_person: PersonDetails | None = None,
    confirm_new_person: bool = False,
) -> Referral:
    """Receive a referral for an existing `person` or for `new_person` (created here, with the
    duplicate check of people.services.person_create: PossibleDuplicates when the actor should
    choose first). All problems are reported together; nothing is written unless all is well."""
    if person is None and new_person is None:
        raise ValidationFailed("Say who the referral is for")
    errors = referral_errors(referral=referral, new_person=new_person if person is None else None)
    if errors:
        raise ValidationFailed(errors)
    if person is None:
        assert new_person is not None
        new_person = person_clean_details(new_person)
    elif person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    practice = _registered_practice(referral)
    with transaction.atomic():
        if person is None:
            assert new_person is not None
            if new_person.registered_practice is None:
                new_person.registered_practice = practice
            person = person_create(actor=actor, details=new_person, confirm_new=confirm_new_person)
        elif practice is not None and person.registered_practice_id is None:
            person_record_registered_practice(actor=actor, person=person, practice=practice)
        assert referral.link_worker_service is not None
        row = Referral.objects.create(
            person=person,
            link_worker_service=referral.link_worker_service,
            source=referral.source,
            referrer=actor if actor.is_authenticated else None,
            referrer_organisation=referral.referrer_organisation,
            referrer_name=referral.referrer_name.strip(),
            referrer_contact=referral.referrer_contact.strip(),
            details=referral.details.strip(),
            urgency=referral.urgency,
            consent_to_contact=referral.consent_to_contact,
            consent_to_share=referral.consent_to_share,
            share_with=referral.share_with.strip() if referral.consent_to_share else "",
            safeguarding_concern=referral.safeguarding_concern,
            safeguarding_details=referral.safeguarding_details.strip(),
            accessibility_needs=referral.accessibility_needs.strip(),
            language_needs=referral.language_needs.strip(),
            preferred_contact_method=referral.preferred_contact_method,
            received_at=timezone.now(),
        )
        row.reasons.set(referral.reasons)
        audit_record(
            actor=actor,
            action=AuditAction.REFERRALS_REFERRAL_RECEIVED,
            obj=row,
            organisation=referral.link_worker_service,
            person_id=str(person.uuid),
            detail={
                "source": row.source,
                "urgency": row.urgency,
                "reasons": [t.code or t.name for t in referral.reasons],
                "safeguarding_concern": row.safeguarding_concern,
                "referrer_organisation": referral.referrer_organisation,
            },
        )
    return row


# --- triage ------------------------------------------------------------------------------------


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
