"""A practice's own figures, shown beside its action plan: for the current financial quarter (so
far) and the three before it, the referrals of its registered patients, how long they waited
from referral to first contact (median days), and the outcomes of measures repeated (the share
whose latest score is better than their first); and the commonest referral reasons over the
four quarters.

Practice staff outside the serving teams see every figure through disclosure control
(linkwell/analysis/disclosure.py): counts of 1-7 as "*", others rounded to 5, a median or share
over 1-7 people withheld. The serving teams see the true figures (they hold the records).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.analysis.disclosure import (
    PublishedCount,
    PublishedValue,
    publish_count,
    suppress_value,
)
from linkwell.analysis.periods import quarter_bounds, quarter_containing, quarter_label
from linkwell.outcomes.engine import change_direction
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import UnknownInstrument, get_instrument
from linkwell.referrals.models import Referral

QUARTERS = 4
TOP_REASONS = 5


@dataclass(frozen=True)
class PeriodFigures:
    label: str
    start: dt.date
    end: dt.date
    referrals: PublishedCount
    waited: PublishedCount
    median_wait_days: PublishedValue
    measured: PublishedCount
    improved_percent: PublishedValue


@dataclass(frozen=True)
class PracticeFigures:
    periods: list[PeriodFigures]
    reasons: list[tuple[str, PublishedCount]]
    suppressed: bool


def _quarters(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    year, q = quarter_containing(today)
    out = []
    for _ in range(QUARTERS):
        start, end = quarter_bounds(year, q)
        out.append((quarter_label(year, q), start, end))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return out


def practice_figures(
    *, practice: Organisation, suppressed: bool, today: dt.date | None = None
) -> PracticeFigures:
    today = today or timezone.localdate()
    quarters = _quarters(today)
    first = quarters[-1][1]
    referrals = list(
        Referral.objects.filter(
            person__registered_practice=practice, received_at__date__gte=first
        ).values_list("received_at", "first_contact_at")
    )
    series: dict[tuple[int, str], list[MeasureAdministration]] = defaultdict(list)
    for row in MeasureAdministration.objects.filter(
        case__person__registered_practice=practice, score__isnull=False
    ).order_by("administered_on", "created_at"):
        series[(row.case_id, row.instrument_id)].append(row)  # type: ignore[index]
    changes: list[tuple[dt.date, int]] = []
    for rows in series.values():
        if len(rows) < 2:
            continue
        try:
            instrument = get_instrument(rows[-1].instrument_id, rows[-1].instrument_version)
        except UnknownInstrument:
            continue
        assert rows[0].score is not None and rows[-1].score is not None
        changes.append(
            (rows[-1].administered_on, change_direction(instrument, rows[0].score, rows[-1].score))
        )

    def count(n: int) -> PublishedCount:
        return publish_count(n, unsuppressed=not suppressed)

    def value(v: float | None, n: int) -> PublishedValue:
        if not suppressed:
            return v if n else None
        return suppress_value(v, n)

    periods = []
    for label, start, end in quarters:
        received = [(r, c) for r, c in referrals if start <= timezone.localtime(r).date() <= end]
        waits = [(c - r).total_seconds() / 86400 for r, c in received if c is not None]
        median = round(statistics.median(waits), 1) if waits else None
        measured = [d for on, d in changes if start <= on <= end]
        share = round(100 * sum(1 for d in measured if d > 0) / len(measured)) if measured else None
        periods.append(
            PeriodFigures(
                label=label,
                start=start,
                end=end,
                referrals=count(len(received)),
                waited=count(len(waits)),
                median_wait_days=value(median, len(waits)),
                measured=count(len(measured)),
                improved_percent=value(share, len(measured)),
            )
        )
    reason_counts: Counter[str] = Counter(
        dict(
            Referral.objects.filter(
                person__registered_practice=practice,
                received_at__date__gte=first,
                reasons__isnull=False,
            )
            .values_list("reasons__name")
            .annotate(n=Count("id"))
            .values_list("reasons__name", "n")
        )
    )
    reasons = [(name, count(n)) for name, n in reason_counts.most_common(TOP_REASONS)]
    return PracticeFigures(periods=periods, reasons=reasons, suppressed=suppressed)
