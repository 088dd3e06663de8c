"""Member records: a coordinator adds and edits one, someone registers on the public site, and a
coordinator links a member to their record as a person supported (with consent).

Every way in is checked by `member_errors` (one message per problem, nothing written on any),
and every write is audited in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff, snapshot
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.postcodes import InvalidPostcode, normalise
from linkwell.people.models import Person
from linkwell.people.selectors import normalise_name, person_duplicate_candidates
from linkwell.people.validation import normalise_nhs_number
from linkwell.volunteering.languages import LANGUAGES
from linkwell.volunteering.models import (
    CommunityMember,
    MemberSource,
    RoleKind,
    RoleStatus,
    RoleStatusChange,
    Travel,
    VolunteerRole,
)
from linkwell.volunteering.services.notifications import registration_emails_quietly

DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}

# What a member record holds that a coordinator edits (`member_update` diffs these).
MEMBER_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "postcode",
    "date_of_birth",
    "gender",
    "offer",
    "interests",
    "skills",
    "lived_experience",
    "languages",
    "availability",
    "travel",
    "travel_radius_km",
    "home_visits",
    "max_matches",
    "pref_person_gender",
    "pref_person_min_age",
    "pref_person_max_age",
    "preferences",
)

TEXT_LIMITS = {
    "given_name": ("First name", 100),
    "family_name": ("Last name", 100),
    "email": ("Email address", 254),
    "phone": ("Phone number", 30),
    "gender": ("Gender", 50),
    "offer": ("What they can offer", 2000),
    "pref_person_gender": ("Preferred gender of the person", 50),
    "preferences": ("Other preferences", 1000),
}
LIST_LABELS = {
    "interests": "interests",
    "skills": "skills",
    "lived_experience": "lived experiences",
}
MAX_LIST_ITEMS = 30
MAX_ITEM_CHARS = 60
MAX_LANGUAGES = 10
MAX_SLOTS = 21
MAX_MATCHES = 10
MAX_RADIUS_KM = Decimal("200")
OLDEST_YEAR = 1900
MIN_VOLUNTEER_AGE = 14
REASON_LIMIT = 300
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """Items entered one per line or separated by commas, trimmed, blanks and repeats dropped."""
    if value is None:
        return []
    parts = re.split(r"[\n,;]", value) if isinstance(value, str) else list(value)
    out: list[str] = []
    for part in parts:
        item = " ".join(str(part).split())
        if item and item.casefold() not in {o.casefold() for o in out}:
            out.append(item)
    return out


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def member_clean(data: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """The member fields in `data`, normalised, or ValidationFailed naming every problem.

    Lists (interests, skills, lived experience) may come as text (one per line or comma
    separated) or as lists; languages as ISO 639-1 codes; availability as
    `[{"day": "TU", "from": "14:00", "to": "17:00"}]`."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name, (label, limit) in TEXT_LIMITS.items():
        value = (
            str(data.get(name) or "").strip()
            if name in ("offer", "preferences")
            else " ".join(str(data.get(name) or "").split())
        )
        if len(value) > limit:
            bad(name, f"{label} must be {limit} characters or fewer")
        out[name] = value
    if not out["given_name"]:
        bad("given_name", "Enter their first name")
    out["email"] = out["email"].lower()
    if out["email"] and "email" not in errors:
        try:
            validate_email(out["email"])
        except ValidationError:
            bad("email", "Enter an email address like name@example.org")
    if out["phone"] and not re.fullmatch(r"[0-9+() \-]{6,30}", out["phone"]):
        bad("phone", "Enter a phone number using numbers only, like 01691 123456")

    postcode = " ".join(str(data.get("postcode") or "").split())
    out["postcode"] = ""
    if postcode:
        try:
            out["postcode"] = normalise(postcode)
        except InvalidPostcode:
            bad("postcode", "Enter a real UK postcode, like SY11 1AA")

    born = data.get("date_of_birth")
    out["date_of_birth"] = None
    if born:
        if not isinstance(born, dt.date):
            bad("date_of_birth", "Enter the date of birth as a real date, like 27 3 1958")
        elif born > today:
            bad("date_of_birth", "Date of birth must be in the past")
        elif born.year < OLDEST_YEAR:
            bad("date_of_birth", f"Date of birth must be after {OLDEST_YEAR}")
        elif _age_on(born, today) < MIN_VOLUNTEER_AGE:
            bad("date_of_birth", f"Volunteers must be at least {MIN_VOLUNTEER_AGE} years old")
        else:
            out["date_of_birth"] = born

    for name, label in LIST_LABELS.items():
        items = split_list(data.get(name))
        if len(items) > MAX_LIST_ITEMS:
            bad(name, f"List at most {MAX_LIST_ITEMS} {label}")
        long = [i for i in items if len(i) > MAX_ITEM_CHARS]
        if long:
            bad(name, f"Each of the {label} must be {MAX_ITEM_CHARS} characters or fewer")
        out[name] = items

    languages = [str(c).strip().lower() for c in (data.get("languages") or []) if str(c).strip()]
    languages = list(dict.fromkeys(languages))
    unknown = [c for c in languages if c not in LANGUAGES]
    if unknown:
        bad("languages", "Choose languages from the list")
    elif len(languages) > MAX_LANGUAGES:
        bad("languages", f"Choose at most {MAX_LANGUAGES} languages")
    out["languages"] = languages

    out["availability"] = _clean_availability(data.get("availability") or [], bad)

    travel = str(data.get("travel") or "")
    if travel and travel not in Travel.values:
        bad("travel", "Choose how they get about from the list")
    out["travel"] = travel
    radius = data.get("travel_radius_km")
    out["travel_radius_km"] = None
    if radius not in (None, ""):
        try:
            km = Decimal(str(radius).strip())
            if not km.is_finite():
                raise InvalidOperation
            km = km.quantize(Decimal("0.1"))
        except InvalidOperation:
            bad("travel_radius_km", "Enter how far they will travel as a number of kilometres")
        else:
            if km < 0 or km > MAX_RADIUS_KM:
                bad("travel_radius_km", f"Enter a distance between 0 and {MAX_RADIUS_KM} km")
            else:
                out["travel_radius_km"] = km
    home = data.get("home_visits")
    out["home_visits"] = None if home in (None, "") else bool(home)

    max_matches = data.get("max_matches")
    if max_matches in (None, ""):
        out["max_matches"] = 2
    else:
        try:
            out["max_matches"] = int(max_matches)
        except (TypeError, ValueError):
            bad("max_matches", "Enter how many people at once as a number from 0 to 10")
        else:
            if not 0 <= out["max_matches"] <= MAX_MATCHES:
                bad(
                    "max_matches",
                    f"Enter how many people at once as a number from 0 to {MAX_MATCHES}",
                )

    ages: dict[str, int | None] = {}
    for name, label in (("pref_person_min_age", "Youngest"), ("pref_person_max_age", "Oldest")):
        raw = data.get(name)
        ages[name] = None
        if raw in (None, ""):
            continue
        try:
            age = int(raw)
        except (TypeError, ValueError):
            bad(name, f"{label} age must be a number")
            continue
        ages[name] = age
        if not 0 <= age <= 120:
            bad(name, f"{label} age must be between 0 and 120")
    low, high = ages["pref_person_min_age"], ages["pref_person_max_age"]
    if (
        low is not None
        and high is not None
        and low > high
        and not errors.get("pref_person_max_age")
    ):
        bad("pref_person_max_age", "Oldest age must be the same as or more than the youngest")
    out.update(ages)
    if errors:
        raise ValidationFailed(errors)
    return out


