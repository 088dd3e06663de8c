"""Referrals received through the FHIR API, and their cancellation by the sender.

A referral is created by `referrals.services.referral_create`, exactly as a web form's is, so it
lands in the service's triage; this module adds the API's own record (`ApiReferral`: the sender's
identifier, the ServiceRequest and Task ids) and an audit row naming the client, in the same
transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.fhir.audit import client_detail
from linkwell.fhir.http import FhirError
from linkwell.fhir.intake import PATIENT_PATHS, IncomingReferral, Problems
from linkwell.fhir.models import ApiClient, ApiReferral
from linkwell.fhir.selectors import patients_for_client
from linkwell.people.models import Person
from linkwell.people.selectors import person_duplicate_candidates
from linkwell.people.services import PersonDetails
from linkwell.referrals.models import ReferralStatus
from linkwell.referrals.services import referral_create, referral_return
from linkwell.referrals.services.receiving import REASON_LIMIT

# Where a referral service's complaint about a field points in the ServiceRequest.
_SR_PATHS = {
    "link_worker_service": "performer",
    "reasons": "reasonCode",
    "details": "note",
    "referrer_name": "requester.display",
    "urgency": "priority",
    "source": "requester",
}


def _people_of(client: ApiClient) -> QuerySet[Person]:
    """People the client's organisation referred or has registered: where the forms' duplicate
    check looks for a practice's referrer (people.access.people_known_to)."""
    org = client.organisation
    return Person.objects.filter(
        Q(registered_practice=org) | Q(referrals__referrer_organisation=org)
    ).distinct()


def match_person(
    client: ApiClient, details: PersonDetails | None, subject: dict[str, Any] | None
) -> tuple[Person | None, str]:
    """The existing record a referral is about, or (None, "") to create one, or (None, problem).

    - An NHS number finds its record wherever it is (one number, one person): the date of birth
      must agree. Linkwell never makes a second record for a number it holds.
    - Without a match by NHS number, the forms' duplicate rules run over the people the client's
      organisation referred or has registered (same date of birth and family name, similar name,
      same postcode...). A possible duplicate is refused rather than guessed: the sender is asked
      for the NHS number, which settles it.
    - A ServiceRequest sent on its own must name a Patient the client referred before
      (`Patient/{id}` or its NHS number)."""
    if details is None:
        reference = str((subject or {}).get("reference", ""))
        identifier = (subject or {}).get("identifier") or {}
        people = patients_for_client(client)
        if reference.startswith("Patient/"):
            try:
                key = uuid.UUID(reference.removeprefix("Patient/"))
            except ValueError:
                return None, ""
            return people.filter(uuid=key).first(), ""
        if isinstance(identifier, dict) and identifier.get("value"):
            return people.filter(nhs_number=str(identifier["value"]).replace(" ", "")).first(), ""
        return None, ""
    if details.nhs_number:
        same = (
            Person.objects.filter(nhs_number=details.nhs_number, merged_into__isnull=True)
            .order_by("pk")
            .first()
        )
        if same is not None:
            if same.date_of_birth != details.date_of_birth:
                return None, (
                    "Linkwell holds this NHS number with a different date of birth: check the "
                    "NHS number and birthDate"
                )
            return same, ""
    candidates = [
        c
        for c in person_duplicate_candidates(
            people=_people_of(client),
            given_name=details.given_name,
            family_name=details.family_name,
            date_of_birth=details.date_of_birth,
            postcode=details.postcode,
            nhs_number=details.nhs_number,
        )
        # A record with another NHS number is someone else.
        if not (details.nhs_number and c.person.nhs_number)
    ]
    if candidates:
        why = "; ".join(sorted({r for c in candidates for r in c.reasons}))
        return None, (
            f"Linkwell may already hold a record for this person ({why.lower()}): send their "
            "NHS number so the referral joins the right record"
        )
    return None, ""


