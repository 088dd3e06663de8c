"""The personalised plan (after the Halton model): goals in the person's words, actions, "moving
forward".

- `plan_save` writes the whole plan from the edit form with an optimistic version check: if
  someone saved (or ticked an action) after the form was opened, nothing is written and the user
  is told to reload. Goals and actions left off the form are removed (audited).
- `plan_agree` records the day the person agreed it, creates the follow-up schedule
  (followup.py) and writes the "plan agreed" message back.
- `action_set_done` ticks an action; it bumps the plan's version so an open edit form cannot
  silently untick it.
- `plan_send_to_person` emails the plain-language plan if the person has an email address and
  agreed to be contacted; otherwise it marks the plan for posting (a case note) — audited either
  way. `plan_print_context` feeds the large-print page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff
from linkwell.casework.followup import follow_up_schedule_create, follow_ups_for_case
from linkwell.casework.message_back import latest_referral, message_back_record
from linkwell.casework.models import (
    Action,
    Case,
    CaseNote,
    Goal,
    GoalStatus,
    MessageBack,
    Plan,
)
from linkwell.casework.review import reviews_for_case
from linkwell.core import notify
from linkwell.core.concurrency import update_versioned
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed

MAX_GOAL_LENGTH = 500
MAX_OWNER_LENGTH = 100


@dataclass
class GoalInput:
    text: str
    target_date: dt.date | None = None
    status: str = GoalStatus.NOT_STARTED
    id: uuid.UUID | None = None


@dataclass
class ActionInput:
    text: str
    owner: str
    due_on: dt.date | None = None
    done: bool = False
    id: uuid.UUID | None = None


@dataclass
class PlanInput:
    moving_forward: str = ""
    goals: list[GoalInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)


def get_plan(case: Case) -> Plan | None:
    return Plan.objects.filter(case=case).first()


def plan_errors(plan: Plan | None, data: PlanInput) -> dict[str, list[str]]:
    """Every problem at once, keyed `goal-<n>-<field>` / `action-<n>-<field>` (1-based rows)."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    goals = {g.uuid: g for g in plan.goals.all()} if plan else {}
    actions = {a.uuid: a for a in plan.actions.all()} if plan else {}
    for n, goal in enumerate(data.goals, start=1):
        if goal.id is not None and goal.id not in goals:
            errors[f"goal-{n}-text"] = [f"Goal {n} is no longer on this plan; reload the page"]
            continue
        if not goal.text.strip():
            errors[f"goal-{n}-text"] = [f"Goal {n}: enter the goal in the person's words"]
        elif len(goal.text) > MAX_GOAL_LENGTH:
            errors[f"goal-{n}-text"] = [f"Goal {n}: use {MAX_GOAL_LENGTH} characters or fewer"]
        if goal.status not in GoalStatus.values:
            errors[f"goal-{n}-status"] = [f"Goal {n}: choose a status"]
        old = goals.get(goal.id) if goal.id else None
        changed = old is None or old.target_date != goal.target_date
        if goal.target_date is not None and changed and goal.target_date < today:
            errors[f"goal-{n}-target_date"] = [
                f"Goal {n}: the target date must be today or in the future"
            ]
    for n, action in enumerate(data.actions, start=1):
        if action.id is not None and action.id not in actions:
            errors[f"action-{n}-text"] = [f"Action {n} is no longer on this plan; reload the page"]
            continue
        if not action.text.strip():
            errors[f"action-{n}-text"] = [f"Action {n}: say what will be done"]
        elif len(action.text) > MAX_GOAL_LENGTH:
            errors[f"action-{n}-text"] = [f"Action {n}: use {MAX_GOAL_LENGTH} characters or fewer"]
        if not action.owner.strip():
            errors[f"action-{n}-owner"] = [f"Action {n}: say who will do it"]
        elif len(action.owner) > MAX_OWNER_LENGTH:
            errors[f"action-{n}-owner"] = [
                f"Action {n}: use {MAX_OWNER_LENGTH} characters or fewer for who will do it"
            ]
        old_action = actions.get(action.id) if action.id else None
        moved = old_action is None or old_action.due_on != action.due_on
        if action.due_on is not None and moved and action.due_on < today:
            errors[f"action-{n}-due_on"] = [f"Action {n}: the due date must be today or later"]
    return errors


