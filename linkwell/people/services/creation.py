"""Creating a person record (with the duplicate check), and recording the registered GP practice
a referral names."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_event, audit_record_many, snapshot
from linkwell.core.concurrency import bump_versions
from linkwell.core.exceptions import ValidationFailed
from linkwell.people.models import Person
from linkwell.people.services.details import (
    PERSON_FIELDS,
    PersonDetails,
    PossibleDuplicates,
    person_clean_details,
    person_duplicates_for,
)


def person_create(
    *,
    actor: User | AnonymousUser,
    details: PersonDetails,
    confirm_new: bool = False,
    audit_later: list[AuditEvent] | None = None,
) -> Person:
    """Create a person record, unless it may duplicate one the actor can see.

    Raises PossibleDuplicates (nothing written) when candidates exist and `confirm_new` is false.
    A record with the same NHS number is never duplicated, even when confirmed: an NHS number
    belongs to one person, so the user must use that record or correct the number.

    A caller creating the person inside its own transaction (a referral) may pass a list as
    `audit_later`: the creation's audit event is appended to it unsaved, and the caller appends
    it with its own events in one statement (`audit_record_many`) before that transaction ends.
    """
    cleaned = person_clean_details(details)
    candidates = person_duplicates_for(actor=actor, details=cleaned)
    if any(c.same_nhs_number for c in candidates):
        if confirm_new:
            raise ValidationFailed(
                {
                    "nhs_number": [
                        "A record with this NHS number already exists: use that record, or "
                        "check the NHS number"
                    ]
                }
            )
        raise PossibleDuplicates(candidates)
    if candidates and not confirm_new:
        raise PossibleDuplicates(candidates)
    # Inside a caller's transaction (a referral creating its person) no savepoint is needed:
    # a failure here fails the caller's write too, which nothing catches half way.
    with transaction.atomic(savepoint=False):
        person = Person.objects.create(**cleaned.__dict__)
        event = audit_event(
            actor=actor,
            action=AuditAction.PEOPLE_PERSON_CREATED,
            obj=person,
            organisation=cleaned.registered_practice,
            person_id=str(person.uuid),
            changes={k: [None, v] for k, v in snapshot(person, PERSON_FIELDS).items() if v},
            detail={"possible_duplicates_confirmed_new": [str(c.person.uuid) for c in candidates]},
        )
        if audit_later is None:
            audit_record_many([event])
        else:
            audit_later.append(event)
    return person


def person_record_registered_practice(
    *,
    actor: User | AnonymousUser | None,
    person: Person,
    practice: Organisation,
    audit_later: list[AuditEvent] | None = None,
) -> bool:
    """Record `practice` as the person's registered GP practice when none is recorded yet (a GP
    referral names it; other referral routes ask). Never overwrites a recorded practice: a
    change of practice is an edit of the record. True when it was recorded. `audit_later` as
    for `person_create`."""
    if practice.kind != OrganisationKind.GP_PRACTICE:
        raise ValidationFailed({"registered_practice": ["Choose a GP practice"]})
    # Inside a caller's transaction (a referral) no savepoint: nothing catches a failure here.
    with transaction.atomic(savepoint=False):
        recorded = bump_versions(
            Person.objects.filter(pk=person.pk, registered_practice__isnull=True),
            registered_practice=practice,
        )
        if recorded:
            event = audit_event(
                actor=actor,
                action=AuditAction.PEOPLE_REGISTERED_PRACTICE_RECORDED,
                obj=person,
                organisation=practice,
                person_id=str(person.uuid),
                changes={"registered_practice": [None, str(practice.uuid)]},
            )
            if audit_later is None:
                audit_record_many([event])
            else:
                audit_later.append(event)
    return bool(recorded)