def _clean_availability(slots: Any, bad: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if not isinstance(slots, list | tuple):
        bad("availability", "Enter when they are free as days and times")
        return out
    if len(slots) > MAX_SLOTS:
        bad("availability", f"Enter at most {MAX_SLOTS} times they are free")
        return out
    for slot in slots:
        day = str(slot.get("day", "")).upper() if isinstance(slot, Mapping) else ""
        if day not in DAYS:
            bad("availability", "Choose a day of the week for each time they are free")
            continue
        start, end = str(slot.get("from") or ""), str(slot.get("to") or "")
        if not _TIME.match(start) or not _TIME.match(end):
            bad("availability", f"Enter the times for {DAYS[day]} like 09:30 to 12:00")
            continue
        if end <= start:
            bad("availability", f"The time on {DAYS[day]} must end after it starts")
            continue
        out.append({"day": day, "from": start, "to": end})
    return out


CONSENT_MESSAGE = (
    "Confirm they agreed to the organisation holding these details to arrange volunteering"
)
PUBLIC_CONSENT_MESSAGE = (
    "Confirm you agree to the organisation keeping these details to talk to you about volunteering"
)


def _consent_errors(consent: Any, message: str = CONSENT_MESSAGE) -> dict[str, list[str]]:
    return {} if consent else {"consent": [message]}


def _new_role(
    *, actor: User | None, member: CommunityMember, kind: str, status: str, reason: str = ""
) -> VolunteerRole:
    today = timezone.localdate()
    role = VolunteerRole.objects.create(
        member=member,
        organisation=member.organisation,
        kind=kind,
        status=status,
        started_on=today,
    )
    RoleStatusChange.objects.create(
        role=role,
        from_status="",
        to_status=status,
        changed_on=today,
        changed_by=actor,
        reason=reason,
    )
    return role


def member_create(
    *, actor: User, organisation: Organisation, data: Mapping[str, Any]
) -> CommunityMember:
    """A coordinator adds someone who offers their time. `data["consent"]` must be true: they
    agreed to the organisation holding their details."""
    errors: dict[str, list[str]] = dict(_consent_errors(data.get("consent")))
    try:
        clean = member_clean(data)
    except ValidationFailed as exc:
        errors = {**exc.errors, **errors}
        clean = {}
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        member = CommunityMember.objects.create(
            organisation=organisation,
            source=MemberSource.COORDINATOR,
            consent_at=timezone.now(),
            **clean,
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MEMBER_CREATED,
            obj=member,
            organisation=organisation,
            changes={k: [None, v] for k, v in snapshot(member, MEMBER_FIELDS).items() if v},
        )
    return member


def member_update(
    *,
    actor: User,
    member: CommunityMember,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> CommunityMember:
    """Edit what a member's record holds; refused if someone saved it since it was opened."""
    clean = member_clean(data)
    with transaction.atomic():
        current = lock_versioned(
            CommunityMember,
            member.pk,
            expected_version=expected_version,
            what=str(member),
            required=True,
        )
        before = snapshot(current, MEMBER_FIELDS)
        for key, value in clean.items():
            setattr(current, key, value)
        changes = diff(before, snapshot(current, MEMBER_FIELDS))
        if not changes:
            return current
        save_versioned(current, update_fields=list(MEMBER_FIELDS))
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MEMBER_UPDATED,
            obj=current,
            organisation=current.organisation,
            changes=changes,
        )
    return current


def member_register(
    *,
    organisation: Organisation,
    data: Mapping[str, Any],
    roles: Iterable[str],
    actor: User | AnonymousUser | None = None,
) -> CommunityMember:
    """Someone offers their time on the public site: a member (source self-registered) with an
    enquiry role for each role they are interested in. Needs their consent and a way to reach
    them (email or phone). The organisation's coordinators are told after it commits
    (`notifications.tell_coordinators_of_registration`), and the registrant is thanked."""
    wanted = list(dict.fromkeys(str(r) for r in roles))
    errors: dict[str, list[str]] = dict(
        _consent_errors(data.get("consent"), PUBLIC_CONSENT_MESSAGE)
    )
    try:
        clean = member_clean(data)
    except ValidationFailed as exc:
        errors = {**exc.errors, **errors}
        clean = {}
    if clean and not clean["email"] and not clean["phone"]:
        errors["email"] = ["Enter an email address or a phone number so we can contact you"]
    if any(r not in RoleKind.values for r in wanted):
        errors["roles"] = ["Choose the kinds of volunteering from the list"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        member = CommunityMember.objects.create(
            organisation=organisation,
            source=MemberSource.SELF_REGISTERED,
            consent_at=timezone.now(),
            **clean,
        )
        for kind in wanted:
            _new_role(actor=None, member=member, kind=kind, status=RoleStatus.ENQUIRY)
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MEMBER_REGISTERED,
            obj=member,
            organisation=organisation,
            changes={k: [None, v] for k, v in snapshot(member, MEMBER_FIELDS).items() if v},
            detail={"roles": wanted},
        )
        member_pk = member.pk
        transaction.on_commit(lambda: registration_emails_quietly(member_pk))
    return member


# --- The link to their record as a person supported ------------------------------------------


def people_findable_by(*, organisation: Organisation) -> Any:
    """The person records a coordinator may find to link: people referred to their organisation
    for volunteer support (coordinators see them on their requests). No other records."""
    return Person.objects.filter(
        merged_into__isnull=True,
        pk__in=Person.objects.filter(support_requests__organisation=organisation).values("pk"),
    )


def member_find_person(
    *,
    organisation: Organisation,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
) -> Person:
    """The one person supported by `organisation` with this NHS number, or with this name and
    date of birth (people.selectors.person_duplicate_candidates); ValidationFailed otherwise."""
    nhs = normalise_nhs_number(nhs_number)
    if not nhs and not (given_name.strip() and family_name.strip() and date_of_birth):
        raise ValidationFailed(
            {"nhs_number": ["Enter their NHS number, or their name and date of birth"]}
        )
    candidates = person_duplicate_candidates(
        people=people_findable_by(organisation=organisation),
        given_name=given_name,
        family_name=family_name,
        date_of_birth=None if nhs else date_of_birth,
        nhs_number=nhs,
    )
    if nhs:
        found = [c.person for c in candidates if c.same_nhs_number]
    else:
        wanted = (normalise_name(given_name), normalise_name(family_name))
        found = [
            c.person
            for c in candidates
            if (normalise_name(c.person.given_name), normalise_name(c.person.family_name)) == wanted
        ]
    if not found:
        raise ValidationFailed(
            {
                "__all__": [
                    "No one your organisation supports has these details: check them, or "
                    "the person has not been referred to you"
                ]
            }
        )
    if len(found) > 1:
        raise ValidationFailed(
            {"nhs_number": ["More than one person has these details: enter their NHS number"]}
        )
    return found[0]


def member_link_person(
    *,
    actor: User,
    member: CommunityMember,
    person: Person,
    consent: bool,
    reason: str,
    expected_version: int | None,
) -> CommunityMember:
    """Record that the member is also a person supported, with their consent and a reason. The
    link opens nothing: neither record's pages show the other's details."""
    errors: dict[str, list[str]] = {}
    reason = " ".join((reason or "").split())
    if not consent:
        errors["consent"] = ["Confirm the volunteer agreed to linking their two records"]
    if not reason:
        errors["reason"] = ["Enter why the records are being linked"]
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = [f"The reason must be {REASON_LIMIT} characters or fewer"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = lock_versioned(
            CommunityMember,
            member.pk,
            expected_version=expected_version,
            what=str(member),
            required=True,
        )
        if current.person_id is not None:
            raise ValidationFailed({"__all__": ["This volunteer is already linked: unlink first"]})
        current.person = person
        current.person_link_consent_at = timezone.now()
        current.person_link_reason = reason
        save_versioned(
            current, update_fields=["person", "person_link_consent_at", "person_link_reason"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MEMBER_PERSON_LINKED,
            obj=current,
            organisation=current.organisation,
            person_id=str(person.uuid),
            changes={"person": [None, str(person.uuid)]},
            detail={"reason": reason},
        )
    return current


def member_unlink_person(
    *, actor: User, member: CommunityMember, reason: str, expected_version: int | None
) -> CommunityMember:
    """Remove the link (the volunteer withdrew their consent, or it was a mistake)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": ["Enter why the link is being removed"]})
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed(
            {"reason": [f"The reason must be {REASON_LIMIT} characters or fewer"]}
        )
    with transaction.atomic():
        current = lock_versioned(
            CommunityMember,
            member.pk,
            expected_version=expected_version,
            what=str(member),
            required=True,
        )
        if current.person_id is None:
            raise ValidationFailed({"__all__": ["This volunteer is not linked to a record"]})
        person = current.person
        assert person is not None
        current.person = None
        current.person_link_consent_at = None
        current.person_link_reason = ""
        save_versioned(
            current, update_fields=["person", "person_link_consent_at", "person_link_reason"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MEMBER_PERSON_UNLINKED,
            obj=current,
            organisation=current.organisation,
            person_id=str(person.uuid),
            changes={"person": [str(person.uuid), None]},
            detail={"reason": reason},
        )
    return current
