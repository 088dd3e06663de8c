"""Correcting a person's record: validated, version-checked, checked for duplicates when an
identifier changes, audited field by field."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff, snapshot
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.people.access import people_known_to, referrer_organisation_ids, team_ids
from linkwell.people.models import Person
from linkwell.people.selectors import DuplicateCandidate, person_duplicate_candidates
from linkwell.people.services.details import (
    PERSON_FIELDS,
    PersonDetails,
    PossibleDuplicates,
    person_clean_details,
)

# A change to any of these can make the record look like someone else's: check for duplicates.
IDENTIFYING_FIELDS = ("given_name", "family_name", "date_of_birth", "nhs_number", "postcode")


def _audit_values(person: Person, names: list[str]) -> dict[str, Any]:
    """Field values for the audit trail; the practice by its public id, which a reader of the
    trail can look up (the row id means nothing outside the database)."""
    values = snapshot(person, [n for n in names if n != "registered_practice"])
    if "registered_practice" in names:
        practice = person.registered_practice
        values["registered_practice"] = str(practice.uuid) if practice is not None else None
    return values


def _acting_organisation(actor: User | AnonymousUser, person: Person) -> Organisation | None:
    """Whose audit trail an edit belongs on: the actor's link-worker team that holds the person,
    else their practice or agency that referred or registered them (team managers read their
    organisation's trail)."""
    for org_id in team_ids(actor, write=True):
        held = Q(cases__link_worker_service_id=org_id) | Q(referrals__link_worker_service_id=org_id)
        if Person.objects.filter(held, pk=person.pk).exists():
            return Organisation.objects.get(pk=org_id)
    for org_id in referrer_organisation_ids(actor, write=True):
        theirs = Q(registered_practice_id=org_id) | Q(referrals__referrer_organisation_id=org_id)
        if Person.objects.filter(theirs, pk=person.pk).exists():
            return Organisation.objects.get(pk=org_id)
    return person.registered_practice


def person_update(
    *,
    actor: User | AnonymousUser,
    person: Person,
    details: PersonDetails,
    expected_version: int | None,
    confirm_not_duplicate: bool = False,
) -> Person:
    """Correct or complete a person's record: validated as on the referral forms, refused when
    someone else saved it since the form was opened, audited field by field.

    When a name, the date of birth, the NHS number or the postcode changes, the record is checked
    against the others the actor may see: PossibleDuplicates (nothing written) until the user
    confirms it is a different person; an NHS number another record already has is refused
    outright (one number, one person: merge the records instead).
    """
    cleaned = person_clean_details(details)
    with transaction.atomic():
        current = lock_versioned(
            Person.objects.select_related("registered_practice"),
            person.pk,
            expected_version=expected_version,
            what=f"The record for {person}",
            required=True,
        )
        if current.merged_into_id is not None:
            raise ValidationFailed(
                "This record was merged into another one: make the change on that record"
            )
        wanted = {name: getattr(cleaned, name) for name in PERSON_FIELDS}
        changed = [name for name, value in wanted.items() if getattr(current, name) != value]
        if not changed:
            return current
        candidates: list[DuplicateCandidate] = []
        if set(changed) & set(IDENTIFYING_FIELDS):
            candidates = person_duplicate_candidates(
                people=lambda: people_known_to(actor),
                given_name=cleaned.given_name,
                family_name=cleaned.family_name,
                date_of_birth=cleaned.date_of_birth,
                postcode=cleaned.postcode,
                nhs_number=cleaned.nhs_number,
                exclude=current,
            )
            if any(c.same_nhs_number for c in candidates):
                raise ValidationFailed(
                    {
                        "nhs_number": [
                            "Another record already has this NHS number: check the number, or "
                            "merge the two records from the person page"
                        ]
                    }
                )
            if candidates and not confirm_not_duplicate:
                raise PossibleDuplicates(candidates)
        before = _audit_values(current, changed)
        for name in changed:
            setattr(current, name, wanted[name])
        save_versioned(current, update_fields=changed)
        audit_record(
            actor=actor,
            action=AuditAction.PEOPLE_PERSON_UPDATED,
            obj=current,
            organisation=_acting_organisation(actor, current),
            person_id=str(current.uuid),
            changes=diff(before, _audit_values(current, changed)),
            detail={"confirmed_not_duplicate_of": [str(c.person.uuid) for c in candidates]},
        )
    return current
