"""Recording a follow-up as link workers run it (the 4-week review first, then the check-ins).

What the link worker records, and where it goes:

- how things are going overall (`FollowUp.notes`, required, as before);
- for each goal of the plan, how it is going (a `GoalStatus`) and a line in the person's own
  words (`GoalProgress`); the goal's status on the plan moves with it;
- what changes in the plan: goals added, goals closed (achieved or changed), actions added; the
  plan is changed through `plan.plan_save` (its version check and audit row), and the changes
  are kept on the follow-up (`FollowUp.plan_changes`) as worded then;
- the next contact, a date and a kind: `followup.follow_up_arrange` moves the open follow-up of
  that kind or adds one, and the case's next contact date follows
  (`services.case_set_next_contact`).

The outcome measures due at this point belong to the outcomes app (above casework): the page
offers them through its `{% follow_up_measures %}` template tag, recorded with its own service.

Everything is validated first (every problem at once, keyed by form field), then written in one
transaction with its audit rows, the case's move to "follow-up" and the "outcome" message back
(`followup.follow_up_announce_done`), so the letter carries the goals' progress. A form opened on
an older version of the follow-up (recorded or moved by someone else) or of the plan is refused
with `ConcurrentEditError` and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.casework.followup import (
    follow_up_announce_done,
    follow_up_arrange,
    follow_up_errors,
    follow_up_mark_done,
)
from linkwell.casework.models import (
    Case,
    FollowUp,
    FollowUpKind,
    Goal,
    GoalProgress,
    GoalStatus,
    Plan,
)
from linkwell.casework.plan import (
    MAX_GOAL_LENGTH,
    MAX_OWNER_LENGTH,
    ActionInput,
    GoalInput,
    PlanInput,
    get_plan,
    plan_save,
)
from linkwell.casework.services import case_set_next_contact
from linkwell.core.concurrency import lock_versioned
from linkwell.core.exceptions import ValidationFailed

MAX_WORDS_LENGTH = 500  # GoalProgress.in_their_words
NEXT_CONTACT_WITHIN_DAYS = 731  # services.case_set_next_contact's limit
CLOSED = {GoalStatus.ACHIEVED, GoalStatus.CHANGED}
# The kinds a next contact can be: the 4-week review comes once, from the schedule.
NEXT_CONTACT_KINDS = [
    (kind, label) for kind, label in FollowUpKind.choices if kind != FollowUpKind.REVIEW_4_WEEKS
]


@dataclass
class GoalProgressInput:
    goal_id: uuid.UUID
    status: str
    in_their_words: str = ""


@dataclass
class FollowUpReviewInput:
    completed_on: dt.date
    notes: str
    progress: list[GoalProgressInput] = field(default_factory=list)
    new_goals: list[GoalInput] = field(default_factory=list)
    new_actions: list[ActionInput] = field(default_factory=list)
    next_contact_kind: str = ""
    next_contact_on: dt.date | None = None


def plan_goals(plan: Plan | None) -> list[Goal]:
    """The plan's goals in the order the plan shows them (the form's rows)."""
    return list(plan.goals.order_by("created_at", "pk")) if plan is not None else []


def follow_up_review_errors(
    *, plan: Plan | None, data: FollowUpReviewInput
) -> dict[str, list[str]]:
    """Every problem at once, keyed by the form's field names."""
    errors = follow_up_errors(notes=data.notes, completed_on=data.completed_on)
    today = timezone.localdate()
    goals = plan_goals(plan)
    given = {p.goal_id: p for p in data.progress}
    for n, goal in enumerate(goals, start=1):
        progress = given.get(goal.uuid)
        if progress is None or progress.status not in GoalStatus.values:
            errors[f"goal-{goal.uuid}-status"] = [f"Goal {n}: choose how “{goal.text}” is going"]
        elif len(progress.in_their_words) > MAX_WORDS_LENGTH:
            errors[f"goal-{goal.uuid}-words"] = [
                f"Goal {n}: use {MAX_WORDS_LENGTH} characters or fewer for their words"
            ]
    unknown = set(given) - {goal.uuid for goal in goals}
    if unknown:
        errors["__all__"] = ["A goal is no longer on the plan; reload the page"]
    for n, new_goal in enumerate(data.new_goals, start=1):
        if len(new_goal.text) > MAX_GOAL_LENGTH:
            errors[f"new_goal-{n}-text"] = [
                f"New goal {n}: use {MAX_GOAL_LENGTH} characters or fewer"
            ]
        if new_goal.target_date is not None and new_goal.target_date < today:
            errors[f"new_goal-{n}-target_date"] = [
                f"New goal {n}: the target date must be today or in the future"
            ]
    for n, action in enumerate(data.new_actions, start=1):
        if len(action.text) > MAX_GOAL_LENGTH:
            errors[f"new_action-{n}-text"] = [
                f"New action {n}: use {MAX_GOAL_LENGTH} characters or fewer"
            ]
        if not action.owner.strip():
            errors[f"new_action-{n}-owner"] = [f"New action {n}: say who will do it"]
        elif len(action.owner) > MAX_OWNER_LENGTH:
            errors[f"new_action-{n}-owner"] = [
                f"New action {n}: use {MAX_OWNER_LENGTH} characters or fewer for who will do it"
            ]
        if action.due_on is not None and action.due_on < today:
            errors[f"new_action-{n}-due_on"] = [
                f"New action {n}: the due date must be today or later"
            ]
    kind, on = data.next_contact_kind, data.next_contact_on
    if kind and kind not in dict(NEXT_CONTACT_KINDS):
        errors["next_contact_kind"] = ["Choose what the next contact is"]
    elif on is not None and not kind:
        errors["next_contact_kind"] = ["Choose what the next contact is, or clear its date"]
    if kind and on is None:
        errors["next_contact_on"] = ["Enter the date of the next contact, or choose none"]
    elif on is not None and on <= max(data.completed_on, today - dt.timedelta(days=1)):
        errors["next_contact_on"] = ["The next contact must be after today and this conversation"]
    elif on is not None and on > today + dt.timedelta(days=NEXT_CONTACT_WITHIN_DAYS):
        errors["next_contact_on"] = ["The next contact must be within two years from today"]
    return errors


