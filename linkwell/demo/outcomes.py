"""Demo outcome measures (`linkwell demo`): baselines at each demo wellbeing review, follow-ups at
4 weeks and 3 months where that time has passed, a Wellbeing Star every six months (what outcome
payments are computed from), patient experience surveys, practice staff satisfaction ratings,
and each goal's status at the 4-week reviews held.

Answers are generated (seeded, so the same every time) and scored by the engine, so every stored
score is one the engine would give. About seven in ten people improve on wellbeing measures,
roughly the share a well-run social prescribing service reports (Halton's, for one); some are
lost to follow-up, as in real services.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.casework.models import (
    FollowUp,
    FollowUpKind,
    Goal,
    GoalProgress,
    GoalStatus,
    WellbeingReview,
)
from linkwell.outcomes.engine import Instrument, score_answers
from linkwell.outcomes.models import (
    TIMEPOINT_DAYS,
    CompletedBy,
    MeasureAdministration,
    Timepoint,
)
from linkwell.outcomes.registry import get_instrument

DEMO_SERVICE = "Oswestry Community Wellbeing Service"  # demo/catalogue.py ACCOUNTS_ORGS
# (measure, share of people who take it)
DEMO_MEASURES = [("ons4", 1.0), ("swemwbs", 0.9), ("phq9", 0.5), ("gad7", 0.5), ("ucla3", 0.6)]
FOLLOW_UPS = [(Timepoint.WEEK_4, 0.75), (Timepoint.MONTH_3, 0.55)]  # share still in touch
STAR = ("wellbeing-star", 0.6, 0.7)  # share who take it, share still in touch at six months
EXPERIENCE = ("patient-experience", 0.45, 35)  # share who answer, days after the first review
STAFF_COMMENTS = [
    "Quick to pick up the people we refer",
    "Patients tell us the groups helped",
    "Would like more feedback on outcomes",
    "Easy to refer to",
]


def _answers(instrument: Instrument, level: float, rng: random.Random) -> list[int | float]:
    """Item answers around `level` (0 = worst, 1 = best) in the instrument's direction."""
    out: list[int | float] = []
    for item in instrument.items:
        values = sorted(item.values)
        better_high = (item.direction or instrument.direction) == "higher_is_better"
        target = level if better_high else 1 - level
        index = round(target * (len(values) - 1) + rng.uniform(-1, 1))
        out.append(values[max(0, min(len(values) - 1, index))])
    # No PHQ-9 item 9 positives in the demo: those raise real alerts on the demo cases.
    if instrument.id == "phq9":
        out[8] = 0
    return out


def _row(
    instrument: Instrument,
    review: WellbeingReview,
    timepoint: str,
    on: dt.date,
    level: float,
    rng: random.Random,
) -> MeasureAdministration:
    result = score_answers(instrument, _answers(instrument, level, rng))
    return MeasureAdministration(
        case=review.case,
        organisation_id=review.case.link_worker_service_id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        timepoint=timepoint,
        administered_on=on,
        answers=result.answers,
        raw=result.raw,
        score=result.score,
        band=result.band or "",
        item_scores={
            i.id: {"label": i.label, "score": i.value, "band": i.band} for i in result.items
        },
        completed_by=rng.choice(
            [CompletedBy.LINK_WORKER, CompletedBy.LINK_WORKER, CompletedBy.SELF]
        ),
        recorded_by=review.recorded_by,
        review=review if timepoint == Timepoint.BASELINE else None,
    )


