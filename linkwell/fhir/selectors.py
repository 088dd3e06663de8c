"""Reads for the FHIR API, always scoped to the calling client's organisation: a client sees
the referrals its organisation sent through the API and the people they are about. Anything
else is `not_found` (404), so a client cannot learn that a record exists."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from linkwell.fhir.http import not_found
from linkwell.fhir.models import ApiClient, ApiReferral
from linkwell.people.models import Person


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def api_referrals_for_client(client: ApiClient) -> QuerySet[ApiReferral]:
    return ApiReferral.objects.filter(client__organisation=client.organisation).select_related(
        "client__organisation",
        "client__application",
        "referral__person__registered_practice",
        "referral__link_worker_service",
        "referral__referrer_organisation",
    )


def api_referral_for_client(client: ApiClient, resource_id: str) -> ApiReferral:
    """The referral whose ServiceRequest id is `resource_id`, or 404."""
    key = _uuid(resource_id)
    row = api_referrals_for_client(client).filter(uuid=key).first() if key else None
    if row is None:
        raise not_found("ServiceRequest", resource_id)
    return row


def api_referral_for_task(client: ApiClient, task_id: str) -> ApiReferral:
    key = _uuid(task_id)
    row = api_referrals_for_client(client).filter(task_id=key).first() if key else None
    if row is None:
        raise not_found("Task", task_id)
    return row


def patients_for_client(client: ApiClient) -> QuerySet[Person]:
    """People the client's organisation referred through the API (current, not merged away or
    pseudonymised)."""
    return (
        Person.objects.filter(
            referrals__api_referral__client__organisation=client.organisation,
            merged_into__isnull=True,
            pseudonymised_at__isnull=True,
        )
        .select_related("registered_practice")
        .distinct()
        .order_by("pk")
    )


def patient_for_client(client: ApiClient, resource_id: str) -> Person:
    key = _uuid(resource_id)
    person = patients_for_client(client).filter(uuid=key).first() if key else None
    if person is None:
        raise not_found("Patient", resource_id)
    return person
