"""The practice confirms who a requested entry is: the NHS number typed is hashed and compared
with the entry's pseudo id (pseudonym.py), then a proactive referral is created through
referrals.services.referral_create (requested -> confirmed).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.concurrency import update_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import TaxonomyTerm
from linkwell.people.models import Person
from linkwell.people.services import PersonDetails, person_clean_details
from linkwell.population.models import InviteEntry, InviteStatus
from linkwell.population.pseudonym import pseudo_ids_match
from linkwell.population.services._common import _lock_requested
from linkwell.referrals.models import Referral, ReferralSource
from linkwell.referrals.services import ReferralDetails, needs_terms, referral_create

# Cohort reason words -> the "Needs" term a referral gets (the reasons' full text always goes in
# the referral's details as well, so nothing is lost when no word matches).
REASON_NEEDS = (
    ("lonel", "loneliness"),
    ("isolat", "loneliness"),
    ("lives alone", "loneliness"),
    ("pre-diabet", "pre-diabetes"),
    ("prediabet", "pre-diabetes"),
    ("hba1c", "pre-diabetes"),
    ("depress", "low-mood"),
    ("anxiety", "low-mood"),
    ("mental illness", "low-mood"),
    ("bereave", "bereavement"),
    ("carer", "carer-strain"),
    ("frail", "falls-risk"),
    ("fall", "falls-risk"),
    ("housebound", "falls-risk"),
    ("dementia", "memory-problems"),
    ("frequent attend", "frequent-attendance"),
    ("gp attend", "frequent-attendance"),
    ("appointments", "frequent-attendance"),
    ("gp visits", "frequent-attendance"),
    ("long-term condition", "long-term-condition"),
    ("copd", "long-term-condition"),
    ("heart", "long-term-condition"),
    ("diabetes", "long-term-condition"),
    ("arthritis", "long-term-condition"),
)


def reasons_to_needs(reasons: list[str]) -> list[TaxonomyTerm]:
    """The "Needs" terms the cohort reasons point at (REASON_NEEDS), in the taxonomy's order."""
    codes: set[str] = set()
    for reason in reasons:
        text = reason.lower()
        found = {code for word, code in REASON_NEEDS if word in text}
        if "pre-diabetes" in found:
            # "HbA1c nearer the diabetes threshold" is about pre-diabetes, not diabetes.
            found.discard("long-term-condition")
        codes |= found
    return [t for t in needs_terms() if t.code in codes]


def _referral_text(entry: InviteEntry) -> str:
    invite_list = entry.invite_list
    reasons = "; ".join(entry.reasons) if entry.reasons else "none given"
    return (
        f"Proactive case finding: cohort {invite_list.cohort} (version "
        f"{invite_list.cohort_version}, run {invite_list.run_date:%d %B %Y}), rank {entry.rank}. "
        f"Why the person was found: {reasons}. Identity confirmed by {entry.practice.name}."
    )


MISMATCH_MESSAGE = (
    "This NHS number is not the one behind this invite. Check that you have the right patient "
    "and that the number is typed correctly."
)


def invite_entry_confirm(
    *,
    actor: User,
    entry: InviteEntry,
    details: PersonDetails,
    consent_to_contact: bool,
    expected_version: int,
    person: Person | None = None,
    confirm_new_person: bool = False,
) -> Referral:
    """The practice has re-identified the patient outside Linkwell and confirms who it is.

    Linkwell checks that HMAC(NHS number) equals the entry's pseudo id (a typo or the wrong
    patient is refused), then creates a proactive referral in the service's triage queue through
    referrals.services.referral_create (people's duplicate check applies: PossibleDuplicates,
    nothing written, when a record may already exist). Every problem is reported together.
    """
    errors: dict[str, list[str]] = {}
    details = PersonDetails(**{**details.__dict__, "registered_practice": entry.practice})
    cleaned: PersonDetails | None = None
    try:
        cleaned = person_clean_details(details)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if cleaned is not None:
        if not cleaned.nhs_number:
            errors["nhs_number"] = [
                "Enter the person's NHS number: Linkwell uses it to check this is the person "
                "on the invite list"
            ]
        elif not pseudo_ids_match(cleaned.nhs_number, entry.pseudo_id):
            errors["nhs_number"] = [MISMATCH_MESSAGE]
        elif person is not None and person.nhs_number and person.nhs_number != cleaned.nhs_number:
            errors["person_choice"] = [
                "The record you chose has a different NHS number: choose another record"
            ]
    if not consent_to_contact:
        errors["consent_to_contact"] = [
            "The person must agree to be contacted by a link worker before they can be referred"
        ]
    if errors:
        raise ValidationFailed(errors)
    assert cleaned is not None
    with transaction.atomic():
        current = _lock_requested(entry, expected_version)
        referral = referral_create(
            actor=actor,
            referral=ReferralDetails(
                link_worker_service=current.invite_list.link_worker_service,
                source=ReferralSource.PROACTIVE,
                reasons=reasons_to_needs(list(current.reasons)),
                details=_referral_text(current),
                consent_to_contact=True,
                referrer_organisation=current.practice,
            ),
            person=person,
            new_person=cleaned if person is None else None,
            confirm_new_person=confirm_new_person,
        )
        now = timezone.now()
        update_versioned(
            current,
            expected_version=expected_version,
            what="This invite",
            status=InviteStatus.CONFIRMED,
            resolved_at=now,
            resolved_by=actor,
            referral=referral,
            updated_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.POPULATION_INVITE_ENTRY_CONFIRMED,
            obj=current,
            organisation=current.practice,
            person_id=str(referral.person.uuid),
            changes={"status": [InviteStatus.REQUESTED, InviteStatus.CONFIRMED]},
            detail={"referral": str(referral.uuid), "invite_list": str(current.invite_list.uuid)},
        )
    return referral