def load(*, seed: int = 42, today: dt.date | None = None) -> int:
    """Add the demo measures once; returns how many were made (0 if already there)."""
    service = Organisation.objects.filter(
        name=DEMO_SERVICE, kind=OrganisationKind.LINK_WORKER_SERVICE
    ).first()
    if service is None or MeasureAdministration.objects.filter(organisation=service).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    instruments = {name: get_instrument(name) for name, _ in DEMO_MEASURES}
    first_reviews: dict[int, WellbeingReview] = {}
    for review in (
        WellbeingReview.objects.filter(case__link_worker_service=service)
        .select_related("case")
        .order_by("held_on", "pk")
    ):
        first_reviews.setdefault(review.case_id, review)
    rows: list[MeasureAdministration] = []
    for review in first_reviews.values():
        baseline_level = rng.uniform(0.15, 0.55)
        change = rng.gauss(0.12, 0.12)  # most improve; some get worse
        for name, share in DEMO_MEASURES:
            if rng.random() >= share:
                continue
            instrument = instruments[name]
            rows.append(
                _row(instrument, review, Timepoint.BASELINE, review.held_on, baseline_level, rng)
            )
            for timepoint, still_in_touch in FOLLOW_UPS:
                on = review.held_on + dt.timedelta(days=TIMEPOINT_DAYS[timepoint])
                if on > today or rng.random() >= still_in_touch:
                    break
                level = min(1.0, max(0.0, baseline_level + change))
                rows.append(_row(instrument, review, timepoint, on, level, rng))
        rows.extend(_star_and_experience(review, baseline_level, change, today, rng))
    practices = list(
        Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE, area=service.area)
    )
    staff = get_instrument("staff-satisfaction")
    for practice in practices:
        for _ in range(rng.randint(4, 9)):
            result = score_answers(staff, [rng.choice([6, 7, 7, 8, 8, 9, 9, 10])])
            rows.append(
                MeasureAdministration(
                    organisation=service,
                    respondent_organisation=practice,
                    instrument_id=staff.id,
                    instrument_version=staff.version,
                    timepoint=Timepoint.OTHER,
                    administered_on=today - dt.timedelta(days=rng.randint(10, 80)),
                    answers=result.answers,
                    raw=result.raw,
                    score=result.score,
                    band=result.band or "",
                    completed_by=CompletedBy.STAFF,
                    notes={"comment": rng.choice(STAFF_COMMENTS)} if rng.random() < 0.3 else {},
                )
            )
    # In bulk, not through outcomes.services.measure_record (an audit row each, and risk
    # alerts): measured (SQLite, 2,032 measures) bulk 1.0 s, saved one by one 1.5 s before any
    # audit row. The rows are scored by the same engine, so each holds what the service would.
    with transaction.atomic():
        MeasureAdministration.objects.bulk_create(rows, batch_size=500)
        GoalProgress.objects.bulk_create(_goals_at_4_weeks(service, rng), batch_size=500)
    return len(rows)


def _star_and_experience(
    review: WellbeingReview, level: float, change: float, today: dt.date, rng: random.Random
) -> list[MeasureAdministration]:
    """The Wellbeing Star at the first review and six months on (while in touch), and the
    patient experience survey a few weeks after the first review, for some people."""
    rows: list[MeasureAdministration] = []
    star_id, takes, in_touch = STAR
    if rng.random() < takes:
        star = get_instrument(star_id)
        rows.append(_row(star, review, Timepoint.BASELINE, review.held_on, level, rng))
        on = review.held_on + dt.timedelta(days=TIMEPOINT_DAYS[Timepoint.MONTH_6])
        if on <= today and rng.random() < in_touch:
            after = min(1.0, max(0.0, level + change))
            rows.append(_row(star, review, Timepoint.MONTH_6, on, after, rng))
    experience_id, answers, days = EXPERIENCE
    on = review.held_on + dt.timedelta(days=days)
    if on <= today and rng.random() < answers:
        survey = _row(get_instrument(experience_id), review, Timepoint.OTHER, on, 0.8, rng)
        survey.completed_by = CompletedBy.SELF
        rows.append(survey)
    return rows


def _goals_at_4_weeks(service: Organisation, rng: random.Random) -> list[GoalProgress]:
    """Each plan goal's status at the 4-week review held: achieved goals were often achieved
    by then, the rest were under way."""
    goals: dict[int, list[Goal]] = {}
    for goal in (
        Goal.objects.filter(plan__case__link_worker_service=service)
        .select_related("plan")
        .order_by("pk")
    ):
        goals.setdefault(goal.plan.case_id, []).append(goal)
    out: list[GoalProgress] = []
    for follow_up in FollowUp.objects.filter(
        case__link_worker_service=service,
        kind=FollowUpKind.REVIEW_4_WEEKS,
        completed_at__isnull=False,
    ).order_by("pk"):
        for goal in goals.get(follow_up.case_id, []):
            status = goal.status
            if status == GoalStatus.ACHIEVED and rng.random() < 0.4:
                status = GoalStatus.IN_PROGRESS
            out.append(
                GoalProgress(follow_up=follow_up, goal=goal, goal_text=goal.text, status=status)
            )
    return out


def reset() -> int:
    """Remove measures recorded for the demo service (before the demo's organisations go)."""
    service = Organisation.objects.filter(
        name=DEMO_SERVICE, kind=OrganisationKind.LINK_WORKER_SERVICE
    ).first()
    if service is None:
        return 0
    return MeasureAdministration.objects.filter(organisation=service).delete()[0]
