"""FHIR R4 resources for the reads: Goal, Questionnaire, QuestionnaireResponse and Consent.
Builders read what they are given (the access check comes first, in access.py)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from linkwell.casework.models import Goal, GoalProgress, GoalStatus
from linkwell.fhir.documents import LOINC_TOTALS
from linkwell.fhir.resources.common import LOINC, coding, instant
from linkwell.fhir.resources.organization import organization_reference
from linkwell.fhir.resources.patient import patient_reference
from linkwell.outcomes.engine import Instrument, Item
from linkwell.outcomes.models import CompletedBy, MeasureAdministration
from linkwell.outcomes.registry import UnknownInstrument, get_instrument
from linkwell.referrals.models import Referral

# Canonical URLs of the shipped instruments as Questionnaires (stable whatever the host).
QUESTIONNAIRE_BASE = "https://linkwell.org.uk/fhir/Questionnaire/"
TOTAL_LINK_ID = "total"

_GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
# Linkwell's goal progress -> Goal.lifecycleStatus and achievementStatus (None: not yet judged).
_GOAL_STATUS: dict[str, tuple[str, tuple[str, str] | None]] = {
    GoalStatus.NOT_STARTED: ("accepted", None),
    GoalStatus.IN_PROGRESS: ("active", ("in-progress", "In Progress")),
    GoalStatus.ACHIEVED: ("completed", ("achieved", "Achieved")),
    # The person changed the goal: this one was replaced by another.
    GoalStatus.CHANGED: ("cancelled", None),
}


def _number(value: float | int) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


# --- Goal -------------------------------------------------------------------------------------


def goal_resource(goal: Goal) -> dict[str, Any]:
    """A goal of the person's plan, in their words, with its progress at the last follow-up."""
    plan = goal.plan
    person = plan.case.person
    status = GoalStatus(goal.status) if goal.status in GoalStatus.values else None
    lifecycle, achievement = (
        _GOAL_STATUS.get(status, ("active", None)) if status else ("active", None)
    )
    if lifecycle == "accepted" and plan.agreed_on is None:
        lifecycle = "proposed"
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": str(goal.uuid),
        "meta": {"lastUpdated": instant(goal.updated_at)},
        "lifecycleStatus": lifecycle,
        "description": {"text": goal.text},
        "subject": patient_reference(person),
        "expressedBy": patient_reference(person),
        "statusDate": goal.updated_at.date().isoformat(),
    }
    if achievement is not None:
        resource["achievementStatus"] = {
            "coding": [coding(_GOAL_ACHIEVEMENT, *achievement)],
            "text": goal.get_status_display(),
        }
    else:
        resource["achievementStatus"] = {"text": goal.get_status_display()}
    if plan.agreed_on is not None:
        resource["startDate"] = plan.agreed_on.isoformat()
    if goal.target_date is not None:
        resource["target"] = [{"dueDate": goal.target_date.isoformat()}]
    progress = (
        GoalProgress.objects.filter(goal=goal)
        .exclude(in_their_words="")
        .order_by("-follow_up__completed_at", "-pk")
        .first()
    )
    if progress is not None:
        resource["note"] = [{"text": progress.in_their_words}]
    return resource


# --- Questionnaire ----------------------------------------------------------------------------


def questionnaire_url(instrument_id: str) -> str:
    return QUESTIONNAIRE_BASE + instrument_id


def _item_text(item: Item) -> str:
    """The item's wording when Linkwell has it (shipped, or the deployer's licensed copy);
    otherwise only its neutral label ("Statement 1")."""
    return item.text or item.label


def _option_system(instrument: Instrument) -> str:
    return f"{questionnaire_url(instrument.id)}/answers"


def _computable_name(instrument: Instrument) -> str:
    name = "".join(part.capitalize() for part in instrument.id.replace("_", "-").split("-"))
    return name if name[:1].isalpha() else f"Measure{name}"


def questionnaire_resource(instrument: Instrument) -> dict[str, Any]:
    """A shipped instrument as a Questionnaire: its items and answer options, and a read-only
    total where it has one (LOINC-coded for PHQ-9 and GAD-7). Licensed wording appears only
    when the deployer supplied it."""
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        entry: dict[str, Any] = {
            "linkId": item.id,
            "text": _item_text(item),
            "type": "choice",
            "required": not item.optional,
            "answerOption": [
                {
                    "valueCoding": coding(
                        _option_system(instrument), str(_number(option.value)), option.label
                    )
                }
                for option in item.options
            ],
        }
        if not entry["answerOption"]:
            entry["type"] = "decimal"
            del entry["answerOption"]
        items.append(entry)
    if instrument.has_total:
        total: dict[str, Any] = {
            "linkId": TOTAL_LINK_ID,
            "text": f"{instrument.short_title} {instrument.total_label}",
            "type": "decimal",
            "readOnly": True,
        }
        if instrument.id in LOINC_TOTALS:
            total["code"] = [coding(LOINC, *LOINC_TOTALS[instrument.id])]
        items.append(total)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.id,
        "url": questionnaire_url(instrument.id),
        "version": instrument.version,
        "name": _computable_name(instrument),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "Linkwell",
        "description": instrument.description or instrument.title,
        "copyright": instrument.licence or None,
    }
    if instrument.preamble:
        resource["purpose"] = instrument.preamble
    if instrument.id in LOINC_TOTALS:
        resource["code"] = [coding(LOINC, *LOINC_TOTALS[instrument.id])]
    if items:
        resource["item"] = items
    return {k: v for k, v in resource.items() if v is not None}


