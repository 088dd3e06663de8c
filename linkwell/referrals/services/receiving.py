"""Receiving a referral: what it says (`ReferralDetails`), the checks every way in shares
(`referral_errors`, all problems at once), and `referral_create`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_event, audit_record_many
from linkwell.casework.models import Urgency
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.eligibility import eligibility_failures
from linkwell.directory.models import Service, ServiceStatus, Taxonomy, TaxonomyTerm
from linkwell.directory.taxonomies import NEEDS, taxonomy_uuid
from linkwell.people.models import ContactMethod, Person
from linkwell.people.services import (
    PersonDetails,
    person_clean_details,
    person_create,
    person_record_registered_practice,
)
from linkwell.referrals.models import (
    Referral,
    ReferralSource,
    ReferrerRole,
)

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
    # The link-worker service's eligibility rule (its directory listing's, when that listing
    # checks one: directory/eligibility.py) is checked for staff referrals: the conditions the
    # referrer confirmed, and an override with a reason when the person does not meet it.
    check_eligibility: bool = False
    conditions: list[str] = field(default_factory=list)
    override_eligibility: bool = False
    override_reason: str = ""
    referrer_role: str = ""  # a ReferrerRole value, or blank


def eligibility_rule_listing(service: Organisation | None) -> Service | None:
    """The listing whose eligibility rule a link-worker service applies: its own directory
    listing's running service that checks a rule (the first by name), if any."""
    if service is None:
        return None
    return (
        Service.objects.filter(
            organization__owner=service, eligibility_checked=True, status=ServiceStatus.ACTIVE
        )
        .order_by("name", "pk")
        .first()
    )


def _eligibility(details: ReferralDetails, date_of_birth: dt.date | None) -> tuple[list[str], str]:
    """(what the person fails, the override reason), or ValidationFailed naming the rule."""
    if not details.check_eligibility:
        return [], ""
    listing = eligibility_rule_listing(details.link_worker_service)
    if listing is None:
        return [], ""
    failed = eligibility_failures(
        listing,
        date_of_birth=date_of_birth,
        conditions=details.conditions,
        on=timezone.localdate(),
    )
    if not failed:
        return [], ""
    if not details.override_eligibility:
        raise ValidationFailed(
            {"eligibility": [*failed, "To refer anyway, choose to override the rule and say why."]}
        )
    reason = details.override_reason.strip()
    if not reason:
        raise ValidationFailed(
            {
                "override_reason": [
                    "Say why you are referring although the person does not meet the rule."
                ]
            }
        )
    if len(reason) > 2000:
        raise ValidationFailed(
            {"override_reason": ["Keep the reason to 2,000 characters or fewer"]}
        )
    return failed, reason


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


def _all_needs(terms: list[TaxonomyTerm]) -> bool:
    """Whether every term is one of the "Needs" taxonomy's: from the taxonomies loaded with the
    terms (the forms' choices are), else one query for all of them rather than one each."""
    needs = taxonomy_uuid(NEEDS)
    if any(t.taxonomy_id is None for t in terms):
        return False
    loaded = [t for t in terms if TaxonomyTerm.taxonomy.is_cached(t)]
    if any(t.taxonomy is None or t.taxonomy.uuid != needs for t in loaded):
        return False
    unloaded = {
        t.taxonomy_id
        for t in terms
        if t.taxonomy_id is not None and not TaxonomyTerm.taxonomy.is_cached(t)
    }
    return not unloaded or unloaded == set(
        Taxonomy.objects.filter(pk__in=unloaded, uuid=needs).values_list("pk", flat=True)
    )


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
    if details.referrer_role and details.referrer_role not in ReferrerRole.values:
        errors["referrer_role"] = ["Choose your role from the list, or leave it blank"]
    if not details.reasons and not details.details.strip():
        errors["reasons"] = ["Choose at least one reason for the referral, or describe it"]
    if not _all_needs(details.reasons):
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
    date_of_birth = person.date_of_birth if person is not None else None
    if person is None and new_person is not None:
        date_of_birth = new_person.date_of_birth
    failed, override_reason = _eligibility(referral, date_of_birth)
    practice = _registered_practice(referral)
    # The new person's audit event and the referral's are appended together, in one statement
    # at the end of the transaction that writes both.
    events: list[AuditEvent] = []
    with transaction.atomic():
        if person is None:
            assert new_person is not None
            if new_person.registered_practice is None:
                new_person.registered_practice = practice
            person = person_create(
                actor=actor,
                details=new_person,
                confirm_new=confirm_new_person,
                audit_later=events,
            )
        elif practice is not None and person.registered_practice_id is None:
            person_record_registered_practice(
                actor=actor, person=person, practice=practice, audit_later=events
            )
        assert referral.link_worker_service is not None
        row = Referral.objects.create(
            person=person,
            link_worker_service=referral.link_worker_service,
            source=referral.source,
            referrer=actor if actor.is_authenticated else None,
            referrer_organisation=referral.referrer_organisation,
            referrer_name=referral.referrer_name.strip(),
            referrer_contact=referral.referrer_contact.strip(),
            referrer_role=referral.referrer_role,
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
            eligibility_failed=failed,
            eligibility_override_reason=override_reason,
        )
        # A new row has no reasons yet: `add` inserts them straight away, where `set` would
        # first read the (empty) current ones.
        row.reasons.add(*referral.reasons)
        events.append(
            audit_event(
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
                    **(
                        {"eligibility_overridden": {"failed": failed, "reason": override_reason}}
                        if failed
                        else {}
                    ),
                },
            )
        )
        audit_record_many(events)
    return row