def _plan_input(plan: Plan | None, data: FollowUpReviewInput) -> PlanInput:
    statuses = {p.goal_id: p.status for p in data.progress}
    goals = [
        GoalInput(
            id=goal.uuid,
            text=goal.text,
            target_date=goal.target_date,
            status=statuses.get(goal.uuid, goal.status),
        )
        for goal in plan_goals(plan)
    ]
    actions = (
        [
            ActionInput(
                id=action.uuid,
                text=action.text,
                owner=action.owner,
                due_on=action.due_on,
                done=action.done_at is not None,
            )
            for action in plan.actions.order_by("created_at", "pk")
        ]
        if plan is not None
        else []
    )
    return PlanInput(
        moving_forward=plan.moving_forward if plan is not None else "",
        goals=goals + data.new_goals,
        actions=actions + data.new_actions,
    )


def follow_up_review_record(
    *,
    actor: User | None,
    follow_up: FollowUp,
    data: FollowUpReviewInput,
    expected_version: int | None,
    plan_version: int | None,
) -> FollowUp:
    """Record the follow-up with its structure (see the module docstring). `expected_version`
    and `plan_version` are the follow-up's and the plan's versions the form was opened on
    (`plan_version` None: there was no plan)."""
    case = follow_up.case
    plan = get_plan(case)
    errors = follow_up_review_errors(plan=plan, data=data)
    if errors:
        raise ValidationFailed(errors)
    goals = plan_goals(plan)
    given = {p.goal_id: p for p in data.progress}
    changes: dict[str, list[str]] = {
        "goals_added": [g.text.strip() for g in data.new_goals],
        "goals_closed": [
            goal.text
            for goal in goals
            if given[goal.uuid].status in CLOSED and goal.status not in CLOSED
        ],
        "actions_added": [a.text.strip() for a in data.new_actions],
    }
    with transaction.atomic():
        follow_up_mark_done(
            actor=actor,
            follow_up=follow_up,
            notes=data.notes,
            completed_on=data.completed_on,
            expected_version=expected_version,
            detail={
                "goals": {str(g.uuid): given[g.uuid].status for g in goals},
                "plan_changes": {key: len(value) for key, value in changes.items()},
                "next_contact": [data.next_contact_kind, data.next_contact_on],
            },
        )
        GoalProgress.objects.bulk_create(
            GoalProgress(
                follow_up=follow_up,
                goal=goal,
                goal_text=goal.text,
                status=given[goal.uuid].status,
                in_their_words=given[goal.uuid].in_their_words.strip(),
            )
            for goal in goals
        )
        moved = any(given[goal.uuid].status != goal.status for goal in goals)
        if moved or data.new_goals or data.new_actions:
            # The plan's own service: its version check (a plan edited since the form was
            # opened refuses the whole review), its validation and its audit row.
            plan_save(
                actor=actor,
                case=case,
                data=_plan_input(plan, data),
                expected_version=plan_version if plan is not None else None,
            )
        elif plan is not None:
            lock_versioned(
                Plan, plan.pk, expected_version=plan_version, what="This plan", required=True
            )
        next_follow_up = None
        if data.next_contact_kind and data.next_contact_on is not None:
            next_follow_up = follow_up_arrange(
                actor=actor, case=case, kind=data.next_contact_kind, due_on=data.next_contact_on
            )
        FollowUp.objects.filter(pk=follow_up.pk).update(
            plan_changes={key: value for key, value in changes.items() if value},
            next_follow_up=next_follow_up,
        )
        follow_up.refresh_from_db()
        follow_up_announce_done(actor=actor, follow_up=follow_up)
        if next_follow_up is not None:
            current = lock_versioned(Case, case.pk, expected_version=None, what="The case")
            case_set_next_contact(
                actor=actor,
                case=current,
                next_contact_due=next_follow_up.due_on,
                expected_version=current.version,
            )
    return follow_up


@dataclass(frozen=True)
class FollowUpRecord:
    """A recorded follow-up as its page shows it. `structured` is False for follow-ups recorded
    as free text before goal progress was kept: the page then shows their notes as written."""

    follow_up: FollowUp
    progress: list[GoalProgress]
    plan_changes: dict[str, Any]
    next_follow_up: FollowUp | None

    @property
    def structured(self) -> bool:
        return bool(self.progress or self.plan_changes or self.next_follow_up)


def follow_up_record(follow_up: FollowUp) -> FollowUpRecord:
    """The recorded follow-up's parts (the case is access-checked by the caller). Two queries."""
    next_follow_up = (
        FollowUp.objects.filter(pk=follow_up.next_follow_up_id).first()
        if follow_up.next_follow_up_id
        else None
    )
    return FollowUpRecord(
        follow_up=follow_up,
        progress=list(GoalProgress.objects.filter(follow_up=follow_up).order_by("pk")),
        plan_changes=dict(follow_up.plan_changes or {}),
        next_follow_up=next_follow_up,
    )
