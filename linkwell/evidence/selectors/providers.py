"""Provider performance per directory organisation: acceptance, response time, attendance and
outcomes.

Counted: connections of kind *referral* from cases in scope, **sent** (requested) in the
period. Definitions (README.md):

- `sent`: referrals requested; `accepted`: the provider accepted (status accepted, attending,
  on hold, completed or stopped after acceptance); `rejected`: declined by the provider;
  `acceptance_rate` = accepted / sent (no answer counts against the provider).
- `median_response_hours`: median of (accepted or declined - sent) over the answered ones.
- `attendance_rate`: of accepted referrals, the share with at least one attended session.
- `completion_rate`: of accepted referrals, the share completed.
- `outcome`: paired pre/post of `outcome_instrument` over the cases connected to the provider.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.analysis.stats import PairedResult, paired_analysis
from linkwell.connections.models import Attendance, Connection, ConnectionKind, ConnectionStatus
from linkwell.evidence.funnel import FunnelData, FunnelPoint, funnel
from linkwell.evidence.selectors.common import local_midnight, scoped_cases
from linkwell.evidence.selectors.outcomes import _case_scores, _direction
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import get_instrument

ACCEPTED_STATUSES = frozenset(
    {
        ConnectionStatus.ACCEPTED,
        ConnectionStatus.IN_PROGRESS,
        ConnectionStatus.ON_HOLD,
        ConnectionStatus.COMPLETED,
        ConnectionStatus.FAILED,
    }
)
FUNNEL_METRICS = {
    "acceptance": ("Acceptance rate", "sent", "accepted"),
    "attendance": ("Attendance rate", "accepted", "attended"),
    "completion": ("Completion rate", "accepted", "completed"),
}


@dataclass(frozen=True)
class ProviderRow:
    key: str  # the directory organisation's UUID
    name: str
    sent: int
    answered: int
    accepted: int
    rejected: int
    attended: int
    completed: int
    median_response_hours: float | None
    outcome: PairedResult | None

    @property
    def acceptance_rate(self) -> float | None:
        return None if not self.sent else 100 * self.accepted / self.sent

    @property
    def attendance_rate(self) -> float | None:
        return None if not self.accepted else 100 * self.attended / self.accepted

    @property
    def completion_rate(self) -> float | None:
        return None if not self.accepted else 100 * self.completed / self.accepted


def provider_performance(
    *,
    user: User | AnonymousUser | None,
    filters: ReportFilter,
    outcome_instrument: str | None = None,
) -> list[ProviderRow]:
    """One row per provider with referrals sent in the period, by name. Raw figures.
    Queries: 2 (+2 with `outcome_instrument`)."""
    cases = scoped_cases(user=user, filters=filters)
    qs = Connection.objects.filter(
        case__in=cases, kind=ConnectionKind.REFERRAL, requested_at__isnull=False
    )
    if filters.start is not None:
        qs = qs.filter(requested_at__gte=local_midnight(filters.start))
    if filters.end is not None:
        qs = qs.filter(requested_at__lt=local_midnight(filters.end + dt.timedelta(days=1)))
    rows = list(
        qs.annotate(
            attended_any=Exists(Attendance.objects.filter(connection=OuterRef("pk"), attended=True))
        ).values(
            "case_id",
            "status",
            "requested_at",
            "responded_at",
            "attended_any",
            "service__organization__uuid",
            "service__organization__name",
        )
    )
    tallies: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {
            "sent": 0,
            "answered": 0,
            "accepted": 0,
            "rejected": 0,
            "attended": 0,
            "completed": 0,
            "hours": [],
            "cases": set(),
        }
    )
    for row in rows:
        t = tallies[(str(row["service__organization__uuid"]), row["service__organization__name"])]
        t["sent"] += 1
        t["cases"].add(row["case_id"])
        accepted = row["status"] in ACCEPTED_STATUSES
        rejected = row["status"] == ConnectionStatus.REJECTED
        if accepted:
            t["accepted"] += 1
            t["attended"] += 1 if row["attended_any"] else 0
            t["completed"] += 1 if row["status"] == ConnectionStatus.COMPLETED else 0
        if rejected:
            t["rejected"] += 1
        sent_at, answered_at = row["requested_at"], row["responded_at"]
        if (accepted or rejected) and answered_at is not None and sent_at is not None:
            t["answered"] += 1
            t["hours"].append((answered_at - sent_at).total_seconds() / 3600)
    outcomes: dict[tuple[str, str], PairedResult] = {}
    if outcome_instrument is not None:
        instrument = get_instrument(outcome_instrument)
        if not instrument.has_total:
            raise ValueError(f"{instrument.id} has no total score to compare providers on.")
        all_cases = {c for t in tallies.values() for c in t["cases"]}
        adms = list(
            MeasureAdministration.objects.filter(
                instrument_id=instrument.id, case_id__in=all_cases
            ).values("case_id", "timepoint", "administered_on", "score", "item_scores")
        )
        scores = _case_scores(adms, item=None, followup_timepoint=None)
        lower, rc = _direction(instrument, None)
        for key, t in tallies.items():
            obs = [scores[c].observation for c in t["cases"] if c in scores]
            outcomes[key] = paired_analysis(obs, lower_is_better=lower, reliable_change=rc)
    return [
        ProviderRow(
            key=key,
            name=name,
            sent=t["sent"],
            answered=t["answered"],
            accepted=t["accepted"],
            rejected=t["rejected"],
            attended=t["attended"],
            completed=t["completed"],
            median_response_hours=statistics.median(t["hours"]) if t["hours"] else None,
            outcome=outcomes.get((key, name)),
        )
        for (key, name), t in sorted(tallies.items(), key=lambda kv: kv[0][1].lower())
    ]


def provider_funnel(rows: list[ProviderRow], *, metric: str = "acceptance") -> FunnelData:
    """Funnel plot data for one rate ("acceptance", "attendance" or "completion")."""
    if metric not in FUNNEL_METRICS:
        raise ValueError(f"Unknown funnel metric {metric!r}: use {', '.join(FUNNEL_METRICS)}.")
    _, denominator, numerator = FUNNEL_METRICS[metric]
    return funnel(
        metric,
        [FunnelPoint(r.key, r.name, getattr(r, denominator), getattr(r, numerator)) for r in rows],
    )
