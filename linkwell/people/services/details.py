"""What a person record holds, and checking it: the fields, the details every way in supplies,
the validation all of them share, and who might already have a record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.core.exceptions import LinkwellError, ValidationFailed
from linkwell.directory.postcodes import InvalidPostcode, normalise
from linkwell.people.access import people_known_to
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


# The choice fields' allowed values, worked out once (an enum's `.values` builds a new list).
_CHOICES: dict[str, tuple[str, ...]] = {
    "preferred_contact_method": tuple(ContactMethod.values),
    "sex": tuple(Sex.values),
    "ethnicity": tuple(Ethnicity.values),
    "carer_status": tuple(CarerStatus.values),
}


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
    for name, allowed in _CHOICES.items():
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
    """Possible existing records for `details` among the people `actor` may be shown.

    The actor's scope (their memberships) is read only when some record matches: a new person
    matching nobody costs the one indexed candidate query."""
    if not actor.is_authenticated:
        return []  # nobody is shown to an anonymous actor (people_known_to is empty)
    return person_duplicate_candidates(
        people=lambda: people_known_to(actor),
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        postcode=details.postcode,
        nhs_number=details.nhs_number,
    )
