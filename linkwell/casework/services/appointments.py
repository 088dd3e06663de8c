"""Contacts and appointments: booking, recording the outcome, rebooking.

Booking a wellbeing review moves a new or contacted case to "review booked", and the first
attended contact sets the case's first contact and moves a new case to "contacted", each through
the case's own status service (cases.py) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import (
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    Case,
    CaseStatus,
)
from linkwell.casework.services.cases import (
    _announce_contact,
    assignable_workers,
    case_mark_contacted,
    case_mark_review_booked,
)
from linkwell.core.concurrency import bump_versions, lock_versioned, update_versioned
from linkwell.core.exceptions import ValidationFailed

DEFAULT_DURATION_MINUTES: dict[str, int] = {
    AppointmentKind.WELLBEING_REVIEW: 45,  # Halton's 45-minute wellbeing review
    AppointmentKind.FOLLOW_UP: 30,
    AppointmentKind.PHONE: 15,
    AppointmentKind.HOME_VISIT: 60,
    AppointmentKind.GROUP_SESSION: 90,
}
MAX_DURATION_MINUTES = 8 * 60
MAX_VENUE_LENGTH = 200
# Contacts may be recorded after the event (a phone call written up later), but not far back.
MAX_DAYS_BACK = 90
MAX_DAYS_AHEAD = 366


def _appointment_errors(
    *, kind: str, starts_at: dt.datetime | None, duration_minutes: int, venue: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in AppointmentKind.values:
        errors["kind"] = ["Choose the kind of contact"]
    if starts_at is None:
        errors["starts_at"] = ["Enter the date and time"]
    elif timezone.is_naive(starts_at):
        raise ValueError("starts_at must be timezone-aware")
    else:
        now = timezone.now()
        if starts_at < now - dt.timedelta(days=MAX_DAYS_BACK):
            errors["starts_at"] = [
                f"The date must be within the last {MAX_DAYS_BACK} days or in the future"
            ]
        elif starts_at > now + dt.timedelta(days=MAX_DAYS_AHEAD):
            errors["starts_at"] = ["The date must be within a year from today"]
    if not 5 <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = [
            f"The length must be between 5 and {MAX_DURATION_MINUTES} minutes"
        ]
    if len(venue) > MAX_VENUE_LENGTH:
        errors["venue"] = [f"Use {MAX_VENUE_LENGTH} characters or fewer for the venue"]
    return errors


def appointment_book(
    *,
    actor: User | None,
    case: Case,
    kind: str,
    starts_at: dt.datetime | None,
    duration_minutes: int | None = None,
    venue: str = "",
    with_user: User | None = None,
    notes: str = "",
    rebooked_from: Appointment | None = None,
) -> Appointment:
    """Book a contact. A wellbeing review moves a new or contacted case to "review booked"."""
    venue = venue.strip()
    if duration_minutes is None:
        duration_minutes = DEFAULT_DURATION_MINUTES.get(kind, 45)
    errors = _appointment_errors(
        kind=kind, starts_at=starts_at, duration_minutes=duration_minutes, venue=venue
    )
    if with_user is not None and with_user.pk not in {u.pk for u in assignable_workers(case)}:
        errors["with_user"] = [f"{with_user} is not a link worker in this case's team"]
    if errors:
        raise ValidationFailed(errors)
    assert starts_at is not None  # _appointment_errors refused a missing time
    with_user = with_user or case.assigned_to or actor
    with transaction.atomic():
        # Locked until the booking commits, so the move to "review booked" below starts from the
        # status read here (a row lock on PostgreSQL; SQLite runs write transactions one at a
        # time) and the version it passes on is current.
        locked = lock_versioned(Case, case.pk, expected_version=None, what="The case")
        status = locked.status
        if status == CaseStatus.DORMANT:
            raise ValidationFailed(
                {"status": ["The case is dormant: reopen it before booking a contact"]}
            )
        appointment = Appointment.objects.create(
            case=case,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            venue=venue,
            with_user=with_user,
            notes=notes.strip(),
            rebooked_from=rebooked_from,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_APPOINTMENT_BOOKED,
            obj=appointment,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={
                "kind": kind,
                "starts_at": starts_at,
                "duration_minutes": duration_minutes,
                "with_user": str(with_user.uuid) if with_user else None,
                "rebooked_from": str(rebooked_from.uuid) if rebooked_from else None,
            },
        )
        if kind == AppointmentKind.WELLBEING_REVIEW and status in {
            CaseStatus.NEW,
            CaseStatus.CONTACTED,
        }:
            # The case's own status service: the transition check, the version bump (any open
            # edit form of the case then refuses stale data) and the status-change audit event.
            case_mark_review_booked(
                actor=actor,
                case=case,
                expected_version=locked.version,
                reason="wellbeing review booked",
            )
        case.refresh_from_db()
    return appointment


def appointment_record_outcome(
    *,
    actor: User | None,
    appointment: Appointment,
    outcome: str,
    expected_version: int,
    notes: str = "",
) -> Appointment:
    """Attended / did not attend / cancelled. The first attended contact of a case sets
    `first_contact_at`, moves a new case to "contacted" and codes the referral (SNOMED)."""
    case = appointment.case
    if outcome not in {
        AppointmentOutcome.ATTENDED,
        AppointmentOutcome.DID_NOT_ATTEND,
        AppointmentOutcome.CANCELLED,
    }:
        raise ValidationFailed({"outcome": ["Choose attended, did not attend or cancelled"]})
    if outcome != AppointmentOutcome.CANCELLED and appointment.starts_at > timezone.now():
        label = AppointmentOutcome(outcome).label.lower()
        raise ValidationFailed(
            {"outcome": [f"This contact has not happened yet, so it cannot be “{label}”"]}
        )
    first_contact = False
    announced = False
    with transaction.atomic():
        before = appointment.outcome
        if before != AppointmentOutcome.BOOKED:
            raise ValidationFailed(
                {
                    "outcome": [
                        "The outcome was already recorded as "
                        f"“{AppointmentOutcome(before).label.lower()}”"
                    ]
                }
            )
        fields: dict[str, Any] = {"outcome": outcome}
        if notes.strip():
            fields["notes"] = "\n\n".join(p for p in (appointment.notes, notes.strip()) if p)
        update_versioned(
            appointment, expected_version=expected_version, what="This appointment", **fields
        )
        appointment.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_APPOINTMENT_OUTCOME_RECORDED,
            obj=appointment,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"outcome": [before, outcome]},
        )
        if outcome == AppointmentOutcome.ATTENDED:
            # Conditional UPDATE: two contacts recorded at once set the first contact only once.
            first_contact = bool(
                bump_versions(
                    Case.objects.filter(pk=case.pk, first_contact_at__isnull=True),
                    first_contact_at=appointment.starts_at,
                )
            )
            if first_contact:
                audit_record(
                    actor=actor,
                    action=AuditAction.CASEWORK_CASE_FIRST_CONTACT,
                    obj=case,
                    organisation=case.link_worker_service,
                    person_id=str(case.person.uuid),
                    changes={"first_contact_at": [None, appointment.starts_at]},
                )
                # The UPDATE above holds the case's row until commit, so the status read here
                # is the one the move starts from.
                case.refresh_from_db()
                if case.status == CaseStatus.NEW:
                    # The case's own status service, which also announces the contact.
                    case_mark_contacted(
                        actor=actor,
                        case=case,
                        expected_version=case.version,
                        reason="first contact attended",
                        at=appointment.starts_at,
                    )
                    announced = True
            # Idempotent on the referrals side: codes only episodes not yet contacted, so a
            # reopened case's new referral is coded at its first attended contact.
            if not announced:
                _announce_contact(actor=actor, case=case, at=appointment.starts_at)
    return appointment


def appointment_rebook(
    *,
    actor: User | None,
    appointment: Appointment,
    starts_at: dt.datetime | None,
    expected_version: int,
    venue: str | None = None,
    duration_minutes: int | None = None,
) -> Appointment:
    """A new appointment in place of one that did not happen, linked by `rebooked_from`.
    A still-booked appointment is cancelled as part of moving it."""
    case = appointment.case
    with transaction.atomic():
        current = lock_versioned(
            Appointment, appointment.pk, expected_version=expected_version, what="This appointment"
        )
        if current.outcome == AppointmentOutcome.ATTENDED:
            raise ValidationFailed(
                {"starts_at": ["This contact took place; book a new one instead of rebooking"]}
            )
        if Appointment.objects.filter(rebooked_from=current).exists():
            raise ValidationFailed({"starts_at": ["This appointment has already been rebooked"]})
        if current.outcome == AppointmentOutcome.BOOKED:
            update_versioned(
                current,
                expected_version=expected_version,
                what="This appointment",
                outcome=AppointmentOutcome.CANCELLED,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CASEWORK_APPOINTMENT_OUTCOME_RECORDED,
                obj=current,
                organisation=case.link_worker_service,
                person_id=str(case.person.uuid),
                changes={"outcome": [AppointmentOutcome.BOOKED, AppointmentOutcome.CANCELLED]},
                detail={"reason": "rebooked"},
            )
        new = appointment_book(
            actor=actor,
            case=case,
            kind=current.kind,
            starts_at=starts_at,
            duration_minutes=duration_minutes or current.duration_minutes,
            venue=current.venue if venue is None else venue,
            with_user=current.with_user,
            rebooked_from=current,
        )
        appointment.refresh_from_db()
    return new
