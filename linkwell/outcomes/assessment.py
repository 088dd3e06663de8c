"""Holistic assessments feeding the plan.

An assessment is a measure of category `assessment` (the shipped `bolton-holistic`): each area
rated 0 (no concerns), 1 (keep an eye on it) or 2 (needs support), with notes in the person's
words (`MeasureAdministration.notes`, keyed by area). The areas of the case's latest assessment
rated as needing support are offered on the plan page as suggested goals; one click adds one to
the plan through casework's `plan_save` (versioned and audited there). A suggestion whose goal
is already on the plan is not offered again.

It is meant for after an invitation (a referral from proactive case finding): the plan page
prompts for it on such cases until one is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.casework.models import Case, CaseReferral, Plan
from linkwell.casework.plan import ActionInput, GoalInput, PlanInput, plan_save
from linkwell.core.exceptions import ValidationFailed
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import UnknownInstrument, all_instruments, get_instrument
from linkwell.referrals.models import ReferralSource

HOLISTIC_ID = "bolton-holistic"
NEEDS_SUPPORT = 2
MAX_GOAL = 500


@dataclass(frozen=True)
class GoalSuggestion:
    item_id: str
    area: str
    notes: str
    text: str  # the goal as it would be added


def assessment_ids() -> list[str]:
    return [i.id for i in all_instruments() if i.category == "assessment"]


def latest_assessment(case: Case) -> MeasureAdministration | None:
    return (
        MeasureAdministration.objects.filter(case=case, instrument_id__in=assessment_ids())
        .order_by("-administered_on", "-created_at")
        .first()
    )


def _goal_text(area: str, notes: str) -> str:
    text = f"{area}: {notes}" if notes else f"{area}: get support with this"
    return text[:MAX_GOAL]


def suggestions_from(administration: MeasureAdministration) -> list[GoalSuggestion]:
    """The areas of an assessment rated as needing support, as goals (in the form's order)."""
    try:
        instrument = get_instrument(administration.instrument_id, administration.instrument_version)
    except UnknownInstrument:
        return []
    out = []
    for item in instrument.items:
        value = (administration.answers or {}).get(item.id)
        if value is None or value < NEEDS_SUPPORT:
            continue
        notes = str((administration.notes or {}).get(item.id, "")).strip()
        out.append(GoalSuggestion(item.id, item.label, notes, _goal_text(item.label, notes)))
    return out


def goal_suggestions(case: Case) -> tuple[MeasureAdministration | None, list[GoalSuggestion]]:
    """The latest assessment and its suggestions not yet on the plan."""
    administration = latest_assessment(case)
    if administration is None:
        return None, []
    plan = Plan.objects.filter(case=case).first()
    have = {g.text.strip().lower() for g in plan.goals.all()} if plan else set()
    return administration, [
        s for s in suggestions_from(administration) if s.text.strip().lower() not in have
    ]


def invited(case: Case) -> bool:
    """True when the case came from an invitation (proactive case finding)."""
    return CaseReferral.objects.filter(
        case=case, referral__source=ReferralSource.PROACTIVE
    ).exists()


def assessment_goal_add(
    *, actor: User | None, case: Case, administration: MeasureAdministration, item_id: str
) -> Plan:
    """Add the suggested goal of one area to the case's plan (creating the plan if needed).

    Refused (ValidationFailed, nothing written) when the assessment is not this case's, the area
    was not rated as needing support, or the goal is already on the plan."""
    if administration.case_id != case.pk:
        raise ValidationFailed({"__all__": ["That assessment is not this person's."]})
    found = next((s for s in suggestions_from(administration) if s.item_id == item_id), None)
    if found is None:
        raise ValidationFailed(
            {"__all__": ["That area was not marked as needing support in the assessment."]}
        )
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(case=case).first()
        goals: list[GoalInput] = []
        actions: list[ActionInput] = []
        moving_forward = ""
        if plan is not None:
            moving_forward = plan.moving_forward
            for g in plan.goals.order_by("created_at", "pk"):
                if g.text.strip().lower() == found.text.strip().lower():
                    raise ValidationFailed({"__all__": ["That goal is already on the plan."]})
                goals.append(GoalInput(g.text, g.target_date, g.status, g.uuid))
            actions = [
                ActionInput(a.text, a.owner, a.due_on, a.done_at is not None, a.uuid)
                for a in plan.actions.order_by("created_at", "pk")
            ]
        goals.append(GoalInput(found.text))
        return plan_save(
            actor=actor,
            case=case,
            data=PlanInput(moving_forward=moving_forward, goals=goals, actions=actions),
            expected_version=None if plan is None else plan.version,
        )
