"""Writes to person records: create (with duplicate detection) and merge. Every write is audited
with the person's id, in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import F, Q
from django.forms.models import model_to_dict
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff, snapshot
from linkwell.core.concurrency import bump_versions, check_version, lock_versioned, save_versioned
from linkwell.core.exceptions import LinkwellError, ValidationFailed
from linkwell.directory.postcodes import InvalidPostcode, normalise
from linkwell.people.access import people_known_to, referrer_organisation_ids, team_ids
from linkwell.people.models import CarerStatus, ContactMethod, Ethnicity, Person, Sex
from linkwell.people.selectors import DuplicateCandidate, person_duplicate_candidates
from linkwell.people.validation import normalise_nhs_number, validate_date_of_birth

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "preferred_contact_method",
    "sex",
    "gender_identity",
    "ethnicity",
    "carer_status",
    "registered_practice",
    "language",
    "interpreter_needed",
    "accessibility_needs",
)

# Fields a merge copies from the duplicate when the kept record has nothing ("" or "not known").
_FILLABLE_BLANKS: dict[str, Any] = {
    "preferred_name": "",
    "nhs_number": "",
    "address_line_1": "",
    "address_line_2": "",
    "town": "",
    "postcode": "",
    "phone": "",
    "email": "",
    "gender_identity": "",
    "accessibility_needs": "",
    "registered_practice_id": None,
    "sex": Sex.UNKNOWN,
    "ethnicity": Ethnicity.UNKNOWN,
    "carer_status": CarerStatus.UNKNOWN,
}


@dataclass
class PersonDetails:
    """What a referral form (or the API) knows about a person. Only names and date of birth are
    required; everything else can follow: a referrer fills in a short form."""

    given_name: str
    family_name: str
    date_of_birth: dt.date
    nhs_number: str = ""
    postcode: str = ""
    preferred_name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    phone: str = ""
    email: str = ""
    preferred_contact_method: str = ContactMethod.PHONE
    sex: str = Sex.UNKNOWN
    gender_identity: str = ""
    ethnicity: str = Ethnicity.UNKNOWN
    carer_status: str = CarerStatus.UNKNOWN
    registered_practice: Organisation | None = None
    language: str = "English"
    interpreter_needed: bool = False
    accessibility_needs: str = ""


class PossibleDuplicates(LinkwellError):
    """Records that may be the same person exist: the caller must offer them to the user and
    come back with an existing person or `confirm_new=True`."""

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        self.candidates = candidates
        super().__init__(
            "Linkwell may already have a record for this person. Check the records below: use "
            "one of them, or confirm this is someone new."
        )


def person_clean_details(details: PersonDetails, *, today: dt.date | None = None) -> PersonDetails:
    """A copy of `details` with normalised NHS number and postcode, or ValidationFailed listing
    every problem at once."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    given = " ".join(details.given_name.split())
    family = " ".join(details.family_name.split())
    if not given:
        errors["given_name"] = ["Enter the person's first name"]
    if not family:
        errors["family_name"] = ["Enter the person's last name"]
    nhs_number = postcode = ""
    try:
        validate_date_of_birth(details.date_of_birth, today=today)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        nhs_number = normalise_nhs_number(details.nhs_number)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if details.postcode.strip():
        try:
            postcode = normalise(details.postcode)
        except InvalidPostcode:
            errors["postcode"] = ["Enter a real UK postcode, like SY11 1AA"]
    choices = {
        "preferred_contact_method": ContactMethod.values,
        "sex": Sex.values,
        "ethnicity": Ethnicity.values,
        "carer_status": CarerStatus.values,
    }
    for name, allowed in choices.items():
        if getattr(details, name) not in allowed:
            errors[name] = [f"Choose the {name.replace('_', ' ')} from the list"]
    practice = details.registered_practice
    if practice is not None and practice.kind != OrganisationKind.GP_PRACTICE:
        errors["registered_practice"] = ["Choose a GP practice from the list"]
    # The database does not enforce lengths everywhere (SQLite): every way in is held to them.
    for field in Person._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(details, field.name, None)
        if field.name in ("nhs_number", "postcode"):
            continue  # checked in their own format above
        if limit and isinstance(value, str) and len(value.strip()) > limit:
            label = str(field.verbose_name)
            errors.setdefault(
                field.name, [f"{label[:1].upper()}{label[1:]} must be {limit} characters or fewer"]
            )
    if errors:
        raise ValidationFailed(errors)
    cleaned = PersonDetails(**{**details.__dict__})
    cleaned.given_name, cleaned.family_name = given, family
    cleaned.nhs_number, cleaned.postcode = nhs_number, postcode
    cleaned.email = details.email.strip().lower()
    cleaned.phone = details.phone.strip()
    return cleaned


