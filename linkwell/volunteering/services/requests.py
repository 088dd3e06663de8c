"""Support requests: a person referred for befriending, a connector or peer support.

- `request_create_from_case`: a link worker refers their case's person from the plan.
- `request_create_by_referral`: a coordinator records a referral from a GP or an agency, finding
  or creating the person with the people app's services (its duplicate check).
- `request_close`, `request_exclude_member`: a coordinator's decisions on a request.

One open (waiting or matched) request per person, organisation and kind of support. Every write
is audited with the person's id in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.access import get_case_for_user
from linkwell.casework.models import WellbeingReview
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.people.models import Person
from linkwell.people.selectors import person_duplicate_candidates
from linkwell.people.services import (
    PersonDetails,
    PossibleDuplicates,
    person_clean_details,
    person_create,
)
from linkwell.volunteering.access import coordinating_organisations, coordinator_org_ids
from linkwell.volunteering.models import (
    LIVE_MATCH_STATUSES,
    CommunityMember,
    ContactMode,
    RequestSource,
    RequestStatus,
    SupportRequest,
    SupportRole,
)

OPEN_STATUSES = (RequestStatus.WAITING, RequestStatus.MATCHED)
TEXT_LIMITS = {"about": 2000, "safety_notes": 2000, "reason": 300}
_LABELS = {
    "about": "What they enjoy",
    "safety_notes": "Safety notes",
    "reason": "The reason",
    "referrer_name": "The referrer's name",
    "referrer_organisation": "The referrer's organisation",
    "volunteer_gender": "The volunteer's gender",
}
_FIELD_LIMITS = {"referrer_name": 200, "referrer_organisation": 200, "volunteer_gender": 50}


def _what(request: SupportRequest) -> str:
    return "This request"


@dataclass
class RequestDetails:
    """What a request asks for; the same fields from the plan and from a referral."""

    organisation: Organisation | None
    role: str = SupportRole.BEFRIENDER
    contact: str = ""
    volunteer_gender: str = ""
    about: str = ""
    safety_notes: str = ""


def prefill_about(case_id: int) -> str:
    """ "What they enjoy", from the case's latest wellbeing review: their interests and what
    matters to them, in their words ("" when no review is recorded)."""
    review = (
        WellbeingReview.objects.filter(case_id=case_id)
        .order_by("-held_on", "-created_at", "-pk")
        .only("interests", "what_matters")
        .first()
    )
    if review is None:
        return ""
    parts = []
    if review.interests.strip():
        parts.append(f"Enjoys: {review.interests.strip()}")
    if review.what_matters.strip():
        parts.append(f"What matters to them: {review.what_matters.strip()}")
    return "\n".join(parts)


def _details_errors(
    details: RequestDetails, *, organisations: list[Organisation]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if details.organisation is None or details.organisation.pk not in {o.pk for o in organisations}:
        errors["organisation"] = ["Choose the volunteer service to refer to"]
    if details.role not in SupportRole.values:
        errors["role"] = ["Choose befriending, a connector or peer support"]
    if details.contact and details.contact not in ContactMode.values:
        errors["contact"] = ["Choose how they would like to be in touch"]
    for name, limit in TEXT_LIMITS.items():
        value = getattr(details, name, None)
        if isinstance(value, str) and len(value.strip()) > limit:
            errors[name] = [f"{_LABELS[name]} must be {limit:,} characters or fewer"]
    if len(details.volunteer_gender.strip()) > _FIELD_LIMITS["volunteer_gender"]:
        errors["volunteer_gender"] = ["The volunteer's gender must be 50 characters or fewer"]
    return errors


def _open_request_error(person: Person, details: RequestDetails) -> dict[str, list[str]]:
    assert details.organisation is not None
    existing = SupportRequest.objects.filter(
        person=person,
        organisation=details.organisation,
        role=details.role,
        status__in=OPEN_STATUSES,
    ).first()
    if existing is None:
        return {}
    return {
        "role": [
            f"{person.display_name} already has an open request for "
            f"{SupportRole(details.role).label.lower()} with {details.organisation.name} "
            f"(since {existing.created_at:%-d %B %Y}): close it before making another"
        ]
    }


def _create(
    *,
    actor: User,
    person: Person,
    details: RequestDetails,
    source: str,
    case_id: int | None = None,
    referrer_name: str = "",
    referrer_organisation: str = "",
) -> SupportRequest:
    assert details.organisation is not None
    row = SupportRequest.objects.create(
        person=person,
        case_id=case_id,
        organisation=details.organisation,
        role=details.role,
        contact=details.contact,
        volunteer_gender=details.volunteer_gender.strip(),
        about=details.about.strip(),
        safety_notes=details.safety_notes.strip(),
        source=source,
        requested_by=actor,
        referrer_name=referrer_name.strip(),
        referrer_organisation=referrer_organisation.strip(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.VOLUNTEERING_REQUEST_CREATED,
        obj=row,
        object_repr=f"{row.get_role_display()} request",
        organisation=details.organisation,
        person_id=str(person.uuid),
        detail={
            "source": source,
            "role": row.role,
            "contact": row.contact,
            "case": str(row.case.uuid) if row.case_id and row.case else "",
            "referrer_organisation": row.referrer_organisation,
        },
    )
    return row


def request_create_from_case(
    *, actor: User, case_id: uuid.UUID, details: RequestDetails, about: str | None = None
) -> SupportRequest:
    """A link worker refers their case's person for volunteer support from the plan.

    Needs writable access to the case (404 outsiders, 403 read-only, as the case page).
    `about` None takes "what they enjoy" from the latest wellbeing review (the one-click
    referral); `details.about` is used otherwise."""
    case = get_case_for_user(actor, case_id, write=True)
    if about is None:
        details.about = details.about or prefill_about(case.pk)
    else:
        details.about = about
    organisations = list(coordinating_organisations())
    if details.organisation is None and len(organisations) == 1:
        details.organisation = organisations[0]
    errors = _details_errors(details, organisations=organisations)
    if not errors:
        errors = _open_request_error(case.person, details)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return _create(
            actor=actor,
            person=case.person,
            details=details,
            source=RequestSource.PLAN,
            case_id=case.pk,
        )


def request_create_by_referral(
    *,
    actor: User,
    details: RequestDetails,
    referrer_name: str,
    referrer_organisation: str,
    person: Person | None = None,
    new_person: PersonDetails | None = None,
    confirm_new_person: bool = False,
) -> SupportRequest:
    """A coordinator records a referral received from a GP or an agency.

    The person is `person` (chosen from the possible matches offered) or `new_person`, checked
    and created by `people.services.person_create`. Before creating, the people this
    organisation already supports are checked with the people app's duplicate rule: when any
    may be the same person, PossibleDuplicates is raised (nothing written) so the coordinator
    chooses one or confirms someone new."""
    writable = coordinator_org_ids(actor, write=True)
    organisations = list(Organisation.objects.filter(pk__in=writable, is_active=True))
    if not organisations:
        raise PermissionDenied("Only a coordinator can record a referral.")
    errors = _details_errors(details, organisations=organisations)
    if not referrer_name.strip():
        errors["referrer_name"] = ["Enter the name of the person who made the referral"]
    if not referrer_organisation.strip():
        errors["referrer_organisation"] = ["Enter the GP practice or agency that referred them"]
    for name, value in (
        ("referrer_name", referrer_name),
        ("referrer_organisation", referrer_organisation),
    ):
        if len(value.strip()) > _FIELD_LIMITS[name]:
            errors.setdefault(name, [f"{_LABELS[name]} must be 200 characters or fewer"])
    if person is None and new_person is None:
        errors["person"] = ["Say who the referral is for"]
    cleaned: PersonDetails | None = None
    if person is None and new_person is not None:
        try:
            cleaned = person_clean_details(new_person)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if person is not None:
        if person.merged_into_id is not None:
            person = Person.objects.get(pk=person.merged_into_id)
        if (
            details.organisation is not None
            and not _supported_by(details.organisation).filter(pk=person.pk).exists()
        ):
            errors["person"] = ["Choose one of the records listed, or confirm someone new"]
    if errors:
        raise ValidationFailed(errors)
    assert details.organisation is not None
    if person is None:
        assert cleaned is not None
        candidates = person_duplicate_candidates(
            people=_supported_by(details.organisation),
            given_name=cleaned.given_name,
            family_name=cleaned.family_name,
            date_of_birth=cleaned.date_of_birth,
            postcode=cleaned.postcode,
            nhs_number=cleaned.nhs_number,
        )
        if candidates and not confirm_new_person:
            raise PossibleDuplicates(candidates)
    else:
        problem = _open_request_error(person, details)
        if problem:
            raise ValidationFailed(problem)
    with transaction.atomic():
        if person is None:
            assert cleaned is not None
            person = person_create(actor=actor, details=cleaned, confirm_new=confirm_new_person)
        return _create(
            actor=actor,
            person=person,
            details=details,
            source=RequestSource.REFERRAL,
            referrer_name=referrer_name,
            referrer_organisation=referrer_organisation,
        )


def _supported_by(organisation: Organisation) -> QuerySet[Person]:
    """People the organisation has had a request for: the ones its coordinators may be shown
    as possible duplicates (never people only other services know)."""
    return Person.objects.filter(
        merged_into__isnull=True,
        pk__in=SupportRequest.objects.filter(organisation=organisation).values("person_id"),
    )


def _check_coordinator(actor: User, request: SupportRequest) -> None:
    if request.organisation_id not in coordinator_org_ids(actor, write=True):
        raise PermissionDenied("Only a coordinator of this service can change this request.")


def request_close(
    *, actor: User, request: SupportRequest, expected_version: int | None, reason: str
) -> SupportRequest:
    """Close the request with a reason. Live matches on it end with the same reason (each one
    logged as an `ended` decision)."""
    from linkwell.volunteering.services.matches import end_live_match

    _check_coordinator(actor, request)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": ["Enter why the request is being closed"]})
    if len(reason) > TEXT_LIMITS["reason"]:
        raise ValidationFailed({"reason": ["The reason must be 300 characters or fewer"]})
    with transaction.atomic():
        current = lock_versioned(
            SupportRequest, request.pk, expected_version=expected_version, what=_what, required=True
        )
        if current.status == RequestStatus.CLOSED:
            raise ValidationFailed({"reason": ["This request is already closed"]})
        ended = [
            end_live_match(actor=actor, match=m, reason=reason)
            for m in current.matches.filter(status__in=LIVE_MATCH_STATUSES).select_related("member")
        ]
        old = current.status
        current.status = RequestStatus.CLOSED
        current.closed_at = timezone.now()
        current.closed_reason = reason
        save_versioned(current, update_fields=["status", "closed_at", "closed_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_REQUEST_CLOSED,
            obj=current,
            object_repr=f"{current.get_role_display()} request",
            organisation=current.organisation,
            person_id=str(current.person.uuid),
            changes={"status": [old, current.status]},
            detail={"reason": reason, "matches_ended": [str(m.uuid) for m in ended]},
        )
    return current


def request_exclude_member(
    *,
    actor: User,
    request: SupportRequest,
    member: CommunityMember,
    expected_version: int | None,
    reason: str = "",
) -> SupportRequest:
    """The person asked not to see this volunteer again: they are never suggested or introduced
    for this request, and a live match with them ends."""
    from linkwell.volunteering.services.matches import end_live_match, settle_request_status

    _check_coordinator(actor, request)
    if member.organisation_id != request.organisation_id:
        raise ValidationFailed({"member": ["Choose a volunteer of this service"]})
    reason = reason.strip() or "The person asked not to see this volunteer again"
    if len(reason) > TEXT_LIMITS["reason"]:
        raise ValidationFailed({"reason": ["The reason must be 300 characters or fewer"]})
    with transaction.atomic():
        current = lock_versioned(
            SupportRequest, request.pk, expected_version=expected_version, what=_what, required=True
        )
        if current.excluded_members.filter(pk=member.pk).exists():
            raise ValidationFailed({"member": [f"{member.given_name} is already excluded"]})
        current.excluded_members.add(member)
        ended = [
            end_live_match(actor=actor, match=m, reason=reason)
            for m in current.matches.filter(
                status__in=LIVE_MATCH_STATUSES, member=member
            ).select_related("member")
        ]
        settle_request_status(current)
        save_versioned(current, update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_REQUEST_MEMBER_EXCLUDED,
            obj=current,
            object_repr=f"{current.get_role_display()} request",
            organisation=current.organisation,
            person_id=str(current.person.uuid),
            detail={
                "member": str(member.uuid),
                "reason": reason,
                "matches_ended": [str(m.uuid) for m in ended],
            },
        )
    return current
