"""Casework writes: case status machine, assignment and complexity, appointments, notes,
safeguarding. Keyword-only, typed, atomic, audited with the person's id in the same transaction.

Sections (one owner each; add yours under its header, keep others' untouched):
- Case status machine, complexity, reassignment (caseload/case pages)
- Contacts and appointments (caseload/case pages)
- Case notes and safeguarding (caseload/case pages)
- Triage/allocation writes live in linkwell/referrals/services.py; review, plan and follow-up in
  review.py, plan.py, followup.py (they call `case_status_advance` in review.py).

The case status machine (a case is never closed for good, as in the Shropshire social prescribing
business case)::

    new -> contacted -> review booked -> active -> follow-up -> dormant
      \\________\\______________\\___________\\__________/  (any open status may go dormant)
    dormant --case_reopen--> new   (history kept; reopened_at set)

Booking a wellbeing review moves new/contacted to "review booked"; the first attended contact
moves "new" to "contacted"; review.py moves to "active" when the review is recorded and
followup.py to "follow-up" when a follow-up is completed.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import (
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    Case,
    CaseNote,
    CaseStatus,
    Complexity,
    SafeguardingConcern,
)
from linkwell.casework.signals import case_contacted
from linkwell.core.concurrency import bump_versions, lock_versioned, update_versioned
from linkwell.core.exceptions import ValidationFailed

logger = logging.getLogger(__name__)

# --- Case status machine, complexity, reassignment ---------------------------------------------

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
MAX_NOTE_LENGTH = 20_000


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
    *, actor: User | None, case: Case, expected_version: int, reason: str = ""
) -> Case:
    """The person has been reached (a call answered, a message replied to)."""
    extra: dict[str, Any] = {}
    if case.first_contact_at is None:
        extra["first_contact_at"] = timezone.now()
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
        _announce_contact(actor=actor, case=case, at=timezone.now())
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


# --- Contacts and appointments -----------------------------------------------------------------

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
        status = Case.objects.filter(pk=case.pk).values_list("status", flat=True).get()
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
            # Conditional on the status just read, so a concurrent move is not overwritten; the
            # version bump makes any open edit form of the case refuse stale data.
            moved = bump_versions(
                Case.objects.filter(pk=case.pk, status=status), status=CaseStatus.REVIEW_BOOKED
            )
            if moved:
                audit_record(
                    actor=actor,
                    action=AuditAction.CASEWORK_CASE_STATUS_CHANGED,
                    obj=case,
                    organisation=case.link_worker_service,
                    person_id=str(case.person.uuid),
                    changes={"status": [status, CaseStatus.REVIEW_BOOKED]},
                    detail={"reason": "wellbeing review booked"},
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
                moved = bump_versions(
                    Case.objects.filter(pk=case.pk, status=CaseStatus.NEW),
                    status=CaseStatus.CONTACTED,
                )
                if moved:
                    audit_record(
                        actor=actor,
                        action=AuditAction.CASEWORK_CASE_STATUS_CHANGED,
                        obj=case,
                        organisation=case.link_worker_service,
                        person_id=str(case.person.uuid),
                        changes={"status": [CaseStatus.NEW, CaseStatus.CONTACTED]},
                        detail={"reason": "first contact attended"},
                    )
                case.refresh_from_db()
            # Idempotent on the referrals side: codes only episodes not yet contacted, so a
            # reopened case's new referral is coded at its first attended contact.
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


# --- Case notes and safeguarding ---------------------------------------------------------------


def case_note_add(
    *, actor: User | None, case: Case, text: str, sensitive: bool = False
) -> CaseNote:
    """A note on the case. Sensitive notes are readable only by their author, the assigned link
    worker and the team's managers (selectors.case_view)."""
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": ["Enter the note"]})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed({"text": [f"Use {MAX_NOTE_LENGTH:,} characters or fewer"]})
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=actor, text=text, sensitive=sensitive)
        # The audit row records that a note was written, not what it says: the trail is read by
        # people who may not read a sensitive note.
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_CASE_NOTE_ADDED,
            obj=note,
            object_repr=f"Note on case {case.uuid}",
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"sensitive": sensitive, "length": len(text)},
        )
    return note


