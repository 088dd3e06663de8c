"""Outcome writes: recording a measure, the PHQ-9 item 9 risk alert, local measures, schedules.

Keyword-only, validated first (nothing is written when anything is wrong), atomic, and audited
with the person's id in the same transaction. Self-completion links are in selfcomplete.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case, SafeguardingConcern, WellbeingReview
from linkwell.core.exceptions import ValidationFailed
from linkwell.outcomes.engine import (
    AnswerError,
    Instrument,
    Number,
    ScoreResult,
    score_answers,
    score_total,
)
from linkwell.outcomes.models import (
    TIMEPOINT_DAYS,
    CompletedBy,
    LocalMeasure,
    MeasureAdministration,
    MeasureSchedule,
    Timepoint,
)
from linkwell.outcomes.registry import UnknownInstrument, get_instrument, is_shipped
from linkwell.outcomes.validate import definition_errors

MAX_NOTE_LENGTH = 500


@dataclass
class MeasureInput:
    instrument_id: str
    timepoint: str
    administered_on: dt.date
    completed_by: str
    # Item answers ({item id: value or None}); or `total` from a paper form (not both).
    answers: Mapping[str, Number | None] = field(default_factory=dict)
    total: Number | None = None
    item_ids: Sequence[str] = ()  # dynamic measures (goal attainment): the goals' ids, in order
    version: str | None = None
    notes: Mapping[str, str] = field(default_factory=dict)
    review: WellbeingReview | None = None


def measure_errors(
    *, case: Case | None, data: MeasureInput
) -> tuple[dict[str, list[str]], Instrument | None, ScoreResult | None]:
    """Every problem with `data` at once; and the instrument and score when there are none."""
    errors: dict[str, list[str]] = {}
    instrument: Instrument | None = None
    result: ScoreResult | None = None
    try:
        instrument = get_instrument(data.instrument_id, data.version)
    except UnknownInstrument as exc:
        errors["instrument"] = [str(exc)]
    if data.timepoint not in Timepoint.values:
        errors["timepoint"] = ["Choose when this measure was taken (baseline, 4 weeks, ...)"]
    if data.completed_by not in CompletedBy.values:
        errors["completed_by"] = ["Choose who completed it"]
    today = timezone.localdate()
    if data.administered_on > today:
        errors["administered_on"] = ["The date must be today or in the past"]
    elif case is not None and data.administered_on < case.person.date_of_birth:
        errors["administered_on"] = ["The date must be after the person's date of birth"]
    if data.review is not None and (case is None or data.review.case_id != case.pk):
        errors["review"] = ["Choose a wellbeing review of this person's case"]
    for key, text in data.notes.items():
        if len(text) > MAX_NOTE_LENGTH:
            errors[f"note-{key}"] = [f"Use {MAX_NOTE_LENGTH} characters or fewer"]
    if instrument is not None:
        if case is None and instrument.category != "staff_satisfaction":
            errors["case"] = [f"{instrument.short_title} is recorded on a person's case"]
        try:
            if data.total is not None:
                if any(v is not None for v in data.answers.values()):
                    raise AnswerError(["Enter either each item's answer or the total, not both"])
                result = score_total(instrument, data.total)
            else:
                result = score_answers(instrument, dict(data.answers), item_ids=data.item_ids)
        except AnswerError as exc:
            errors["answers"] = exc.messages
    return errors, instrument, result


def measure_record(
    *,
    actor: User | None,
    case: Case | None,
    data: MeasureInput,
    organisation: Organisation | None = None,
    respondent_organisation: Organisation | None = None,
) -> MeasureAdministration:
    """Score and store one measure. A PHQ-9 item 9 answer of 1 or more also raises a risk alert
    on the case (`_risk_alert_raise`), in the same transaction."""
    errors, instrument, result = measure_errors(case=case, data=data)
    org = organisation or (case.link_worker_service if case is not None else None)
    if org is None:
        errors["organisation"] = ["Say which link-worker service this survey is for"]
    if errors:
        raise ValidationFailed(errors)
    assert instrument is not None and result is not None and org is not None
    with transaction.atomic():
        administration = MeasureAdministration.objects.create(
            case=case,
            organisation=org,
            respondent_organisation=respondent_organisation,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            timepoint=data.timepoint,
            administered_on=data.administered_on,
            answers={k: v for k, v in result.answers.items()},
            raw=result.raw,
            score=result.score,
            band=result.band or "",
            item_scores={
                i.id: {"label": i.label, "score": i.value, "band": i.band} for i in result.items
            },
            missing_items=result.missing,
            prorated=result.prorated,
            total_only=result.total_only,
            alerts=[{"item": a.item, "kind": a.kind, "title": a.title} for a in result.alerts],
            completed_by=data.completed_by,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            review=data.review,
            notes={k: v.strip() for k, v in data.notes.items() if v.strip()},
        )
        person_id = str(case.person.uuid) if case is not None else ""
        audit_record(
            actor=actor,
            action=AuditAction.OUTCOMES_MEASURE_RECORDED,
            obj=administration,
            organisation=org,
            person_id=person_id,
            detail={
                "instrument": instrument.key,
                "timepoint": data.timepoint,
                "completed_by": data.completed_by,
                "score": result.score,
                "band": result.band,
                "total_only": result.total_only,
                "alerts": [a.item for a in result.alerts],
            },
        )
        if case is not None:
            for alert in result.alerts:
                _risk_alert_raise(
                    actor=actor, case=case, administration=administration, alert=alert
                )
    return administration


def _risk_alert_raise(
    *, actor: User | None, case: Case, administration: MeasureAdministration, alert: Any
) -> SafeguardingConcern:
    """Flag the case with an open safeguarding-style concern (so the caseload shows the red
    "Safeguarding" flag and the case page its warning card) until a manager resolves it.

    It is not escalated to a named lead automatically: the link worker, who has just been shown
    what to do, escalates through the case page if the conversation calls for it.
    """
    answer = administration.answers.get(alert.item)
    description = (
        f"{administration.instrument_id.upper()} risk prompt: {alert.title} "
        f"(item answer {answer}, recorded {administration.administered_on:%-d %B %Y}, "
        f"{administration.get_completed_by_display().lower()}). "
        "The link worker was shown the risk guidance at once. Record what was done."
    )
    concern = SafeguardingConcern.objects.create(
        case=case,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
        description=description,
    )
    audit_record(
        actor=actor,
        action=AuditAction.OUTCOMES_RISK_ALERT_RAISED,
        obj=concern,
        object_repr=f"Risk alert on case {case.uuid}",
        organisation=case.link_worker_service,
        person_id=str(case.person.uuid),
        detail={
            "administration": str(administration.uuid),
            "instrument": administration.instrument_id,
            "item": alert.item,
            "answer": answer,
        },
    )
    if administration.completed_by == CompletedBy.SELF:
        # Nobody saw the prompt: tell the team by email once the concern is committed.
        concern_id = concern.pk

        def _enqueue() -> None:
            from linkwell.outcomes.tasks import notify_self_completed_risk

            notify_self_completed_risk.enqueue(concern_id)

        transaction.on_commit(_enqueue)
    return concern


# --- Local measures ----------------------------------------------------------------------------


def local_measure_add(*, actor: User | None, definition: Any) -> LocalMeasure:
    errors = definition_errors(definition)
    if not errors and is_shipped(definition["id"]):
        errors.append(
            f"id: “{definition['id']}” is a measure Linkwell ships; choose another id for a "
            "local measure"
        )
    if errors:
        raise ValidationFailed({"definition": errors})
    try:
        with transaction.atomic():
            measure = LocalMeasure.objects.create(
                instrument_id=definition["id"],
                instrument_version=definition["version"],
                definition=definition,
                added_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit_record(
                actor=actor,
                action=AuditAction.OUTCOMES_LOCAL_MEASURE_ADDED,
                obj=measure,
                detail={"id": measure.instrument_id, "version": measure.instrument_version},
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            {
                "definition": [
                    f"version: {definition['id']} version {definition['version']} already "
                    "exists; give the changed definition a new version"
                ]
            }
        ) from exc
    return measure


# --- Schedules ---------------------------------------------------------------------------------


def measure_schedule_set(
    *, actor: User | None, organisation: Organisation, instruments: list[str], timepoints: list[str]
) -> MeasureSchedule:
    """Set which measures a link-worker service takes and at which timepoints."""
    errors: dict[str, list[str]] = {}
    if organisation.kind != OrganisationKind.LINK_WORKER_SERVICE:
        errors["organisation"] = [f"{organisation} is not a link-worker service"]
    unknown = []
    for ident in instruments:
        try:
            get_instrument(ident)
        except UnknownInstrument:
            unknown.append(ident)
    if unknown:
        errors["instruments"] = [f"No measure called {', '.join(unknown)}"]
    if not instruments:
        errors.setdefault("instruments", []).append("Choose at least one measure")
    bad = [t for t in timepoints if t not in TIMEPOINT_DAYS]
    if bad:
        errors["timepoints"] = [
            f"Unknown timepoint {', '.join(bad)}; use {', '.join(TIMEPOINT_DAYS)}"
        ]
    if Timepoint.BASELINE not in timepoints:
        errors.setdefault("timepoints", []).append("The schedule must start with a baseline")
    if errors:
        raise ValidationFailed(errors)
    ordered = [t for t in TIMEPOINT_DAYS if t in timepoints]
    with transaction.atomic():
        schedule = (
            MeasureSchedule.objects.select_for_update().filter(organisation=organisation).first()
        )
        before = (
            {"instruments": schedule.instruments, "timepoints": schedule.timepoints}
            if schedule
            else {"instruments": None, "timepoints": None}
        )
        if schedule is None:
            schedule = MeasureSchedule(organisation=organisation)
        schedule.instruments = list(dict.fromkeys(instruments))
        schedule.timepoints = ordered
        schedule.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        schedule.save()
        audit_record(
            actor=actor,
            action=AuditAction.OUTCOMES_SCHEDULE_SET,
            obj=schedule,
            organisation=organisation,
            changes={
                "instruments": [before["instruments"], schedule.instruments],
                "timepoints": [before["timepoints"], schedule.timepoints],
            },
        )
    return schedule