# --- QuestionnaireResponse --------------------------------------------------------------------


def _answer(instrument: Instrument | None, item_id: str, value: Any) -> dict[str, Any] | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if instrument is not None:
        for item in instrument.items:
            if item.id == item_id:
                label = item.label_for(value)
                if label:
                    return {
                        "valueCoding": coding(
                            _option_system(instrument), str(_number(value)), label
                        )
                    }
    return {"valueDecimal": _number(value)}


def questionnaire_response_resource(row: MeasureAdministration) -> dict[str, Any]:
    """A recorded measure: each item answer Linkwell stores and the total score (the stored
    score; never recomputed)."""
    try:
        instrument: Instrument | None = get_instrument(row.instrument_id, row.instrument_version)
    except UnknownInstrument:
        instrument = None
    assert row.case is not None
    person = row.case.person
    texts = {item.id: _item_text(item) for item in instrument.items} if instrument else {}
    items: list[dict[str, Any]] = []
    for item_id, value in (row.answers or {}).items():
        answer = _answer(instrument, item_id, value)
        entry: dict[str, Any] = {"linkId": str(item_id)}
        if item_id in texts:
            entry["text"] = texts[item_id]
        if answer is not None:
            entry["answer"] = [answer]
        items.append(entry)
    if row.score is not None:
        name = instrument.short_title if instrument else row.instrument_id.upper()
        label = instrument.total_label if instrument else "score"
        items.append(
            {
                "linkId": TOTAL_LINK_ID,
                "text": f"{name} {label}" + (f" ({row.band})" if row.band else ""),
                "answer": [{"valueDecimal": _number(row.score)}],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(row.uuid),
        "meta": {"lastUpdated": instant(row.updated_at)},
        "questionnaire": f"{questionnaire_url(row.instrument_id)}|{row.instrument_version}",
        "status": "completed",
        "subject": patient_reference(person),
        "authored": row.administered_on.isoformat(),
        "author": organization_reference(row.organisation),
    }
    if row.completed_by == CompletedBy.SELF:
        resource["source"] = patient_reference(person)
    if items:
        resource["item"] = items
    return resource


# --- Consent ----------------------------------------------------------------------------------

CONSENT_KINDS = ("share", "contact")
_CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
_CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def consent_id(referral: Referral, kind: str) -> str:
    return f"{referral.uuid}-{kind}"


def consent_resource(referral: Referral, kind: str) -> dict[str, Any]:
    """One consent recorded with a referral: `share` (information about the person's support
    may go back to the referrer and their GP practice) or `contact` (the link worker service
    may contact them)."""
    given = referral.consent_to_share if kind == "share" else referral.consent_to_contact
    if kind == "share":
        scope = ("patient-privacy", "Privacy Consent")
        action = ("disclose", "Disclose")
        what = "Information about their social prescribing support shared with the referrer and their GP practice"
        if referral.share_with:
            what += f" ({referral.share_with})"
    else:
        scope = ("treatment", "Treatment")
        action = ("collect", "Collect")
        what = "Contact from the social prescribing service"
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": consent_id(referral, kind),
        "meta": {"lastUpdated": instant(referral.updated_at)},
        "text": {
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml"><p>'
            + ("Agreed: " if given else "Not agreed: ")
            + escape(what)
            + ".</p></div>",
        },
        "status": "active",
        "scope": {"coding": [coding(_CONSENT_SCOPE, *scope)]},
        "category": [{"coding": [coding(LOINC, "59284-0", "Patient Consent")]}],
        "patient": patient_reference(referral.person),
        "dateTime": instant(referral.received_at),
        "organization": [organization_reference(referral.link_worker_service)],
        "policyRule": {
            "coding": [
                coding(_ACT_CODE, "OPTIN", "opt-in")
                if given
                else coding(_ACT_CODE, "OPTOUT", "opt-out")
            ]
        },
        "provision": {
            "type": "permit" if given else "deny",
            "action": [{"coding": [coding(_CONSENT_ACTION, *action)], "text": what}],
        },
    }
    return resource
