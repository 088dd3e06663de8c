"""Outcome reads: a case's measures, and which measures are due (the caseload's "measures due").

When measures are due: the baseline at the first wellbeing review, then each scheduled timepoint
(models.TIMEPOINT_DAYS: about 4 weeks, 3, 6 and 12 months) after that review's date. A timepoint
is due from a week before its day until the next scheduled timepoint opens (the last one for 90
days), unless that measure was already recorded at that timepoint. Which measures and timepoints
come from the service's `MeasureSchedule`, else `settings.OUTCOMES_DEFAULT_MEASURES` at every
timepoint. `measures_due_for_cases` answers for a whole caseload in three queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, QuerySet
from django.utils import timezone

from linkwell.casework.models import Case, FollowUp, FollowUpKind, WellbeingReview
from linkwell.outcomes.models import (
    TIMEPOINT_DAYS,
    MeasureAdministration,
    MeasureSchedule,
    Timepoint,
)
from linkwell.outcomes.registry import UnknownInstrument, get_instrument

OPENS_DAYS_BEFORE = 7
LAST_WINDOW_DAYS = 90
OVERDUE_AFTER_DAYS = 14


@dataclass(frozen=True)
class ScheduleSpec:
    instruments: tuple[str, ...]
    timepoints: tuple[str, ...]
    custom: bool = False

    @property
    def instrument_titles(self) -> list[str]:
        """The measures as people know them ("SWEMWBS", not "swemwbs")."""
        return [_title(i) for i in self.instruments]

    @property
    def timepoint_labels(self) -> list[str]:
        """When they are taken, in words ("About 4 weeks", not "week_4")."""
        known = dict(Timepoint.choices)
        return [str(known.get(t, t)) for t in self.timepoints]


@dataclass(frozen=True)
class DueMeasure:
    instrument_id: str
    title: str
    timepoint: str
    due_on: dt.date
    overdue: bool

    @property
    def timepoint_label(self) -> str:
        return str(Timepoint(self.timepoint).label)


def default_schedule() -> ScheduleSpec:
    return ScheduleSpec(
        instruments=tuple(settings.OUTCOMES_DEFAULT_MEASURES), timepoints=tuple(TIMEPOINT_DAYS)
    )


def schedules_for(organisation_ids: Iterable[int]) -> dict[int, ScheduleSpec]:
    """Each service's schedule (the default where it has set none). One query."""
    ids = set(organisation_ids)
    found = {
        s.organisation_id: ScheduleSpec(tuple(s.instruments), tuple(s.timepoints), custom=True)
        for s in MeasureSchedule.objects.filter(organisation_id__in=ids)
    }
    default = default_schedule()
    return {org_id: found.get(org_id, default) for org_id in ids}


def _title(instrument_id: str) -> str:
    try:
        return get_instrument(instrument_id).short_title
    except UnknownInstrument:
        return instrument_id


def due_for_case(
    *,
    spec: ScheduleSpec,
    baseline_on: dt.date | None,
    recorded: set[tuple[str, str]],
    today: dt.date,
) -> list[DueMeasure]:
    """The measures due today for one case (pure: tests call it directly)."""
    if baseline_on is None:
        return []
    points = [t for t in TIMEPOINT_DAYS if t in spec.timepoints]
    out = []
    for index, timepoint in enumerate(points):
        due_on = baseline_on + dt.timedelta(days=TIMEPOINT_DAYS[timepoint])
        opens = due_on - dt.timedelta(days=OPENS_DAYS_BEFORE if index else 0)
        if index + 1 < len(points):
            closes = baseline_on + dt.timedelta(
                days=TIMEPOINT_DAYS[points[index + 1]] - OPENS_DAYS_BEFORE
            )
        else:
            closes = due_on + dt.timedelta(days=LAST_WINDOW_DAYS)
        if not opens <= today < closes:
            continue
        for instrument_id in spec.instruments:
            if (instrument_id, timepoint) in recorded:
                continue
            out.append(
                DueMeasure(
                    instrument_id=instrument_id,
                    title=_title(instrument_id),
                    timepoint=timepoint,
                    due_on=due_on,
                    overdue=today > due_on + dt.timedelta(days=OVERDUE_AFTER_DAYS),
                )
            )
    return out