def person_duplicates_for(
    *, actor: User | AnonymousUser, details: PersonDetails
) -> list[DuplicateCandidate]:
    """Possible existing records for `details` among the people `actor` may be shown."""
    return person_duplicate_candidates(
        people=people_known_to(actor),
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        postcode=details.postcode,
        nhs_number=details.nhs_number,
    )


def person_create(
    *, actor: User | AnonymousUser, details: PersonDetails, confirm_new: bool = False
) -> Person:
    """Create a person record, unless it may duplicate one the actor can see.

    Raises PossibleDuplicates (nothing written) when candidates exist and `confirm_new` is false.
    A record with the same NHS number is never duplicated, even when confirmed: an NHS number
    belongs to one person, so the user must use that record or correct the number.
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
    with transaction.atomic():
        person = Person.objects.create(**cleaned.__dict__)
        audit_record(
            actor=actor,
            action=AuditAction.PEOPLE_PERSON_CREATED,
            obj=person,
            organisation=cleaned.registered_practice,
            person_id=str(person.uuid),
            changes={k: [None, v] for k, v in snapshot(person, PERSON_FIELDS).items() if v},
            detail={"possible_duplicates_confirmed_new": [str(c.person.uuid) for c in candidates]},
        )
    return person


# --- edit --------------------------------------------------------------------------------------

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
                people=people_known_to(actor),
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


def person_record_registered_practice(
    *, actor: User | AnonymousUser | None, person: Person, practice: Organisation
) -> bool:
    """Record `practice` as the person's registered GP practice when none is recorded yet (a GP
    referral names it; other referral routes ask). Never overwrites a recorded practice: a
    change of practice is an edit of the record. True when it was recorded."""
    if practice.kind != OrganisationKind.GP_PRACTICE:
        raise ValidationFailed({"registered_practice": ["Choose a GP practice"]})
    with transaction.atomic():
        recorded = bump_versions(
            Person.objects.filter(pk=person.pk, registered_practice__isnull=True),
            registered_practice=practice,
        )
        if recorded:
            audit_record(
                actor=actor,
                action=AuditAction.PEOPLE_REGISTERED_PRACTICE_RECORDED,
                obj=person,
                organisation=practice,
                person_id=str(person.uuid),
                changes={"registered_practice": [None, str(practice.uuid)]},
            )
    return bool(recorded)


# --- merge -------------------------------------------------------------------------------------


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[list[str], Any]]:
    """The other fields of each unique rule on `model` that includes `field_name`, with the
    rule's condition (None when unconditional)."""
    out: list[tuple[list[str], Any]] = []
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        if isinstance(constraint, models.UniqueConstraint) and field_name in fields:
            out.append(([f for f in fields if f != field_name], constraint.condition))
    for together in model._meta.unique_together:
        if field_name in together:
            out.append(([f for f in together if f != field_name], None))
    return out


def _describe(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name} “{obj}”"


