"""Health and care service use before and after referral, from imported activity extracts.

Index date: the person's **first referral received in the period** (UK date). Windows:
before = [index - months_before, index), after = [index, index + months_after). A person is
counted only when both windows lie inside the dates the loaded extracts cover (the earliest
`period_start` to the latest `period_end` of all imports — extracts are assumed to cover every
referred person and to be contiguous, README.md); people whose windows are incomplete are
reported as `n_incomplete` and left out. A person with no activity in a window used nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Min
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.analysis.stats import Observation, PairedResult, paired_analysis
from linkwell.evidence.costs import Cost, unit_costs
from linkwell.evidence.models import ActivityImport, ActivityKind, ActivityRecord
from linkwell.evidence.selectors.common import add_months, scoped_referrals


@dataclass(frozen=True)
class ServiceUseRow:
    kind: str
    label: str
    before: int  # contacts in the before windows, all counted people
    after: int
    people_before: int  # people with at least one contact of this kind before
    people_after: int
    unit_cost: Decimal
    cost_before: Decimal
    cost_after: Decimal
    cost_source: str
    cost_is_default: bool


@dataclass(frozen=True)
class ServiceUseResult:
    months_before: int
    months_after: int
    coverage_start: dt.date | None
    coverage_end: dt.date | None
    n_people: int  # people with both windows complete (the denominator of every mean)
    n_incomplete: int  # referred in the period but a window outside the extracts' dates
    rows: list[ServiceUseRow]
    cost_before: Decimal
    cost_after: Decimal
    # Paired analysis of each person's total cost (lower is better): mean change with its CI.
    cost_change: PairedResult

    @property
    def mean_cost_before(self) -> Decimal | None:
        return None if not self.n_people else (self.cost_before / self.n_people)

    @property
    def mean_cost_after(self) -> Decimal | None:
        return None if not self.n_people else (self.cost_after / self.n_people)


def activity_coverage() -> tuple[dt.date | None, dt.date | None]:
    agg = ActivityImport.objects.aggregate(start=Min("period_start"), end=Max("period_end"))
    return agg["start"], agg["end"]


def service_use_comparison(
    *,
    user: User | AnonymousUser | None,
    filters: ReportFilter,
    months_before: int = 6,
    months_after: int = 6,
) -> ServiceUseResult:
    """Contacts and their cost per kind in the windows before and after referral (module
    docstring). Raw figures: suppress before publishing. Queries: 4."""
    if not (1 <= months_before <= 36 and 1 <= months_after <= 36):
        raise ValueError("Windows must be between 1 and 36 months long.")
    costs: dict[str, Cost] = unit_costs()
    start, end = activity_coverage()
    index: dict[int, dt.date] = {}
    for person_id, received in (
        scoped_referrals(user=user, filters=filters)
        .order_by("received_at")
        .values_list("person_id", "received_at")
    ):
        index.setdefault(person_id, timezone.localdate(received))
    windows: dict[int, tuple[dt.date, dt.date, dt.date]] = {}
    incomplete = 0
    for person_id, day in index.items():
        lo, hi = add_months(day, -months_before), add_months(day, months_after)
        if start is None or end is None or lo < start or hi - dt.timedelta(days=1) > end:
            incomplete += 1
        else:
            windows[person_id] = (lo, day, hi)
    counts: dict[str, list[int]] = {k: [0, 0] for k in ActivityKind.values}
    people: dict[str, list[set[int]]] = {k: [set(), set()] for k in ActivityKind.values}
    person_cost: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    if windows:
        lo_all = min(w[0] for w in windows.values())
        hi_all = max(w[2] for w in windows.values())
        records = ActivityRecord.objects.filter(
            person_id__in=list(windows), occurred_on__gte=lo_all, occurred_on__lt=hi_all
        ).values_list("person_id", "occurred_on", "kind")
        for person_id, day, kind in records.iterator():
            lo, mid, hi = windows[person_id]
            if lo <= day < mid:
                side = 0
            elif mid <= day < hi:
                side = 1
            else:
                continue
            counts[kind][side] += 1
            people[kind][side].add(person_id)
            person_cost[person_id][side] += costs[kind].cost
    rows = [
        ServiceUseRow(
            kind=kind,
            label=costs[kind].label,
            before=counts[kind][0],
            after=counts[kind][1],
            people_before=len(people[kind][0]),
            people_after=len(people[kind][1]),
            unit_cost=costs[kind].cost,
            cost_before=costs[kind].cost * counts[kind][0],
            cost_after=costs[kind].cost * counts[kind][1],
            cost_source=costs[kind].source,
            cost_is_default=costs[kind].is_default,
        )
        for kind in ActivityKind.values
    ]
    observations = [
        Observation(
            person_id=str(pid),
            baseline=float(person_cost[pid][0]),
            followup=float(person_cost[pid][1]),
        )
        for pid in windows
    ]
    return ServiceUseResult(
        months_before=months_before,
        months_after=months_after,
        coverage_start=start,
        coverage_end=end,
        n_people=len(windows),
        n_incomplete=incomplete,
        rows=rows,
        cost_before=sum((r.cost_before for r in rows), Decimal(0)),
        cost_after=sum((r.cost_after for r in rows), Decimal(0)),
        cost_change=paired_analysis(observations, lower_is_better=True),
    )