def measures_due_for_cases(
    cases: list[Case], *, today: dt.date | None = None
) -> list[tuple[Case, list[DueMeasure]]]:
    """(case, measures due) for the cases with something due, in the order given.

    Three queries whatever the number of cases: schedules, first review dates, measures taken.
    The caller has already scoped `cases` to the acting user (casework selectors).
    """
    if not cases:
        return []
    today = today or timezone.localdate()
    ids = [case.pk for case in cases]
    specs = schedules_for({case.link_worker_service_id for case in cases})
    baselines = dict(
        WellbeingReview.objects.filter(case_id__in=ids)
        .values("case_id")
        .annotate(first=Min("held_on"))
        .values_list("case_id", "first")
    )
    recorded: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for case_id, instrument_id, timepoint in (
        MeasureAdministration.objects.filter(case_id__in=ids)
        .values_list("case_id", "instrument_id", "timepoint")
        .distinct()
    ):
        recorded[case_id].add((instrument_id, timepoint))
    out = []
    for case in cases:
        due = due_for_case(
            spec=specs[case.link_worker_service_id],
            baseline_on=baselines.get(case.pk),
            recorded=recorded[case.pk],
            today=today,
        )
        if due:
            out.append((case, due))
    return out


def case_ids_with_measures_due(cases: QuerySet[Case], today: dt.date) -> list[int]:
    """The ids of `cases` (scoped by the caller) with a measure due today: the caseload's
    "Outcome measures due" filter (registered in `OutcomesConfig.ready`). Four queries."""
    slim = list(Case.objects.filter(pk__in=cases.values("pk")).only("pk", "link_worker_service"))
    return [case.pk for case, _ in measures_due_for_cases(slim, today=today)]


def administrations_for_case(case: Case) -> QuerySet[MeasureAdministration]:
    """The case's measures, newest first (the caller has access-checked the case)."""
    return MeasureAdministration.objects.filter(case=case).select_related("recorded_by")


def baseline_measures_for_review(review: WellbeingReview) -> list[MeasureAdministration]:
    return list(
        MeasureAdministration.objects.filter(review=review).order_by("instrument_id", "created_at")
    )


@dataclass(frozen=True)
class MeasureTrend:
    instrument_id: str
    title: str
    rows: list[MeasureAdministration]
    direction: str


def trends_for_case(case: Case) -> list[MeasureTrend]:
    """The case's measures grouped by instrument, oldest first (for the outcomes page)."""
    grouped: dict[str, list[MeasureAdministration]] = defaultdict(list)
    for row in administrations_for_case(case).order_by("administered_on", "created_at"):
        grouped[row.instrument_id].append(row)
    out = []
    for instrument_id, rows in grouped.items():
        try:
            instrument = get_instrument(instrument_id, rows[-1].instrument_version)
            title, direction = instrument.short_title, instrument.direction
        except UnknownInstrument:
            title, direction = instrument_id, ""
        out.append(MeasureTrend(instrument_id, title, rows, direction))
    return out


# The measurement timepoint a follow-up falls at (the schedule's "about 4 weeks" is the 4-week
# review, and so on); "other" follow-ups have none.
FOLLOW_UP_TIMEPOINTS: dict[str, str] = {
    FollowUpKind.REVIEW_4_WEEKS: Timepoint.WEEK_4,
    FollowUpKind.CHECK_IN_3_MONTHS: Timepoint.MONTH_3,
    FollowUpKind.CHECK_IN_6_MONTHS: Timepoint.MONTH_6,
    FollowUpKind.CHECK_IN_12_MONTHS: Timepoint.MONTH_12,
}


@dataclass(frozen=True)
class FollowUpMeasures:
    """The measures to take at a follow-up: those due now (the schedule's windows, as on the
    caseload) and those already recorded at its timepoint."""

    timepoint: str
    due: list[DueMeasure]
    recorded: list[MeasureAdministration]


def measures_for_follow_up(
    case: Case, follow_up: FollowUp, *, today: dt.date | None = None
) -> FollowUpMeasures:
    """The caller has access-checked the case. Four queries."""
    timepoint = FOLLOW_UP_TIMEPOINTS.get(follow_up.kind, Timepoint.OTHER)
    [(_, due)] = measures_due_for_cases([case], today=today) or [(case, [])]
    recorded = (
        list(
            administrations_for_case(case)
            .filter(timepoint=timepoint)
            .order_by("instrument_id", "-administered_on")
        )
        if timepoint != Timepoint.OTHER
        else []
    )
    return FollowUpMeasures(timepoint=timepoint, due=due, recorded=recorded)
