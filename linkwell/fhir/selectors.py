"""Reads for the FHIR API, always scoped to the calling client's organisation: a client sees
the referrals its organisation sent through the API and the people they are about. Anything
else is `not_found` (404), so a client cannot learn that a record exists."""

from __future__ import annotations

import uuid

from django.db.models import DateTimeField, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from linkwell.casework.models import MessageBack, MessageBackLetter
from linkwell.fhir.http import not_found
from linkwell.fhir.models import ApiClient, ApiReferral
from linkwell.fhir.resources.referral import TaskFacts
from linkwell.people.models import Person


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _letters_to_client(referral_ref: str = "referral") -> QuerySet[MessageBackLetter]:
    """Letters of the referral's case to the client's organisation, from the day the referral
    arrived (a returning person's earlier letters belong to the earlier referral)."""
    return MessageBackLetter.objects.filter(
        case=OuterRef(f"{referral_ref}__case_link__case"),
        recipient_organisation=OuterRef("client__organisation"),
        written_on__gte=OuterRef(f"{referral_ref}__received_at__date"),
    )


def api_referrals_for_client(client: ApiClient) -> QuerySet[ApiReferral]:
    """The client organisation's API referrals, each annotated with `last_updated`: the latest
    change to the referral, its API record, its case or a letter back to the client. Task and
    ServiceRequest `meta.lastUpdated` and `_lastUpdated` searches use it, so a poller sees a
    Task change whenever any of these moves."""
    letters = (
        _letters_to_client()
        .order_by()
        .values("recipient_organisation")
        .annotate(latest=Max("updated_at"))
        .values("latest")
    )
    return (
        ApiReferral.objects.filter(client__organisation=client.organisation)
        .select_related(
            "client__organisation",
            "client__application",
            "referral__person__registered_practice",
            "referral__link_worker_service",
            "referral__referrer_organisation",
            "referral__case_link__case",
        )
        .annotate(
            last_updated=Greatest(
                F("updated_at"),
                F("referral__updated_at"),
                Coalesce(F("referral__case_link__case__updated_at"), F("updated_at")),
                Coalesce(Subquery(letters, output_field=DateTimeField()), F("updated_at")),
                output_field=DateTimeField(),
            )
        )
    )


def task_facts(api_referral: ApiReferral) -> TaskFacts:
    """What the Task and the ServiceRequest's status are derived from (resources/referral.py)."""
    referral = api_referral.referral
    link = getattr(referral, "case_link", None)
    case = link.case if link is not None else None
    letter_ids: list[str] = []
    if case is not None:
        letter_ids = [
            str(u)
            for u in MessageBackLetter.objects.filter(
                case=case,
                recipient_organisation=api_referral.client.organisation,
                written_on__gte=timezone.localdate(referral.received_at),
            )
            .order_by("written_on", "pk")
            .values_list("uuid", flat=True)
        ]
    outcome_sent = MessageBack.objects.filter(
        referral=referral, stage=MessageBack.Stage.OUTCOME
    ).exists()
    return TaskFacts(
        referral=referral,
        cancelled_at=api_referral.cancelled_at,
        cancelled_reason=api_referral.cancelled_reason,
        case_status=case.status if case is not None else None,
        outcome_sent=outcome_sent,
        letter_ids=letter_ids,
        last_updated=getattr(api_referral, "last_updated", None) or api_referral.updated_at,
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
