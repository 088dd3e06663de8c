"""A worker's caseload: their open cases, the work of the day first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from linkwell.accounts.models import Membership, User
from linkwell.casework.access import case_team_ids
from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    Case,
    CaseReferral,
    CaseStatus,
    FollowUp,
    SafeguardingConcern,
    Urgency,
)
from linkwell.casework.selectors.teams import managed_team_ids


@dataclass
class CaseloadRow:
    case: Case
    referred_at: dt.datetime | None
    waiting_days: int | None
    urgency: str
    safeguarding: bool
    interpreter: bool
    follow_up_due: bool
    overdue_follow_ups: int
    next_follow_up_on: dt.date | None
    next_appointment_at: dt.datetime | None
    needs_contact_today: bool

    @property
    def is_new(self) -> bool:
        return self.case.status == CaseStatus.NEW


@dataclass
class Caseload:
    worker: User
    today: dt.date
    rows: list[CaseloadRow]

    @property
    def new(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.is_new]

    @property
    def contact_today(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.needs_contact_today]

    @property
    def overdue(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.overdue_follow_ups]


_URGENCY_RANK: dict[str, int] = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


def _annotated_cases(team_ids: list[int], today: dt.date, now: dt.datetime) -> QuerySet[Case]:
    # A case's referrals, read through casework's own link table (referrals sit above casework).
    latest_referral = CaseReferral.objects.filter(case=OuterRef("pk")).order_by(
        "-referral__received_at"
    )
    open_follow_ups = FollowUp.objects.filter(case=OuterRef("pk"), completed_at__isnull=True)
    overdue_count = (
        open_follow_ups.filter(due_on__lt=today)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Case.objects.filter(link_worker_service_id__in=team_ids)
        .select_related("person", "assigned_to")
        .annotate(
            referred_at=Subquery(latest_referral.values("referral__received_at")[:1]),
            urgency=Subquery(latest_referral.values("referral__urgency")[:1]),
            referral_safeguarding=Exists(
                CaseReferral.objects.filter(
                    case=OuterRef("pk"), referral__safeguarding_concern=True
                )
            ),
            open_concern=Exists(
                SafeguardingConcern.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
            ),
            follow_up_due=Exists(open_follow_ups.filter(due_on__lte=today)),
            overdue_follow_ups=Coalesce(
                Subquery(overdue_count, output_field=IntegerField()), Value(0)
            ),
            next_follow_up_on=Subquery(open_follow_ups.order_by("due_on").values("due_on")[:1]),
            next_appointment_at=Subquery(
                Appointment.objects.filter(
                    case=OuterRef("pk"),
                    outcome=AppointmentOutcome.BOOKED,
                    starts_at__gte=now,
                )
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
        )
    )


def _row(case: Any, today: dt.date) -> CaseloadRow:
    referred_at = case.referred_at or case.opened_at
    waiting_days: int | None = None
    if referred_at is not None:
        # Waiting time since referral: until the first contact, or until today if none yet.
        end = (
            timezone.localdate(case.first_contact_at)
            if case.first_contact_at and case.first_contact_at >= referred_at
            else today
        )
        waiting_days = max(0, (end - timezone.localdate(referred_at)).days)
    follow_up_due = bool(case.follow_up_due)
    return CaseloadRow(
        case=case,
        referred_at=referred_at,
        waiting_days=waiting_days,
        urgency=case.urgency or "",
        safeguarding=bool(case.referral_safeguarding or case.open_concern),
        interpreter=bool(case.person.interpreter_needed),
        follow_up_due=follow_up_due,
        overdue_follow_ups=int(case.overdue_follow_ups or 0),
        next_follow_up_on=case.next_follow_up_on,
        next_appointment_at=case.next_appointment_at,
        needs_contact_today=follow_up_due
        or (case.next_contact_due is not None and case.next_contact_due <= today),
    )


def caseload_for_worker(
    *, user: User, worker: User, today: dt.date | None = None, now: dt.datetime | None = None
) -> Caseload:
    """The open (not dormant) cases assigned to `worker` in the teams `user` works in.

    One query, whatever the caseload's size. Sorted so the work of the day comes first: cases
    needing contact, then by urgency, then by the longest wait.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    cases = (
        _annotated_cases(case_team_ids(user), today, now)
        .filter(assigned_to=worker)
        .exclude(status=CaseStatus.DORMANT)
    )
    rows = [_row(case, today) for case in cases]
    rows.sort(
        key=lambda r: (
            not r.needs_contact_today,
            _URGENCY_RANK.get(r.urgency, 3),
            -(r.waiting_days or 0),
        )
    )
    return Caseload(worker=worker, today=today, rows=rows)


def worker_visible_to(user: User, worker: User) -> bool:
    """A user sees their own caseload; a team manager also their team members' caseloads."""
    if worker.pk == user.pk:
        return True
    return Membership.objects.filter(
        user=worker, is_active=True, organisation_id__in=managed_team_ids(user)
    ).exists()


def has_caseload(user: User) -> bool:
    """Whether the Caseload page means anything to this user (a link-worker team member)."""
    return bool(case_team_ids(user))
