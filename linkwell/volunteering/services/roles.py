"""A member's roles through the pipeline (models.ROLE_TRANSITIONS; README.md "Role pipeline").

`role_add` opens a role (at enquiry, or at a later stage with a reason when a coordinator brings
in someone who already volunteers); `role_move` moves it one allowed step. Every move writes the
role's history (`RoleStatusChange`) and an audit row in the same transaction. Nobody becomes
active without a valid DBS check and induction and safeguarding adults training
(`checks.check_state`).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.volunteering.checks import check_state
from linkwell.volunteering.models import (
    ROLE_TRANSITIONS,
    CommunityMember,
    Course,
    RoleKind,
    RoleStatus,
    RoleStatusChange,
    VolunteerRole,
)

REASON_LIMIT = 300
REQUIRED_COURSES = (Course.INDUCTION, Course.SAFEGUARDING_ADULTS)


def _clean_reason(reason: str) -> str:
    return " ".join((reason or "").split())


def active_problems(member: CommunityMember) -> list[str]:
    """Why `member` may not become active today (empty when they may)."""
    state = check_state(member.checks.all(), at=timezone.localdate())
    problems: list[str] = []
    if state.dbs is None:
        problems.append("Record a DBS check before making them active")
    elif not state.dbs_valid:
        problems.append(
            f"Their DBS check lapsed on {state.dbs_expires_on:%-d %B %Y}: record a new one "
            "before making them active"
        )
    missing = state.missing_courses(REQUIRED_COURSES)
    if missing:
        names = " and ".join(Course(c).label.lower() for c in missing)
        problems.append(f"Record their {names} training before making them active")
    return problems


def role_add(
    *,
    actor: User,
    member: CommunityMember,
    kind: str,
    status: str = RoleStatus.ENQUIRY,
    reason: str = "",
) -> VolunteerRole:
    """Open a role for `member`: at enquiry, or at another stage (not left) with a reason, for a
    volunteer the coordinator brings in part-way. One open role of each kind at a time."""
    reason = _clean_reason(reason)
    errors: dict[str, list[str]] = {}
    if kind not in RoleKind.values:
        errors["kind"] = ["Choose the role from the list"]
    if status not in RoleStatus.values or status == RoleStatus.LEFT:
        errors["status"] = ["Choose the stage they start at from the list"]
    elif status != RoleStatus.ENQUIRY and not reason:
        errors["reason"] = ["Enter why they start at this stage (for example, already trained)"]
    if len(reason) > REASON_LIMIT:
        errors["reason"] = [f"The reason must be {REASON_LIMIT} characters or fewer"]
    if not errors and status == RoleStatus.ACTIVE:
        problems = active_problems(member)
        if problems:
            errors["status"] = problems
    if not errors and member.roles.filter(kind=kind).exclude(status=RoleStatus.LEFT).exists():
        errors["kind"] = [f"They already have an open {RoleKind(kind).label.lower()} role"]
    if errors:
        raise ValidationFailed(errors)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            role = VolunteerRole.objects.create(
                member=member,
                organisation=member.organisation,
                kind=kind,
                status=status,
                started_on=today,
            )
            RoleStatusChange.objects.create(
                role=role,
                from_status="",
                to_status=status,
                changed_on=today,
                changed_by=actor,
                reason=reason,
            )
            audit_record(
                actor=actor,
                action=AuditAction.VOLUNTEERING_ROLE_ADDED,
                obj=role,
                organisation=member.organisation,
                changes={"status": [None, status]},
                detail={"member": str(member.uuid), "kind": kind, "reason": reason},
            )
    except IntegrityError as exc:  # a colleague opened the same role a moment ago
        raise ValidationFailed(
            {"kind": [f"They already have an open {RoleKind(kind).label.lower()} role"]}
        ) from exc
    return role


def role_move(
    *,
    actor: User,
    role: VolunteerRole,
    to_status: str,
    reason: str = "",
    expected_version: int | None,
) -> VolunteerRole:
    """Move a role one allowed step (ROLE_TRANSITIONS). "left" needs a reason and ends the role
    today; "active" needs a valid DBS check and induction and safeguarding adults training."""
    reason = _clean_reason(reason)
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed(
            {"reason": [f"The reason must be {REASON_LIMIT} characters or fewer"]}
        )
    with transaction.atomic():
        current = lock_versioned(
            VolunteerRole.objects.select_related("member"),
            role.pk,
            expected_version=expected_version,
            what=f"The {role.get_kind_display().lower()} role",
            required=True,
        )
        allowed = ROLE_TRANSITIONS.get(current.status, frozenset())
        if to_status not in allowed:
            shown = RoleStatus(to_status).label if to_status in RoleStatus.values else to_status
            raise ValidationFailed(
                {
                    "to_status": [
                        f"A role at {current.get_status_display().lower()} cannot move to "
                        f"{str(shown).lower()}"
                    ]
                }
            )
        if to_status == RoleStatus.LEFT and not reason:
            raise ValidationFailed({"reason": ["Enter why they are leaving this role"]})
        if to_status == RoleStatus.ACTIVE:
            problems = active_problems(current.member)
            if problems:
                raise ValidationFailed({"to_status": problems})
        today = timezone.localdate()
        before = current.status
        current.status = to_status
        fields = ["status"]
        if to_status == RoleStatus.LEFT:
            current.ended_on = today
            current.left_reason = reason
            fields += ["ended_on", "left_reason"]
        save_versioned(current, update_fields=fields)
        RoleStatusChange.objects.create(
            role=current,
            from_status=before,
            to_status=to_status,
            changed_on=today,
            changed_by=actor,
            reason=reason,
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_ROLE_MOVED,
            obj=current,
            organisation=current.organisation,
            changes={"status": [before, to_status]},
            detail={"member": str(current.member.uuid), "reason": reason},
        )
    return current