def _plan_snapshot(plan: Plan) -> dict[str, Any]:
    return {
        "moving_forward": plan.moving_forward,
        "goals": [
            [str(g.uuid), g.text, g.target_date, g.status]
            for g in plan.goals.order_by("created_at", "pk")
        ],
        "actions": [
            [str(a.uuid), a.text, a.owner, a.due_on, a.done_at is not None]
            for a in plan.actions.order_by("created_at", "pk")
        ],
    }


def _bump(plan: Plan, expected_version: int, **fields: Any) -> None:
    update_versioned(plan, expected_version=expected_version, what="This plan", **fields)


def _write_rows(plan: Plan, data: PlanInput) -> None:
    now = timezone.now()
    keep_goals = [g.id for g in data.goals if g.id]
    keep_actions = [a.id for a in data.actions if a.id]
    plan.goals.exclude(uuid__in=keep_goals).delete()
    plan.actions.exclude(uuid__in=keep_actions).delete()
    for goal in data.goals:
        values = {
            "text": goal.text.strip(),
            "target_date": goal.target_date,
            "status": goal.status,
        }
        if goal.id:
            Goal.objects.filter(plan=plan, uuid=goal.id).update(updated_at=now, **values)
        else:
            Goal.objects.create(plan=plan, **values)
    done_before: dict[uuid.UUID | None, dt.datetime | None] = dict(
        plan.actions.values_list("uuid", "done_at")
    )
    for action in data.actions:
        done_at = (done_before.get(action.id) or now) if action.done else None
        values = {
            "text": action.text.strip(),
            "owner": action.owner.strip(),
            "due_on": action.due_on,
            "done_at": done_at,
        }
        if action.id:
            Action.objects.filter(plan=plan, uuid=action.id).update(updated_at=now, **values)
        else:
            Action.objects.create(plan=plan, **values)


