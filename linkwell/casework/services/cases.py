"""The case: its status machine, complexity, who it is assigned to and when to contact next.

The case status machine (a case is never closed for good, as in the Shropshire social prescribing
business case)::

    new -> contacted -> review booked -> active -> follow-up -> dormant
      \\________\\______________\\___________\\__________/  (any open status may go dormant)
    dormant --case_reopen--> new   (history kept; reopened_at set)

Each move is one named service (`case_mark_contacted`, `case_mark_review_booked`,
`case_mark_active`, `case_mark_follow_up`, `case_make_dormant`, `case_reopen`) that checks the
move against `TRANSITIONS`, bumps the case's version and writes the status-change audit event in
one transaction. Other services that move a case call them: booking a wellbeing review moves
new/contacted to "review booked" (appointments.py), the first attended contact moves "new" to
"contacted" (appointments.py), and a completed follow-up moves "active" to "follow-up"
(followup.py). Recording the first wellbeing review moves the case to "active" (review.py
`case_status_advance`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case, CaseStatus, Complexity
from linkwell.casework.signals import case_contacted
from linkwell.core.concurrency import update_versioned
from linkwell.core.exceptions import ValidationFailed

OPEN_STATUSES = frozenset(
    {
        CaseStatus.NEW,
        CaseStatus.CONTACTED,
        CaseStatus.REVIEW_BOOKED,
        CaseStatus.ACTIVE,
        CaseStatus.FOLLOW_UP,
    }
)

# Allowed moves, by the status a case is in now. A step back (review booked -> contacted when the
# review is cancelled, follow-up -> active when a new goal is worked on) is allowed; skipping the
# first contact is allowed because a person is often contacted and booked in the same call.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.NEW: frozenset({CaseStatus.CONTACTED, CaseStatus.REVIEW_BOOKED, CaseStatus.DORMANT}),
    CaseStatus.CONTACTED: frozenset({CaseStatus.REVIEW_BOOKED, CaseStatus.DORMANT}),
    CaseStatus.REVIEW_BOOKED: frozenset(
        {CaseStatus.CONTACTED, CaseStatus.ACTIVE, CaseStatus.DORMANT}
    ),
    CaseStatus.ACTIVE: frozenset({CaseStatus.FOLLOW_UP, CaseStatus.DORMANT}),
    CaseStatus.FOLLOW_UP: frozenset({CaseStatus.ACTIVE, CaseStatus.DORMANT}),
    # Only case_reopen leaves "dormant", so the reopening is always recorded as such.
    CaseStatus.DORMANT: frozenset(),
}

MAX_REASON_LENGTH = 2_000


def _label(status: str) -> str:
    return str(CaseStatus(status).label).lower()


def _case_bump(case: Case, expected_version: int, **fields: Any) -> None:
    """Write `fields` and increment `version` only if nobody saved the case since
    `expected_version` (a conditional UPDATE, so a concurrent edit is refused, not overwritten)."""
    update_versioned(
        case,
        expected_version=expected_version,
        what=lambda c: f"The case of {c.person.display_name}",
        **fields,
    )
    case.refresh_from_db()


def transition_error(current: str, to: str) -> str | None:
    """The message a user sees for an illegal move, or None when the move is allowed."""
    if to not in CaseStatus.values:
        return f"“{to}” is not a case status"
    if current == to:
        return f"The case is already {_label(current)}"
    if current == CaseStatus.DORMANT:
        return "The case is dormant: reopen it first, then record what happens next"
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(_label(s) for s in TRANSITIONS[current]))
        return (
            f"A case that is {_label(current)} cannot be moved to {_label(to)} "
            f"(it can go to: {allowed})"
        )
    return None


def _case_transition(
    *,
    actor: User | None,
    case: Case,
    to: str,
    expected_version: int,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> Case:
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed({"reason": [f"Use {MAX_REASON_LENGTH:,} characters or fewer"]})
    with transaction.atomic():
        current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).get()
        if (message := transition_error(current, to)) is not None:
            raise ValidationFailed({"status": [message]})
        fields = {"status": to, **(extra or {})}
        _case_bump(case, expected_version, **fields)
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_CASE_STATUS_CHANGED,
            obj=case,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"status": [current, to], **{k: [None, v] for k, v in (extra or {}).items()}},
            detail={"reason": reason} if reason else {},
        )
    return case


def case_mark_contacted(
    *,
    actor: User | None,
    case: Case,
    expected_version: int,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """The person has been reached (a call answered, a message replied to), at `at`: now, unless
    the contact is recorded afterwards (an attended appointment passes its start time)."""
    at = at or timezone.now()
    extra: dict[str, Any] = {}
    if case.first_contact_at is None:
        extra["first_contact_at"] = at
    with transaction.atomic():
        case = _case_transition(
            actor=actor,
            case=case,
            to=CaseStatus.CONTACTED,
            expected_version=expected_version,
            reason=reason,
            extra=extra,
        )
        # Every contact, not just the case's first: a reopened case's new episode is coded too.
        _announce_contact(actor=actor, case=case, at=at)
    return case


def case_mark_review_booked(
    *, actor: User | None, case: Case, expected_version: int, reason: str = ""
) -> Case:
    return _case_transition(
        actor=actor,
        case=case,
        to=CaseStatus.REVIEW_BOOKED,
        expected_version=expected_version,
        reason=reason,
    )


def case_mark_active(
    *, actor: User | None, case: Case, expected_version: int, reason: str = ""
) -> Case:
    return _case_transition(
        actor=actor,
        case=case,
        to=CaseStatus.ACTIVE,
        expected_version=expected_version,
        reason=reason,
    )


def case_mark_follow_up(
    *, actor: User | None, case: Case, expected_version: int, reason: str = ""
) -> Case:
    return _case_transition(
        actor=actor,
        case=case,
        to=CaseStatus.FOLLOW_UP,
        expected_version=expected_version,
        reason=reason,
    )


def case_make_dormant(
    *, actor: User | None, case: Case, expected_version: int, reason: str
) -> Case:
    """Park the case (the person is well, has moved on, or cannot be reached). Never a deletion:
    everything stays and `case_reopen` brings it back. Clears the next-contact date so the case
    leaves the caseload's "contact today" list."""
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why the case is becoming dormant"]})
    return _case_transition(
        actor=actor,
        case=case,
        to=CaseStatus.DORMANT,
        expected_version=expected_version,
        reason=reason,
        extra={"next_contact_due": None},
    )


