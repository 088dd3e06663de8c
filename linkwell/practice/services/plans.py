"""Practice action plan writes: adding an agreed action, and reviewing it (a dated review with
the status it found and notes; the action's status changes only this way, so its history is
the list of its reviews). Atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.practice.models import (
    ActionStatus,
    PracticeAction,
    PracticeActionReview,
)

MAX_TEXT = 10_000


def practice_action_add(
    *,
    actor: User,
    practice: Organisation,
    title: str,
    owner: str,
    due_on: dt.date | None,
    why: str = "",
) -> PracticeAction:
    title, owner, why = title.strip(), owner.strip(), why.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Enter the action"]
    elif len(title) > 300:
        errors["title"] = ["Use 300 characters or fewer"]
    if not owner:
        errors["owner"] = ["Say who owns the action"]
    elif len(owner) > 200:
        errors["owner"] = ["Use 200 characters or fewer"]
    if len(why) > MAX_TEXT:
        errors["why"] = [f"Use {MAX_TEXT:,} characters or fewer"]
    if due_on is None:
        errors["due_on"] = ["Enter the due date"]
    elif due_on < timezone.localdate():
        errors["due_on"] = ["The due date must be today or later"]
    if errors:
        raise ValidationFailed(errors)
    assert due_on is not None
    with transaction.atomic():
        action = PracticeAction.objects.create(
            practice=practice, title=title, owner=owner, due_on=due_on, why=why, created_by=actor
        )
        audit_record(
            actor=actor,
            action=AuditAction.PRACTICE_ACTION_ADDED,
            obj=action,
            organisation=practice,
            detail={"owner": owner, "due_on": due_on.isoformat()},
        )
    return action


def practice_action_review(
    *,
    actor: User,
    action: PracticeAction,
    reviewed_on: dt.date | None,
    status: str,
    notes: str,
) -> PracticeActionReview:
    notes = notes.strip()
    errors: dict[str, list[str]] = {}
    if status not in ActionStatus.values:
        errors["status"] = ["Choose a status"]
    if not notes:
        errors["notes"] = ["Enter what the review found"]
    elif len(notes) > MAX_TEXT:
        errors["notes"] = [f"Use {MAX_TEXT:,} characters or fewer"]
    if reviewed_on is None:
        errors["reviewed_on"] = ["Enter the review date"]
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = ["The review date cannot be in the future"]
    elif reviewed_on < timezone.localtime(action.created_at).date():
        errors["reviewed_on"] = ["The review date cannot be before the action was agreed"]
    if errors:
        raise ValidationFailed(errors)
    assert reviewed_on is not None
    with transaction.atomic():
        locked = PracticeAction.objects.select_for_update().get(pk=action.pk)
        before = locked.status
        review = PracticeActionReview.objects.create(
            action=locked, reviewed_on=reviewed_on, status=status, notes=notes, recorded_by=actor
        )
        latest = locked.reviews.order_by("-reviewed_on", "-created_at").first()
        # A review dated before a later one is history: the latest review sets the status.
        if latest is not None and latest.pk == review.pk:
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.PRACTICE_ACTION_REVIEWED,
            obj=locked,
            organisation=locked.practice,
            changes={"status": [before, locked.status]},
            detail={"reviewed_on": reviewed_on.isoformat()},
        )
    return review