def _move_related(dup: models.Model, keep: models.Model, report: dict[str, Any]) -> None:
    """Point everything that refers to `dup` at `keep`.

    Generic on purpose: cases, referrals, connections, outcomes and whatever later issues hang on
    a person all move without this code knowing them. Where a unique rule (one case per person
    per service) would be broken, the two rows are merged the same way, recursively, and the
    emptied row is deleted (its values kept in the audit detail). Two one-to-one children (two
    plans on the two cases) cannot be combined: ValidationFailed, and the caller's transaction
    rolls everything back.
    """
    for rel in dup._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete):
            continue
        related_model = rel.related_model
        if related_model is None or related_model._meta.auto_created:
            continue  # auto-created M2M through tables are handled with their ManyToManyRel
        label = related_model._meta.label_lower
        if rel.many_to_many:
            accessor = str(rel.get_accessor_name())  # type: ignore[union-attr]
            items = list(getattr(dup, accessor).all())
            if items:
                getattr(keep, accessor).add(*items)
                getattr(dup, accessor).clear()
                report["moved"][label] = report["moved"].get(label, 0) + len(items)
            continue
        fk_name = rel.field.name  # type: ignore[union-attr]
        manager = related_model._default_manager
        rows = manager.filter(**{fk_name: dup})
        if rel.one_to_one or rel.field.unique:  # type: ignore[union-attr]
            row = rows.first()
            if row is None:
                continue
            if manager.filter(**{fk_name: keep}).exists():
                raise ValidationFailed(
                    f"Both records have a {related_model._meta.verbose_name} for "
                    f"{_describe(keep)}, and Linkwell cannot combine two of them. Resolve this by "
                    "hand first, then merge."
                )
            rows.update(**{fk_name: keep})
            report["moved"][label] = report["moved"].get(label, 0) + 1
            continue
        rules = _unique_sets(related_model, fk_name)
        for row in list(rows):
            target = None
            for others, condition in rules:
                if condition is not None and not manager.filter(condition, pk=row.pk).exists():
                    continue
                lookup: dict[str, Any] = {fk_name: keep}
                for other in others:
                    attname = str(getattr(related_model._meta.get_field(other), "attname", other))
                    lookup[attname] = getattr(row, attname)
                clash = manager.filter(**lookup)
                if condition is not None:
                    clash = clash.filter(condition)
                target = clash.first()
                if target is not None:
                    break
            if target is None:
                manager.filter(pk=row.pk).update(**{fk_name: keep})
                report["moved"][label] = report["moved"].get(label, 0) + 1
                continue
            _move_related(row, target, report)
            if any(f.name == "version" for f in related_model._meta.concrete_fields):
                # Whoever has the surviving row open must reload: it gained history.
                manager.filter(pk=target.pk).update(version=F("version") + 1)
            report["combined"].append(
                {
                    "model": label,
                    "removed": str(getattr(row, "uuid", row.pk)),
                    "into": str(getattr(target, "uuid", target.pk)),
                    "values": model_to_dict(row),
                }
            )
            row.delete()


def person_merge(
    *,
    actor: User | None,
    keep: Person,
    duplicate: Person,
    expected_keep_version: int | None = None,
    expected_duplicate_version: int | None = None,
) -> Person:
    """Fold `duplicate` into `keep`: referrals, cases and everything else move to `keep`; cases
    with the same link-worker service are combined; blanks on `keep` are filled from `duplicate`.
    `duplicate` stays (pointing at `keep` through `merged_into`) so the audit trail still resolves.
    """
    if keep.pk == duplicate.pk:
        raise ValidationFailed("Choose two different records to merge")
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
        }
        current_keep, current_dup = locked[keep.pk], locked[duplicate.pk]
        if current_keep.merged_into_id or current_dup.merged_into_id:
            raise ValidationFailed("One of these records has already been merged into another")
        for person, expected in (
            (current_keep, expected_keep_version),
            (current_dup, expected_duplicate_version),
        ):
            check_version(person, expected, what=f"The record for {person}")
        if (
            current_keep.nhs_number
            and current_dup.nhs_number
            and current_keep.nhs_number != current_dup.nhs_number
        ):
            raise ValidationFailed(
                "These records have different NHS numbers, so they are different people"
            )
        report: dict[str, Any] = {"moved": {}, "combined": []}
        _move_related(current_dup, current_keep, report)
        before = snapshot(current_keep, list(_FILLABLE_BLANKS.keys()))
        filled: dict[str, Any] = {}
        for attname, blank in _FILLABLE_BLANKS.items():
            if getattr(current_keep, attname) == blank and getattr(current_dup, attname) != blank:
                filled[attname] = getattr(current_dup, attname)
        now = timezone.now()
        bump_versions(Person.objects.filter(pk=current_keep.pk), updated_at=now, **filled)
        bump_versions(
            Person.objects.filter(pk=current_dup.pk), merged_into=current_keep, updated_at=now
        )
        current_keep.refresh_from_db()
        after = snapshot(current_keep, list(_FILLABLE_BLANKS.keys()))
        audit_record(
            actor=actor,
            action=AuditAction.PEOPLE_PERSON_MERGED,
            obj=current_keep,
            person_id=str(current_keep.uuid),
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            detail={"duplicate": str(current_dup.uuid), **report},
        )
        audit_record(
            actor=actor,
            action=AuditAction.PEOPLE_PERSON_MERGED_AWAY,
            obj=current_dup,
            person_id=str(current_dup.uuid),
            changes={"merged_into": [None, str(current_keep.uuid)]},
            detail={"kept": str(current_keep.uuid)},
        )
    duplicate.refresh_from_db()
    return current_keep