def case_reopen(*, actor: User | None, case: Case, expected_version: int, reason: str) -> Case:
    """A dormant case comes back (the person returns): status "new", due for contact today, with
    all its history. The referrals app calls this when a returning person is referred again."""
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why the case is being reopened"]})
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed({"reason": [f"Use {MAX_REASON_LENGTH:,} characters or fewer"]})
    with transaction.atomic():
        current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).get()
        if current != CaseStatus.DORMANT:
            raise ValidationFailed(
                {"status": [f"Only a dormant case can be reopened; this one is {_label(current)}"]}
            )
        now = timezone.now()
        _case_bump(
            case,
            expected_version,
            status=CaseStatus.NEW,
            reopened_at=now,
            next_contact_due=timezone.localdate(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_CASE_REOPENED,
            obj=case,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"status": [current, CaseStatus.NEW], "reopened_at": [None, now]},
            detail={"reason": reason},
        )
    return case


def case_set_complexity(
    *, actor: User | None, case: Case, complexity: str, expected_version: int
) -> Case:
    """Simple / moderate / complex (the Shropshire business case's levels); changeable at any
    time, audited."""
    if complexity not in Complexity.values:
        raise ValidationFailed({"complexity": ["Choose simple, moderate or complex"]})
    if complexity == case.complexity:
        return case
    with transaction.atomic():
        before = case.complexity
        _case_bump(case, expected_version, complexity=complexity)
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_CASE_COMPLEXITY_CHANGED,
            obj=case,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"complexity": [before, complexity]},
        )
    return case


def assignable_workers(case_or_team_id: Case | int) -> list[User]:
    """Who a case may be assigned to: active, writable link workers and team managers of the
    case's team (read-only members cannot work a case)."""
    team_id = (
        case_or_team_id.link_worker_service_id
        if isinstance(case_or_team_id, Case)
        else case_or_team_id
    )
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=team_id,
            memberships__is_active=True,
            memberships__read_only=False,
            memberships__role__in=[Role.LINK_WORKER, Role.TEAM_MANAGER],
        )
        .distinct()
        .order_by("full_name", "email")
    )


def case_reassign(
    *,
    actor: User | None,
    case: Case,
    assigned_to: User | None,
    expected_version: int,
    reason: str = "",
) -> Case:
    """Give the case to another worker of the same team (or leave it unassigned for triage)."""
    if assigned_to is not None and assigned_to.pk not in {u.pk for u in assignable_workers(case)}:
        raise ValidationFailed(
            {
                "assigned_to": [
                    f"{assigned_to} is not a link worker in {case.link_worker_service.name} "
                    "who can take cases"
                ]
            }
        )
    if (assigned_to.pk if assigned_to else None) == case.assigned_to_id:
        return case
    with transaction.atomic():
        before = case.assigned_to
        _case_bump(case, expected_version, assigned_to=assigned_to)
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_CASE_REASSIGNED,
            obj=case,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={
                "assigned_to": [
                    str(before.uuid) if before else None,
                    str(assigned_to.uuid) if assigned_to else None,
                ]
            },
            detail={"reason": reason.strip()[:MAX_REASON_LENGTH]} if reason.strip() else {},
        )
    return case


def case_set_next_contact(
    *, actor: User | None, case: Case, next_contact_due: dt.date | None, expected_version: int
) -> Case:
    """When the worker means to contact the person next (shows on the caseload from that day)."""
    today = timezone.localdate()
    if next_contact_due is not None and not (
        today - dt.timedelta(days=366) <= next_contact_due <= today + dt.timedelta(days=731)
    ):
        raise ValidationFailed(
            {"next_contact_due": ["The next contact date must be within two years from today"]}
        )
    if case.status == CaseStatus.DORMANT and next_contact_due is not None:
        raise ValidationFailed(
            {"next_contact_due": ["The case is dormant: reopen it before planning a contact"]}
        )
    with transaction.atomic():
        before = case.next_contact_due
        _case_bump(case, expected_version, next_contact_due=next_contact_due)
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_CASE_NEXT_CONTACT_SET,
            obj=case,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"next_contact_due": [before, next_contact_due]},
        )
    return case


def _announce_contact(*, actor: User | None, case: Case, at: dt.datetime) -> None:
    """Tell the apps above casework that the case was contacted (`signals.case_contacted`), in
    this transaction: the referrals app codes the episode's referrals with SNOMED
    871731000000106 (idempotent on its side)."""
    case_contacted.send(sender=Case, actor=actor, case=case, at=at)