def safeguarding_leads(case: Case) -> list[User]:
    """Named leads a concern can be escalated to: active team managers of the case's team."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=case.link_worker_service_id,
            memberships__is_active=True,
            memberships__read_only=False,
            memberships__role=Role.TEAM_MANAGER,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def safeguarding_concern_raise(
    *, actor: User | None, case: Case, description: str, lead: User | None
) -> SafeguardingConcern:
    """Log a concern and escalate it to a named lead, who is emailed (no personal data in the
    email: a link to the case, which they open signed in)."""
    description = description.strip()
    errors: dict[str, list[str]] = {}
    if not description:
        errors["description"] = ["Describe the concern: what you saw or were told, and when"]
    elif len(description) > MAX_NOTE_LENGTH:
        errors["description"] = [f"Use {MAX_NOTE_LENGTH:,} characters or fewer"]
    if lead is None:
        errors["lead"] = ["Choose the safeguarding lead to escalate to"]
    elif lead.pk not in {u.pk for u in safeguarding_leads(case)}:
        errors["lead"] = [f"{lead} is not a team manager of {case.link_worker_service.name}"]
    if errors:
        raise ValidationFailed(errors)
    assert lead is not None
    now = timezone.now()
    with transaction.atomic():
        concern = SafeguardingConcern.objects.create(
            case=case, raised_by=actor, description=description, lead=lead, escalated_at=now
        )
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_SAFEGUARDING_CONCERN_RAISED,
            obj=concern,
            object_repr=f"Safeguarding concern on case {case.uuid}",
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"lead": str(lead.uuid), "escalated_at": now},
        )
        # Queued only once the concern is committed, so the email never points at nothing.
        concern_id = concern.pk

        def _enqueue() -> None:
            from linkwell.casework.tasks import notify_safeguarding_lead

            notify_safeguarding_lead.enqueue(concern_id)

        transaction.on_commit(_enqueue)
    return concern


def safeguarding_concern_resolve(
    *, actor: User | None, concern: SafeguardingConcern, outcome: str
) -> SafeguardingConcern:
    """The lead records what was done (referred to the local authority, no further action...).

    Race: two people may open the same concern and resolve it at once. The update is conditional
    on `resolved_at IS NULL`, so exactly one wins; the other gets "already been resolved" and
    nothing of theirs is saved (views/safeguarding.py shows them what was recorded). The audit
    row records that an outcome was written, not what it says, as for sensitive notes.
    """
    outcome = outcome.strip()
    if not outcome:
        raise ValidationFailed({"outcome": ["Enter the outcome: what was done about the concern"]})
    if len(outcome) > MAX_NOTE_LENGTH:
        raise ValidationFailed({"outcome": [f"Use {MAX_NOTE_LENGTH:,} characters or fewer"]})
    case = concern.case
    now = timezone.now()
    with transaction.atomic():
        updated = SafeguardingConcern.objects.filter(
            pk=concern.pk, resolved_at__isnull=True
        ).update(resolved_at=now, resolved_by=actor, outcome=outcome, updated_at=now)
        if updated != 1:
            resolved_at = (
                SafeguardingConcern.objects.filter(pk=concern.pk)
                .values_list("resolved_at", flat=True)
                .first()
            )
            when = (
                f" on {timezone.localtime(resolved_at):%-d %B %Y at %H:%M}" if resolved_at else ""
            )
            raise ValidationFailed(
                {
                    "__all__": [
                        f"This concern has already been resolved{when}, so your outcome was not "
                        "saved. The outcome recorded is shown below."
                    ]
                }
            )
        concern.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_SAFEGUARDING_CONCERN_RESOLVED,
            obj=concern,
            object_repr=f"Safeguarding concern on case {case.uuid}",
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"resolved_at": [None, now]},
            detail={"length": len(outcome)},
        )
    return concern
