"""The case page: everything it shows in one timeline, and how a case is named without personal
data (the calendar feed, emails, the safeguarding list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.casework.access import is_team_manager
from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    Case,
    CaseNote,
    CaseReferral,
    FollowUp,
    Plan,
    SafeguardingConcern,
    WellbeingReview,
)

if TYPE_CHECKING:
    from linkwell.referrals.models import Referral

SENSITIVE_PLACEHOLDER = "Sensitive note — restricted"


def case_reference(case: Case) -> str:
    """A short reference to name a case without personal data (calendar, emails, phone)."""
    return case.uuid.hex[:8].upper()


def initials(case: Case) -> str:
    person = case.person
    first = (person.preferred_name or person.given_name)[:1]
    return f"{first}{person.family_name[:1]}".upper()


@dataclass
class TimelineItem:
    at: dt.datetime
    # "appointment", "note", "connection", "safeguarding", "follow_up", "referral", "review"
    kind: str
    title: str
    body: str = ""
    restricted: bool = False
    obj: Any = None


@dataclass
class CaseView:
    case: Case
    referrals: list[Referral]
    appointments: list[Appointment]
    upcoming: list[Appointment]
    follow_ups: list[FollowUp]
    concerns: list[tuple[SafeguardingConcern, bool]]
    timeline: list[TimelineItem]
    has_plan: bool
    review_count: int


def case_view(*, user: User, case: Case) -> CaseView:
    """Everything the case page shows, with sensitive notes redacted for this user.

    A fixed number of queries (one per kind of record), whatever the case's history.
    """
    now = timezone.now()
    manager = is_team_manager(user, case)
    referrals = [
        link.referral
        for link in CaseReferral.objects.filter(case=case)
        .select_related("referral__referrer_organisation")
        .prefetch_related("referral__reasons")
        .order_by("-referral__received_at")
    ]
    appointments = list(
        Appointment.objects.filter(case=case)
        .select_related("with_user", "rebooked_from")
        .order_by("-starts_at")
    )
    notes = list(CaseNote.objects.filter(case=case).select_related("author"))
    concerns = list(
        SafeguardingConcern.objects.filter(case=case)
        .select_related("raised_by", "lead")
        .order_by("-created_at")
    )
    follow_ups = list(FollowUp.objects.filter(case=case).order_by("due_on"))
    # The case's connections, through their reverse relation (connections sit above casework).
    connections = list(case.connections.select_related("service").order_by("-created_at"))

    def readable_note(note: CaseNote) -> bool:
        if not note.sensitive:
            return True
        return note.author_id == user.pk or case.assigned_to_id == user.pk or manager

    def readable_concern(concern: SafeguardingConcern) -> bool:
        return (
            concern.raised_by_id == user.pk
            or concern.lead_id == user.pk
            or case.assigned_to_id == user.pk
            or manager
        )

    timeline: list[TimelineItem] = []
    for referral in referrals:
        timeline.append(
            TimelineItem(
                at=referral.received_at,
                kind="referral",
                title=f"Referred by {referral.get_source_display()}"
                + (
                    f" ({referral.referrer_organisation.name})"
                    if referral.referrer_organisation
                    else ""
                ),
                obj=referral,
            )
        )
    for appointment in appointments:
        title = f"{appointment.get_kind_display()}: {appointment.get_outcome_display().lower()}"
        timeline.append(
            TimelineItem(
                at=appointment.starts_at,
                kind="appointment",
                title=title,
                body=appointment.notes,
                obj=appointment,
            )
        )
    for note in notes:
        ok = readable_note(note)
        timeline.append(
            TimelineItem(
                at=note.created_at,
                kind="note",
                title="Sensitive note" if note.sensitive else "Note",
                body=note.text if ok else SENSITIVE_PLACEHOLDER,
                restricted=not ok,
                obj=note,
            )
        )
    concern_rows: list[tuple[SafeguardingConcern, bool]] = []
    for concern in concerns:
        ok = readable_concern(concern)
        concern_rows.append((concern, ok))
        timeline.append(
            TimelineItem(
                at=concern.created_at,
                kind="safeguarding",
                title=f"Safeguarding concern escalated to {concern.lead or 'nobody'}",
                body=concern.description if ok else "Safeguarding concern — restricted",
                restricted=not ok,
                obj=concern,
            )
        )
    for connection in connections:
        timeline.append(
            TimelineItem(
                at=connection.requested_at or connection.created_at,
                kind="connection",
                title=f"{connection.get_kind_display()}: {connection.service}",
                body=connection.get_status_display(),
                obj=connection,
            )
        )
    for follow_up in follow_ups:
        if follow_up.completed_at:
            timeline.append(
                TimelineItem(
                    at=follow_up.completed_at,
                    kind="follow_up",
                    title=f"{follow_up.get_kind_display()} completed",
                    body=follow_up.notes,
                    obj=follow_up,
                )
            )
    reviews = list(WellbeingReview.objects.filter(case=case).order_by("-held_on"))
    for review in reviews:
        timeline.append(
            TimelineItem(
                at=review.created_at,
                kind="review",
                title=f"Wellbeing review held {review.held_on:%-d %B %Y}",
                obj=review,
            )
        )
    timeline.sort(key=lambda item: item.at, reverse=True)
    has_plan = Plan.objects.filter(case=case).exists()
    review_count = len(reviews)
    return CaseView(
        case=case,
        referrals=referrals,
        appointments=appointments,
        upcoming=sorted(
            (
                a
                for a in appointments
                if a.outcome == AppointmentOutcome.BOOKED and a.starts_at >= now
            ),
            key=lambda a: a.starts_at,
        ),
        follow_ups=follow_ups,
        concerns=concern_rows,
        timeline=timeline,
        has_plan=has_plan,
        review_count=review_count,
    )
