"""Writes for the actions a team agrees during a self-assessment: add (to a draft), and move an
action's status (at any time: following an action up does not change the assessment)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.coproduction.models import Action, ActionStatus, Assessment, AssessmentStatus
from linkwell.coproduction.questions import Principle
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed

WHAT_LIMIT = 300
WHO_LIMIT = 200


def action_add(
    *,
    actor: User,
    assessment: Assessment,
    principle: str,
    what: str,
    who: str,
    due_on: dt.date | None,
) -> Action:
    """Add an action to a draft assessment: what will be done, by whom, by when."""
    what = " ".join((what or "").split())
    who = " ".join((who or "").split())
    errors: dict[str, list[str]] = {}
    if assessment.status != AssessmentStatus.DRAFT:
        errors["__all__"] = [
            "Actions are agreed while the self-assessment is a draft; this one is completed. "
            "Add new actions to the next self-assessment."
        ]
    if principle not in Principle.values:
        errors["principle"] = ["Choose the principle the action is for"]
    if not what:
        errors["what"] = ["Enter what will be done"]
    elif len(what) > WHAT_LIMIT:
        errors["what"] = [f"Enter {WHAT_LIMIT} characters or fewer"]
    if not who:
        errors["who"] = ["Enter who will do it"]
    elif len(who) > WHO_LIMIT:
        errors["who"] = [f"Enter {WHO_LIMIT} characters or fewer"]
    if due_on is None:
        errors["due_on"] = ["Enter the date it will be done by"]
    elif due_on < assessment.held_on:
        errors["due_on"] = ["The date must be on or after the day of the self-assessment"]
    if errors:
        raise ValidationFailed(errors)
    assert due_on is not None
    with transaction.atomic():
        # Lock the assessment so an action is never added to one being completed right now.
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status != AssessmentStatus.DRAFT:
            raise ValidationFailed(
                "This self-assessment was completed a moment ago; add the action to the next one."
            )
        action = Action.objects.create(
            assessment=locked, principle=principle, what=what, who=who, due_on=due_on
        )
        audit_record(
            actor=actor,
            action=AuditAction.COPRODUCTION_ACTION_ADDED,
            obj=action,
            organisation=assessment.organisation,
            detail={"assessment": str(assessment.uuid), "principle": principle},
        )
    return action


def action_set_status(
    *, actor: User, action: Action, status: str, expected_version: int | None
) -> Action:
    """Move an action to `status` (any status to any other: a dropped action may be revived)."""
    if status not in ActionStatus.values:
        raise ValidationFailed({"status": ["Choose the action's status from the list"]})
    with transaction.atomic():
        locked = lock_versioned(
            Action.objects.select_related("assessment__organisation"),
            action.pk,
            expected_version=expected_version,
            what=f"The action “{action.what}”",
            required=True,
        )
        if locked.status == status:
            return locked
        before = locked.status
        locked.status = status
        save_versioned(locked, update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.COPRODUCTION_ACTION_STATUS_CHANGED,
            obj=locked,
            organisation=locked.assessment.organisation,
            changes={"status": [before, status]},
        )
    return locked
