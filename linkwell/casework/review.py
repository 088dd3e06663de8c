"""The wellbeing review ("what matters to me", after the Halton model): services and selectors.

A review records, in the person's words, what matters to them; a 0-10 score (or "not discussed"),
a priority flag and notes for each life area; their strengths and assets (personal, social,
community, neighbourhood); what they do or could do for each of the Five Ways to Wellbeing; and
their interests. Recording the first review moves a new case to "active" and writes the "seen"
message back to the referrer (message_back.py).

The baseline outcome measures recorded for a review belong to the outcomes app (above
casework); the review page shows them through its `outcomes_sections` template tags.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff
from linkwell.casework.message_back import message_back_record
from linkwell.casework.models import (
    Appointment,
    AppointmentKind,
    Case,
    CaseStatus,
    LifeArea,
    MessageBack,
    Strength,
    StrengthKind,
    WellbeingReview,
)
from linkwell.core.concurrency import bump_versions, update_versioned
from linkwell.core.exceptions import ValidationFailed

# (key, label, hint) — the Five Ways to Wellbeing (New Economics Foundation).
FIVE_WAYS: list[tuple[str, str, str]] = [
    ("connect", "Connect", "With people around them: family, friends, neighbours."),
    ("be_active", "Be active", "Walking, gardening, dancing: something they enjoy."),
    ("take_notice", "Take notice", "Noticing the everyday, the seasons, how they feel."),
    ("keep_learning", "Keep learning", "A new skill, an old interest picked up again."),
    ("give", "Give", "Volunteering, helping a neighbour, joining a group."),
]
FIVE_WAY_KEYS = [key for key, _, _ in FIVE_WAYS]
MAX_STRENGTH_LENGTH = 300  # Strength.description
# Statuses a first review moves the case on from (the status list is in models.CaseStatus).
BEFORE_ACTIVE = {CaseStatus.NEW, CaseStatus.CONTACTED, CaseStatus.REVIEW_BOOKED}


@dataclass
class LifeAreaEntry:
    score: int | None = None  # 0-10; None = not discussed
    priority: bool = False
    notes: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"score": self.score, "priority": self.priority, "notes": self.notes}


@dataclass
class ReviewInput:
    held_on: dt.date
    what_matters: str
    life_areas: dict[str, LifeAreaEntry] = field(default_factory=dict)
    strengths: list[tuple[str, str]] = field(default_factory=list)  # (StrengthKind, description)
    five_ways: dict[str, str] = field(default_factory=dict)
    interests: str = ""
    appointment: Appointment | None = None


def review_errors(
    case: Case, data: ReviewInput, review: WellbeingReview | None = None
) -> dict[str, list[str]]:
    """Every problem with `data` at once, keyed by form field name."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not data.what_matters.strip():
        errors["what_matters"] = ["Enter what matters to the person, in their own words"]
    if data.held_on > today:
        errors["held_on"] = ["The review date must be today or in the past"]
    elif data.held_on < case.person.date_of_birth:
        errors["held_on"] = ["The review date must be after the person's date of birth"]
    for key, entry in data.life_areas.items():
        if key not in LifeArea.values:
            errors.setdefault("life_areas", []).append(f"Unknown life area “{key}”")
        elif entry.score is not None and not 0 <= entry.score <= 10:
            label = LifeArea(key).label
            errors[f"{key}-score"] = [f"{label}: the score must be from 0 to 10, or not discussed"]
    for index, (kind, description) in enumerate(data.strengths, start=1):
        if kind not in StrengthKind.values:
            errors[f"strength-{index}-kind"] = [f"Strength {index}: choose what kind of strength"]
        if not description.strip():
            errors[f"strength-{index}-description"] = [f"Strength {index}: describe the strength"]
        elif len(description) > MAX_STRENGTH_LENGTH:
            errors[f"strength-{index}-description"] = [
                f"Strength {index}: use {MAX_STRENGTH_LENGTH} characters or fewer"
            ]
    unknown = set(data.five_ways) - set(FIVE_WAY_KEYS)
    if unknown:
        errors["five_ways"] = [f"Unknown way to wellbeing: {', '.join(sorted(unknown))}"]
    if data.appointment is not None and data.appointment.case_id != case.pk:
        errors["appointment"] = ["Choose an appointment of this person's case"]
    elif data.appointment is not None:
        taken = WellbeingReview.objects.filter(appointment=data.appointment)
        if review is not None:
            taken = taken.exclude(pk=review.pk)
        if taken.exists():
            errors["appointment"] = ["That appointment already has a review recorded"]
    return errors


def _fields(data: ReviewInput) -> dict[str, Any]:
    return {
        "held_on": data.held_on,
        "what_matters": data.what_matters.strip(),
        "life_areas": {
            key: entry.as_json()
            for key, entry in data.life_areas.items()
            if entry.score is not None or entry.priority or entry.notes.strip()
        },
        "five_ways": {k: v.strip() for k, v in data.five_ways.items() if v.strip()},
        "interests": data.interests.strip(),
        "appointment": data.appointment,
    }