def _validation_to_fhir(exc: ValidationFailed, incoming: IncomingReferral) -> FhirError:
    problems = Problems()
    for name, messages in exc.errors.items():
        if name in PATIENT_PATHS and incoming.patient is not None:
            where = incoming.patient.path(PATIENT_PATHS[name])
        elif name == "share_with" and incoming.consent is not None:
            where = incoming.consent.path("provision.actor")
        else:
            where = incoming.service_request.path(_SR_PATHS.get(name, ""))
        for message in messages:
            problems.add(where, message, "business-rule")
    try:
        problems.raise_if_any()
    except FhirError as error:
        return error
    return FhirError(422, "processing", str(exc))


def existing_api_referral(client: ApiClient, system: str, value: str) -> ApiReferral | None:
    return ApiReferral.objects.filter(
        client=client, identifier_system=system, identifier_value=value
    ).first()


@dataclass(frozen=True)
class Received:
    row: ApiReferral
    created: bool  # False: a resend of a referral already received (nothing new was written)
    person_created: bool


def api_referral_receive(
    *, client: ApiClient, incoming: IncomingReferral, received: dict[str, Any]
) -> Received:
    """Create the referral (and the person, when new) or, for an identifier this client already
    sent, return the referral it made. Retry-safe under concurrency: the unique
    (client, identifier) constraint decides, and the loser returns the winner's row."""
    found = existing_api_referral(client, incoming.identifier_system, incoming.identifier_value)
    if found is not None:
        return Received(found, created=False, person_created=False)
    try:
        with transaction.atomic():
            referral = referral_create(
                actor=AnonymousUser(),
                referral=incoming.details,
                person=incoming.person,
                new_person=incoming.new_person,
                # match_person has already applied the duplicate rules for this client.
                confirm_new_person=True,
            )
            row = ApiReferral.objects.create(
                client=client,
                referral=referral,
                identifier_system=incoming.identifier_system,
                identifier_value=incoming.identifier_value,
                task_id=uuid.uuid4(),
                received_bundle=received,
            )
            audit_record(
                actor=None,
                action=AuditAction.FHIR_REFERRAL_RECEIVED,
                obj=row,
                organisation=client.organisation,
                person_id=str(referral.person.uuid),
                detail=client_detail(
                    client,
                    {
                        "referral": str(referral.uuid),
                        "identifier": f"{row.identifier_system}|{row.identifier_value}",
                        "new_person": incoming.person is None,
                    },
                ),
            )
    except ValidationFailed as exc:
        raise _validation_to_fhir(exc, incoming) from exc
    except IntegrityError:
        found = existing_api_referral(client, incoming.identifier_system, incoming.identifier_value)
        if found is None:
            raise
        return Received(found, created=False, person_created=False)
    return Received(row, created=True, person_created=incoming.person is None)


def api_referral_cancel(
    *, client: ApiClient, api_referral: ApiReferral, reason: str
) -> ApiReferral:
    """The sender withdraws a referral (Task.status = cancelled). Allowed while it waits for
    triage: it is returned through `referral_return` with the sender's reason, so it leaves the
    triage list and the team sees why. Once accepted, a link worker is working with the person
    and the service must be contacted instead (409). Cancelling twice changes nothing."""
    if api_referral.cancelled_at is not None:
        return api_referral
    reason = reason.strip() or "No reason given"
    if len(reason) > REASON_LIMIT - 100:
        raise FhirError(
            422, "too-long", f"statusReason must be {REASON_LIMIT - 100:,} characters or fewer"
        )
    referral = api_referral.referral
    if referral.status != ReferralStatus.RECEIVED:
        raise FhirError(
            409,
            "conflict",
            f"The referral can no longer be cancelled: it was {referral.get_status_display().lower()}"
            " by the service. Contact the service to withdraw it.",
            expression=["Task.status"],
        )
    with transaction.atomic():
        referral_return(
            actor=None,
            referral=referral,
            reason=f"Cancelled by the referrer ({client.name}): {reason}",
            expected_version=referral.version,
        )
        api_referral.cancelled_at = timezone.now()
        api_referral.cancelled_reason = reason
        api_referral.save(update_fields=["cancelled_at", "cancelled_reason", "updated_at"])
        audit_record(
            actor=None,
            action=AuditAction.FHIR_REFERRAL_CANCELLED,
            obj=api_referral,
            organisation=client.organisation,
            person_id=str(referral.person.uuid),
            detail=client_detail(client, {"referral": str(referral.uuid), "reason": reason}),
        )
    return api_referral
