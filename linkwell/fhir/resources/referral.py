"""ServiceRequest (UKCore-ServiceRequest) and its Task (the SDOH Clinical Care IG's referral
management Task) for a referral received through the API.

The Task is derived from Linkwell's own state every time it is read (`TaskState`), never kept
as a second state machine: the referral's status, then its case's status, then whether the
outcome was sent back. Mapping (README.md has the diagram):

| Linkwell | Task.status | businessStatus |
|---|---|---|
| cancelled by the requester | cancelled | cancelled |
| referral received | requested | received |
| referral returned | rejected (statusReason: the reason) | returned |
| person declined | rejected (statusReason: SNOMED 871711000000103 + reason) | declined |
| accepted, case new | accepted | case-new |
| case contacted, review booked, active, follow-up | in-progress | case-<status> |
| case dormant | on-hold | case-dormant |
| outcome message back sent | completed | outcome-sent |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from linkwell.fhir.resources.common import (
    LINKWELL_REFERRAL_REFERENCE_SYSTEM,
    PROFILE_SERVICE_REQUEST,
    SNOMED,
    coding,
    instant,
    meta,
)
from linkwell.fhir.resources.organization import organization_reference
from linkwell.fhir.resources.patient import patient_reference
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    Referral,
    ReferralStatus,
)

# Linkwell's code systems: the Needs taxonomy (referral reasons) and the finer referral state
# carried in Task.businessStatus.
NEEDS_SYSTEM = "https://linkwell.org.uk/CodeSystem/needs"
BUSINESS_STATUS_SYSTEM = "https://linkwell.org.uk/CodeSystem/referral-state"
TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code"

BUSINESS_DISPLAY = {
    "cancelled": "Cancelled by the referrer",
    "received": "Received, waiting for triage",
    "returned": "Returned to the referrer",
    "declined": "The person declined social prescribing",
    "case-new": "Accepted: a link worker will make contact",
    "case-contacted": "The link worker has contacted the person",
    "case-review_booked": "Wellbeing review booked",
    "case-active": "Working with the link worker",
    "case-follow_up": "Follow-up after connection",
    "case-dormant": "Case dormant (paused or closed)",
    "outcome-sent": "Outcome sent back to the referrer",
}
_CASE_STATUS_TO_TASK = {
    "new": "accepted",
    "contacted": "in-progress",
    "review_booked": "in-progress",
    "active": "in-progress",
    "follow_up": "in-progress",
    "dormant": "on-hold",
}


@dataclass(frozen=True)
class TaskFacts:
    """What the Task is derived from, read by `selectors.task_facts`."""

    referral: Referral
    cancelled_at: dt.datetime | None
    cancelled_reason: str
    case_status: str | None
    outcome_sent: bool
    letter_ids: list[str] = field(default_factory=list)
    last_updated: dt.datetime | None = None


@dataclass(frozen=True)
class TaskState:
    status: str
    business: str
    reason: dict[str, Any] | None = None


def task_state(facts: TaskFacts) -> TaskState:
    referral = facts.referral
    if facts.cancelled_at is not None:
        said = {"text": facts.cancelled_reason} if facts.cancelled_reason else None
        return TaskState("cancelled", "cancelled", said)
    if referral.status == ReferralStatus.RECEIVED:
        return TaskState("requested", "received")
    if referral.status == ReferralStatus.RETURNED:
        return TaskState("rejected", "returned", {"text": referral.returned_reason or "Returned"})
    if referral.status == ReferralStatus.DECLINED:
        reason: dict[str, Any] = {
            "coding": [
                coding(SNOMED, SNOMED_SOCIAL_PRESCRIBING_DECLINED, "Social prescribing declined")
            ]
        }
        if referral.declined_reason:
            reason["text"] = referral.declined_reason
        return TaskState("rejected", "declined", reason)
    if facts.outcome_sent:
        return TaskState("completed", "outcome-sent")
    case_status = facts.case_status or "new"
    return TaskState(_CASE_STATUS_TO_TASK.get(case_status, "in-progress"), f"case-{case_status}")


def service_request_status(facts: TaskFacts) -> str:
    state = task_state(facts)
    if state.status in ("cancelled", "rejected"):
        return "revoked"
    if state.status == "completed":
        return "completed"
    return "active"


def service_request_resource(api_referral: Any, facts: TaskFacts) -> dict[str, Any]:
    """`api_referral` is a `fhir.models.ApiReferral` with its referral, person and
    organisations loaded (selectors.api_referrals_for_client)."""
    referral = facts.referral
    reasons = [
        {"coding": [coding(NEEDS_SYSTEM, term.code, term.name)], "text": term.name}
        if term.code
        else {"text": term.name}
        for term in referral.reasons.all()
    ]
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(api_referral.uuid),
        "meta": meta(PROFILE_SERVICE_REQUEST, facts.last_updated),
        "identifier": [
            {"system": api_referral.identifier_system, "value": api_referral.identifier_value},
            {"system": LINKWELL_REFERRAL_REFERENCE_SYSTEM, "value": referral.reference},
        ],
        "status": service_request_status(facts),
        "intent": "order",
        "priority": "urgent" if referral.urgency == "urgent" else "routine",
        "code": {
            "coding": [
                coding(
                    SNOMED,
                    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
                    "Referral to social prescribing service",
                )
            ]
        },
        "subject": patient_reference(referral.person),
        "authoredOn": instant(referral.received_at),
        "performer": [organization_reference(referral.link_worker_service)],
    }
    requester = referral.referrer_organisation or api_referral.client.organisation
    resource["requester"] = organization_reference(requester)
    if referral.referrer_name:
        resource["requester"]["display"] = f"{referral.referrer_name}, {requester.name}"
    if reasons:
        resource["reasonCode"] = reasons
    if referral.details:
        resource["note"] = [{"text": referral.details}]
    return resource


def task_resource(api_referral: Any, facts: TaskFacts) -> dict[str, Any]:
    referral = facts.referral
    state = task_state(facts)
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(api_referral.task_id),
        "meta": {"lastUpdated": instant(facts.last_updated or referral.updated_at)},
        "identifier": [{"system": LINKWELL_REFERRAL_REFERENCE_SYSTEM, "value": referral.reference}],
        "basedOn": [{"reference": f"ServiceRequest/{api_referral.uuid}"}],
        "status": state.status,
        "businessStatus": {
            "coding": [
                coding(BUSINESS_STATUS_SYSTEM, state.business, BUSINESS_DISPLAY[state.business])
            ],
            "text": BUSINESS_DISPLAY[state.business],
        },
        "intent": "order",
        "code": {"coding": [coding(TASK_CODE_SYSTEM, "fulfill", "Fulfill the focal request")]},
        "focus": {"reference": f"ServiceRequest/{api_referral.uuid}"},
        "for": patient_reference(referral.person),
        "authoredOn": instant(referral.received_at),
        "lastModified": instant(facts.last_updated or referral.updated_at),
        "requester": organization_reference(api_referral.client.organisation),
        "owner": organization_reference(referral.link_worker_service),
    }
    if state.reason is not None:
        resource["statusReason"] = state.reason
    if facts.letter_ids:
        resource["output"] = [
            {
                "type": {"text": "Message back to the referrer"},
                "valueReference": {"reference": f"Composition/{letter_id}"},
            }
            for letter_id in facts.letter_ids
        ]
    return resource