def _write_strengths(review: WellbeingReview, strengths: list[tuple[str, str]]) -> None:
    Strength.objects.filter(review=review).delete()
    Strength.objects.bulk_create(
        Strength(review=review, kind=kind, description=description.strip())
        for kind, description in strengths
    )


def case_status_advance(
    *, actor: User | None, case: Case, to: str, only_from: set[str], reason: str
) -> bool:
    """Move `case` to status `to` if it is in one of `only_from`; audited; True if it moved.

    Used by `review_create`, in its transaction, to make the case "active" from new, contacted or
    review booked. It does not go through `services.case_mark_active`, because the status machine
    (`services.TRANSITIONS`) allows "active" only from "review booked": a review recorded without
    a booking would be refused. A conditional UPDATE (not a read-then-save) so a concurrent status
    change is never overwritten; the version bump makes an open edit form of the case refuse to
    save stale data.
    """
    current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first()
    if current not in only_from:
        return False
    moved = bump_versions(Case.objects.filter(pk=case.pk, status=current), status=to)
    if moved:
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_CASE_STATUS_CHANGED,
            obj=case,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"status": [current, to]},
            detail={"reason": reason},
        )
        case.refresh_from_db(fields=["status", "version", "updated_at"])
    return bool(moved)


def review_create(*, actor: User | None, case: Case, data: ReviewInput) -> WellbeingReview:
    errors = review_errors(case, data)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        review = WellbeingReview.objects.create(case=case, recorded_by=actor, **_fields(data))
        _write_strengths(review, data.strengths)
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_REVIEW_RECORDED,
            obj=review,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={
                "held_on": review.held_on,
                "life_areas": sorted(review.life_areas),
                "strengths": len(data.strengths),
            },
        )
        case_status_advance(
            actor=actor,
            case=case,
            to=CaseStatus.ACTIVE,
            only_from=set(BEFORE_ACTIVE),
            reason="wellbeing review recorded",
        )
        message_back_record(actor=actor, case=case, stage=MessageBack.Stage.SEEN)
    return review


def review_update(
    *, actor: User | None, review: WellbeingReview, data: ReviewInput, expected_version: int
) -> WellbeingReview:
    case = review.case
    errors = review_errors(case, data, review)
    if errors:
        raise ValidationFailed(errors)
    names = ["held_on", "what_matters", "life_areas", "five_ways", "interests", "appointment"]
    with transaction.atomic():
        before = {name: getattr(review, name) for name in names}
        before["strengths"] = sorted(
            [s.kind, s.description] for s in Strength.objects.filter(review=review)
        )
        fields = _fields(data)
        update_versioned(
            review, expected_version=expected_version, what="This wellbeing review", **fields
        )
        _write_strengths(review, data.strengths)
        after = {**fields, "strengths": sorted([k, d.strip()] for k, d in data.strengths)}
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_REVIEW_UPDATED,
            obj=review,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes=diff(before, after),
        )
    review.refresh_from_db()
    return review


# --- Selectors ---------------------------------------------------------------------------------


def reviews_for_case(case: Case) -> QuerySet[WellbeingReview]:
    return (
        WellbeingReview.objects.filter(case=case)
        .select_related("recorded_by", "appointment")
        .prefetch_related("strengths")
        .order_by("-held_on", "-created_at")
    )


def get_review_for_case(case: Case, review_id: uuid.UUID) -> WellbeingReview:
    """The review, if it belongs to `case` (already access-checked by the caller); else 404."""
    review = reviews_for_case(case).filter(uuid=review_id).first()
    if review is None:
        raise Http404("No such review")
    return review


def review_appointment_choices(case: Case, current: Appointment | None = None) -> list[Appointment]:
    """Wellbeing-review appointments of this case not yet linked to another review."""
    appointments = Appointment.objects.filter(
        case=case, kind=AppointmentKind.WELLBEING_REVIEW, review__isnull=True
    )
    rows = list(appointments.order_by("-starts_at"))
    if current is not None and all(a.pk != current.pk for a in rows):
        rows.insert(0, current)
    return rows


@dataclass(frozen=True)
class LifeAreaRow:
    key: str
    label: str
    score: int | None
    priority: bool
    notes: str


def life_area_rows(review: WellbeingReview) -> list[LifeAreaRow]:
    rows = []
    for key, label in LifeArea.choices:
        entry = review.life_areas.get(key) or {}
        rows.append(
            LifeAreaRow(
                key=key,
                label=str(label),
                score=entry.get("score"),
                priority=bool(entry.get("priority")),
                notes=entry.get("notes", ""),
            )
        )
    return rows


def five_ways_rows(review: WellbeingReview) -> list[tuple[str, str]]:
    return [(label, review.five_ways.get(key, "")) for key, label, _ in FIVE_WAYS]