def plan_save(
    *, actor: User | None, case: Case, data: PlanInput, expected_version: int | None
) -> Plan:
    """Create or replace the plan. `expected_version` None means "there was no plan yet"."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(case=case).first()
        if plan is not None and expected_version is None:
            raise ConcurrentEditError("This plan")
        errors = plan_errors(plan, data)
        if errors:
            raise ValidationFailed(errors)
        if plan is None:
            try:
                with transaction.atomic():
                    plan = Plan.objects.create(
                        case=case, moving_forward=data.moving_forward.strip()
                    )
            except IntegrityError as exc:  # someone created it in between
                raise ConcurrentEditError("This plan") from exc
            before: dict[str, Any] = {"moving_forward": "", "goals": [], "actions": []}
        else:
            assert expected_version is not None
            before = _plan_snapshot(plan)
            _bump(plan, expected_version, moving_forward=data.moving_forward.strip())
        _write_rows(plan, data)
        plan.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_PLAN_SAVED,
            obj=plan,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes=diff(before, _plan_snapshot(plan)),
        )
    return plan


def plan_agree(
    *, actor: User | None, plan: Plan, agreed_on: dt.date, expected_version: int
) -> Plan:
    """The person agreed the plan: date it, schedule follow-ups, tell the referrer."""
    case = plan.case
    today = timezone.localdate()
    if agreed_on > today:
        raise ValidationFailed({"agreed_on": ["The date agreed must be today or in the past"]})
    if agreed_on < timezone.localdate(case.opened_at):
        raise ValidationFailed(
            {"agreed_on": ["The date agreed must be on or after the day the case was opened"]}
        )
    if not plan.goals.exists():
        raise ValidationFailed({"agreed_on": ["Add at least one goal before the plan is agreed"]})
    with transaction.atomic():
        before = plan.agreed_on
        _bump(plan, expected_version, agreed_on=agreed_on)
        plan.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_PLAN_AGREED,
            obj=plan,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"agreed_on": [before, agreed_on]},
        )
        follow_up_schedule_create(actor=actor, case=case, start=agreed_on)
        message_back_record(actor=actor, case=case, stage=MessageBack.Stage.PLAN_AGREED)
    return plan


def action_set_done(
    *, actor: User | None, plan: Plan, action_id: uuid.UUID, done: bool, expected_version: int
) -> Action:
    action = plan.actions.filter(uuid=action_id).first()
    if action is None:
        raise Http404("No such action")
    with transaction.atomic():
        _bump(plan, expected_version)
        before = action.done_at
        action.done_at = (before or timezone.now()) if done else None
        action.save(update_fields=["done_at", "updated_at"])
        audit_record(
            actor=actor,
            action=(
                AuditAction.CASEWORK_PLAN_ACTION_DONE
                if done
                else AuditAction.CASEWORK_PLAN_ACTION_REOPENED
            ),
            obj=action,
            organisation=plan.case.link_worker_service,
            person_id=str(plan.case.person.uuid),
            changes={"done_at": [before, action.done_at]},
        )
    return action


# --- Printing and sending to the person --------------------------------------------------------


def plan_print_context(case: Case, plan: Plan | None) -> dict[str, Any]:
    """Everything the plain-language page (and the email) shows. No staff-only notes."""
    review = reviews_for_case(case).first()
    return {
        "case": case,
        "person": case.person,
        "plan": plan,
        "goals": list(plan.goals.order_by("created_at", "pk")) if plan else [],
        "actions": list(plan.actions.order_by("due_on", "created_at")) if plan else [],
        "review": review,
        "strengths": list(review.strengths.all()) if review else [],
        "follow_ups": list(follow_ups_for_case(case).filter(completed_at__isnull=True)),
        "service": case.link_worker_service,
        "link_worker": case.assigned_to,
    }


@dataclass(frozen=True)
class SendResult:
    method: str  # "email", "letter" (posted by GOV.UK Notify) or "post" (print and post it)
    to: str  # email address, or the postal address for the letter
    # False when the email did not leave Linkwell (the development backend); `outcome` says why.
    sent: bool = True
    outcome: str = "sent"


def _postal_address(case: Case) -> str:
    person = case.person
    parts = [person.address_line_1, person.address_line_2, person.town, person.postcode]
    return ", ".join(p for p in parts if p)


def plan_send_to_person(*, actor: User | None, plan: Plan) -> SendResult:
    """Email the plan if the person has an address and agreed to contact; else mark for post."""
    case = plan.case
    person = case.person
    if not plan.goals.exists():
        raise ValidationFailed("Add at least one goal before sending the plan.")
    referral = latest_referral(case)
    consented = referral is not None and referral.consent_to_contact
    if person.email and consented:
        return _plan_notify(
            actor=actor, plan=plan, channel=notify.EMAIL, to=person.email, shown_to=person.email
        )
    address = _postal_address(case)
    if not address:
        raise ValidationFailed(
            "There is no email address the person agreed to, and no postal address: "
            "add one to their record, or print the plan and give it to them."
        )
    if consented and notify.can_send(notify.LETTER):
        return _plan_send_letter(actor=actor, plan=plan)
    with transaction.atomic():
        CaseNote.objects.create(
            case=case,
            author=actor,
            text=(
                f"Plan (version {plan.version}) to be printed and posted to {address}"
                + ("." if consented else " (no consent to email).")
            ),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_PLAN_MARKED_FOR_POST,
            obj=plan,
            organisation=case.link_worker_service,
            person_id=str(person.uuid),
            detail={"method": "post", "plan_version": plan.version},
        )
    return SendResult(method="post", to=address)


def _plan_send_letter(*, actor: User | None, plan: Plan) -> SendResult:
    """The plan as a letter GOV.UK Notify prints and posts (when the backend sends letters)."""
    person = plan.case.person
    lines = [
        f"{person.given_name} {person.family_name}",
        person.address_line_1,
        person.address_line_2,
        person.town,
        person.postcode,
    ]
    return _plan_notify(
        actor=actor,
        plan=plan,
        channel=notify.LETTER,
        to="\n".join(line for line in lines if line),
        shown_to=_postal_address(plan.case),
    )


def _plan_notify(
    *, actor: User | None, plan: Plan, channel: notify.NotifyChannel, to: str, shown_to: str
) -> SendResult:
    """Send the plan by email or letter and audit what happened. Raises NotifyError (nothing
    recorded) if the address is unusable or the service refuses it."""
    case = plan.case
    person = case.person
    method = "email" if channel == notify.EMAIL else "letter"
    result = notify.notify(
        channel=channel,
        to=to,
        subject=f"Your plan with {case.link_worker_service.name}",
        body=notify.render_text("casework/plan_email.txt", plan_print_context(case, plan)),
        kind=notify.MessageKind.PLAN,
        person_id=person.pk,
        about=f"{plan._meta.label_lower}:{plan.uuid}",
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=(
                AuditAction.CASEWORK_PLAN_SENT
                if result.sent
                else AuditAction.CASEWORK_PLAN_NOT_SENT
            ),
            obj=plan,
            organisation=case.link_worker_service,
            person_id=str(person.uuid),
            detail={
                "method": method,
                "plan_version": plan.version,
                "outcome": result.outcome,
                "reference": result.reference,
            },
        )
    return SendResult(method=method, to=shown_to, sent=result.sent, outcome=result.outcome)
