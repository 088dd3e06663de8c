"""What a FHIR client may read of the person's record beyond referrals, always scoped to the
client's organisation; anything else is 404 (`not_found`), never 403.

- Messages back (Composition): the letters addressed to the organisation. Casework decides who
  gets a letter and what it says (`message_back_recipients`): the referrer always, with only
  what happened when the person did not agree to share; the registered practice only when they
  did.
- Goals and outcome measures: only from cases whose messages back go to the organisation *and*
  whose person agreed to share (`case_shared_with`): the referrer or the registered practice.
- Consents: those recorded on the referrals the organisation made, and, for the registered
  practice, on referrals whose person agreed to share.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from linkwell.casework.message_back import latest_referral, message_back_recipients
from linkwell.casework.models import Case, Goal, MessageBackLetter
from linkwell.fhir.http import not_found
from linkwell.fhir.models import ApiClient
from linkwell.fhir.views.params import reference_param
from linkwell.outcomes.models import MeasureAdministration
from linkwell.people.models import Person
from linkwell.referrals.models import Referral


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError):
        return None


# --- Messages back ----------------------------------------------------------------------------


def letters_for_client(client: ApiClient) -> QuerySet[MessageBackLetter]:
    """Letters addressed to the client's organisation that hold at least one message, newest
    first."""
    return (
        MessageBackLetter.objects.filter(
            recipient_organisation=client.organisation, entries__isnull=False
        )
        .distinct()
        .select_related(
            "recipient_organisation",
            "case__person__registered_practice",
            "case__link_worker_service",
            "case__assigned_to",
        )
        .order_by("-written_on", "-created_at", "-pk")
    )


def letter_for_client(client: ApiClient, resource_id: str) -> MessageBackLetter:
    key = parse_uuid(resource_id)
    letter = letters_for_client(client).filter(uuid=key).first() if key else None
    if letter is None:
        raise not_found("Composition", resource_id)
    return letter


# --- The person's goals and measures ----------------------------------------------------------


def case_shared_with(client: ApiClient, case: Case) -> bool:
    """The case's messages back go to the client's organisation and the person agreed to share
    information with it (their latest referral's consent)."""
    referral = latest_referral(case)
    if referral is None or not referral.consent_to_share:
        return False
    return any(org.pk == client.organisation_id for org in message_back_recipients(case, referral))


def subject_person(value: str, name: str = "subject") -> Person | None:
    """The person a `subject`/`patient` search names (`Patient/{id}` or `{id}`), or None when
    there is no such person (the search then matches nothing). A reference to another resource
    type is a 400."""
    key = parse_uuid(reference_param(value, "Patient", name))
    if key is None:
        return None
    return Person.objects.filter(
        uuid=key, merged_into__isnull=True, pseudonymised_at__isnull=True
    ).first()


def shared_cases(client: ApiClient, person: Person | None) -> list[Case]:
    if person is None:
        return []
    cases = Case.objects.filter(person=person).select_related("person__registered_practice")
    return [case for case in cases.order_by("pk") if case_shared_with(client, case)]


def goals_for_cases(cases: list[Case]) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(plan__case__in=cases)
        .select_related("plan__case__person")
        .order_by("plan__case_id", "created_at", "pk")
    )


def goal_for_client(client: ApiClient, resource_id: str) -> Goal:
    key = parse_uuid(resource_id)
    goal = (
        Goal.objects.select_related("plan__case__person__registered_practice")
        .filter(uuid=key)
        .first()
        if key
        else None
    )
    if goal is None or not case_shared_with(client, goal.plan.case):
        raise not_found("Goal", resource_id)
    return goal


def measures_for_cases(cases: list[Case]) -> QuerySet[MeasureAdministration]:
    return (
        MeasureAdministration.objects.filter(case__in=cases)
        .select_related("case__person", "organisation")
        .order_by("-administered_on", "-created_at", "-pk")
    )


def measure_for_client(client: ApiClient, resource_id: str) -> MeasureAdministration:
    key = parse_uuid(resource_id)
    row = (
        MeasureAdministration.objects.select_related(
            "case__person__registered_practice", "organisation"
        )
        .filter(uuid=key, case__isnull=False)
        .first()
        if key
        else None
    )
    if row is None or row.case is None or not case_shared_with(client, row.case):
        raise not_found("QuestionnaireResponse", resource_id)
    return row


# --- Consents ---------------------------------------------------------------------------------


def consent_referrals(client: ApiClient) -> QuerySet[Referral]:
    org = client.organisation
    return (
        Referral.objects.filter(
            Q(referrer_organisation=org) | Q(person__registered_practice=org, consent_to_share=True)
        )
        .filter(person__merged_into__isnull=True, person__pseudonymised_at__isnull=True)
        .select_related("person", "link_worker_service", "referrer_organisation")
        .order_by("-received_at", "-pk")
    )
