"""Writes for self-assessments: start, save (a draft), complete, discard.

Rules (README.md "Invariants"): a team has at most one draft at a time (a partial unique
constraint backs the check); only a draft changes; completing needs every statement answered and
at least one member of staff and one person who uses the service recorded as taking part, and
writes the principle scores and Linkwell's own figures once, for good. Every write locks the row
and checks the version the user's form carried (`core.concurrency`), and writes its audit row in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.coproduction.models import Assessment, AssessmentStatus
from linkwell.coproduction.questions import (
    CURRENT_VERSION,
    SCALE_MAX,
    SCALE_MIN,
    Principle,
    question_set,
)
from linkwell.coproduction.selectors.assessments import (
    last_completed,
    principle_scores,
    unanswered,
)
from linkwell.coproduction.selectors.records import records_evidence
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed

EVIDENCE_LIMIT = 4000
NAMES_LIMIT = 1000
COUNT_LIMIT = 999
ALREADY_DRAFT = (
    "This team already has a self-assessment in draft. Carry on with it, or discard it before "
    "starting another."
)


def _what(assessment: Assessment) -> str:
    return "This self-assessment"


def _locked_message(assessment: Assessment) -> str:
    when = timezone.localtime(assessment.completed_at) if assessment.completed_at else None
    day = f" on {when:%-d %B %Y}" if when else ""
    return (
        f"This self-assessment was completed{day} and can no longer be changed. Start a new one "
        "(it can begin from a copy of these answers)."
    )


def _check_held_on(held_on: dt.date | None, errors: dict[str, list[str]]) -> None:
    if held_on is None:
        errors["held_on"] = ["Enter the date the team met to assess"]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["The date the team met must be today or in the past"]


def assessment_start(
    *, actor: User, organisation: Organisation, held_on: dt.date | None, copy_last: bool = False
) -> Assessment:
    """Open a draft for `organisation` on the current question set; with `copy_last`, start
    from the answers and evidence of its latest completed assessment (answers to statements the
    current set no longer has are left behind)."""
    errors: dict[str, list[str]] = {}
    _check_held_on(held_on, errors)
    if Assessment.objects.filter(organisation=organisation, status=AssessmentStatus.DRAFT).exists():
        errors["__all__"] = [ALREADY_DRAFT]
    source = last_completed(organisation) if copy_last else None
    if copy_last and source is None:
        errors["copy_last"] = ["There is no completed self-assessment to copy yet"]
    if errors:
        raise ValidationFailed(errors)
    assert held_on is not None  # checked above
    keys = set(question_set(CURRENT_VERSION).keys)
    answers = {k: v for k, v in (source.answers if source else {}).items() if k in keys}
    evidence = dict(source.evidence) if source else {}
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                organisation=organisation,
                question_set_version=CURRENT_VERSION,
                held_on=held_on,
                answers=answers,
                evidence=evidence,
                copied_from=source,
                started_by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.COPRODUCTION_ASSESSMENT_STARTED,
                obj=assessment,
                organisation=organisation,
                detail={
                    "question_set_version": CURRENT_VERSION,
                    "copied_from": str(source.uuid) if source else None,
                },
            )
    except IntegrityError as exc:  # a colleague started one a moment ago
        raise ValidationFailed(ALREADY_DRAFT) from exc
    return assessment


def _clean_answers(
    version: int, answers: Mapping[str, Any], errors: dict[str, list[str]]
) -> dict[str, int]:
    qs = question_set(version)
    out: dict[str, int] = {}
    for key, value in answers.items():
        statement = qs.statement(key)
        if statement is None:
            errors.setdefault("__all__", []).append(
                f"“{key}” is not a statement of question set version {version}"
            )
            continue
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[key] = [f"Choose a score from {SCALE_MIN} to {SCALE_MAX}"]
        elif not SCALE_MIN <= value <= SCALE_MAX:
            errors[key] = [f"The score must be from {SCALE_MIN} to {SCALE_MAX}, not {value}"]
        else:
            out[key] = value
    return out


def _clean_evidence(evidence: Mapping[str, str], errors: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for principle, text in evidence.items():
        if principle not in Principle.values:
            errors.setdefault("__all__", []).append(f"“{principle}” is not a principle")
            continue
        text = (text or "").strip()
        if len(text) > EVIDENCE_LIMIT:
            errors[f"evidence_{principle}"] = [
                f"The evidence must be {EVIDENCE_LIMIT} characters or fewer"
            ]
        elif text:
            out[principle] = text
    return out


def _clean_count(name: str, value: int | None, errors: dict[str, list[str]]) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= COUNT_LIMIT:
        errors[name] = [f"Enter a whole number from 0 to {COUNT_LIMIT}"]
        return 0
    return value


def completion_problems(assessment: Assessment) -> dict[str, list[str]]:
    """Why `assessment` (with its current fields) cannot be completed; empty when it can."""
    problems: dict[str, list[str]] = {}
    missing = unanswered(question_set(assessment.question_set_version), assessment.answers)
    if missing:
        listed = "; ".join(f"{Principle(s.principle).label}: “{s.text}”" for s in missing)
        problems["__all__"] = [
            f"Answer every statement before completing. {len(missing)} not answered yet: {listed}"
        ]
    if assessment.staff_count < 1:
        problems["staff_count"] = ["Enter how many staff took part (at least 1)"]
    if assessment.people_count < 1:
        problems["people_count"] = [
            "Enter how many people who use the service took part (at least 1): a self-assessment "
            "is completed together with them"
        ]
    return problems


def _complete(locked: Assessment, *, actor: User) -> list[str]:
    """Write the completion onto `locked` (not saved); the names of the fields changed."""
    qs = question_set(locked.question_set_version)
    locked.scores = principle_scores(qs, locked.answers)
    locked.records_snapshot = records_evidence(
        organisation=locked.organisation, on=locked.held_on
    ).as_snapshot()
    locked.status = AssessmentStatus.COMPLETED
    locked.completed_at = timezone.now()
    locked.completed_by = actor
    return ["scores", "records_snapshot", "status", "completed_at", "completed_by"]


def _lock_draft(assessment: Assessment, expected_version: int | None) -> Assessment:
    locked = lock_versioned(
        Assessment.objects.select_related("organisation"),
        assessment.pk,
        expected_version=expected_version,
        what=_what,
        required=True,
    )
    if locked.status != AssessmentStatus.DRAFT:
        raise ValidationFailed(_locked_message(locked))
    return locked


def assessment_save(
    *,
    actor: User,
    assessment: Assessment,
    expected_version: int | None,
    held_on: dt.date | None,
    staff_count: int | None,
    staff_names: str,
    people_count: int | None,
    people_names: str,
    answers: Mapping[str, Any],
    evidence: Mapping[str, str],
    complete: bool = False,
) -> Assessment:
    """Save a draft's participants, answers and evidence (partly answered is fine); with
    `complete`, also complete it, or change nothing and say what is missing."""
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationFailed(_locked_message(assessment))
    errors: dict[str, list[str]] = {}
    _check_held_on(held_on, errors)
    staff = _clean_count("staff_count", staff_count, errors)
    people = _clean_count("people_count", people_count, errors)
    staff_names = (staff_names or "").strip()
    people_names = (people_names or "").strip()
    for name, text in (("staff_names", staff_names), ("people_names", people_names)):
        if len(text) > NAMES_LIMIT:
            errors[name] = [f"Enter {NAMES_LIMIT} characters or fewer"]
    clean_answers = _clean_answers(assessment.question_set_version, answers, errors)
    clean_evidence = _clean_evidence(evidence, errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_draft(assessment, expected_version)
        before = dict(locked.answers)
        locked.held_on = held_on  # type: ignore[assignment]  # checked above
        locked.staff_count = staff
        locked.staff_names = staff_names
        locked.people_count = people
        locked.people_names = people_names
        locked.answers = clean_answers
        locked.evidence = clean_evidence
        fields = [
            "held_on",
            "staff_count",
            "staff_names",
            "people_count",
            "people_names",
            "answers",
            "evidence",
        ]
        if complete:
            problems = completion_problems(locked)
            if problems:
                # Raised inside the block: the transaction rolls back, nothing is saved.
                raise ValidationFailed(problems)
            fields += _complete(locked, actor=actor)
        save_versioned(locked, update_fields=fields)
        changed = sorted(
            k for k in set(before) | set(clean_answers) if before.get(k) != clean_answers.get(k)
        )
        audit_record(
            actor=actor,
            action=AuditAction.COPRODUCTION_ASSESSMENT_SAVED,
            obj=locked,
            organisation=locked.organisation,
            detail={"answers_changed": changed, "answered": len(clean_answers)},
        )
        if complete:
            _audit_completed(locked, actor=actor)
    return locked


def _audit_completed(assessment: Assessment, *, actor: User) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.COPRODUCTION_ASSESSMENT_COMPLETED,
        obj=assessment,
        organisation=assessment.organisation,
        changes={"status": [AssessmentStatus.DRAFT.value, AssessmentStatus.COMPLETED.value]},
        detail={"scores": assessment.scores},
    )


def assessment_complete(
    *, actor: User, assessment: Assessment, expected_version: int | None
) -> Assessment:
    """Complete a saved draft as it stands (see `completion_problems`)."""
    with transaction.atomic():
        locked = _lock_draft(assessment, expected_version)
        problems = completion_problems(locked)
        if problems:
            raise ValidationFailed(problems)
        save_versioned(locked, update_fields=_complete(locked, actor=actor))
        _audit_completed(locked, actor=actor)
    return locked


def assessment_discard(
    *, actor: User, assessment: Assessment, expected_version: int | None
) -> None:
    """Delete a draft (with its actions). A completed assessment is never deleted here."""
    with transaction.atomic():
        locked = _lock_draft(assessment, expected_version)
        audit_record(
            actor=actor,
            action=AuditAction.COPRODUCTION_ASSESSMENT_DISCARDED,
            obj=locked,
            organisation=locked.organisation,
            detail={"answered": len(locked.answers)},
        )
        locked.delete()
