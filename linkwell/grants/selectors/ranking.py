"""A round's applications with the panel's scores: weighted totals, ranked (managers), and
what each panel member has still to score (panel). Constant queries, however many rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Prefetch

from linkwell.connections.models import ProvisionGap
from linkwell.grants.models import (
    Application,
    ConflictOfInterest,
    Criterion,
    PanelMember,
    Round,
    Score,
)
from linkwell.grants.selectors.gaps import gap_labels


@dataclass
class CriterionResult:
    criterion: Criterion
    mean: float | None
    scored_by: int


@dataclass
class RankedApplication:
    application: Application
    total: float | None  # weighted, as a percentage of the best possible
    scorers: int
    conflicts: int
    results: list[CriterionResult] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    mine_scored: bool = False
    mine_conflicted: bool = False
    rank: int | None = None


def weighted_total(results: list[CriterionResult]) -> float | None:
    """Sum of weight x (mean score / max score) over the criteria, as a percentage of the sum
    of the weights. None until every criterion has a score."""
    if not results or any(r.mean is None for r in results):
        return None
    weights = sum(float(r.criterion.weight) for r in results)
    if weights == 0:
        return None
    got = sum(float(r.criterion.weight) * (r.mean or 0) / r.criterion.max_score for r in results)
    return round(100 * got / weights, 1)


def ranked_applications(
    round_: Round, *, panel_member: PanelMember | None = None
) -> list[RankedApplication]:
    criteria = list(round_.criteria.all())
    applications = list(
        Application.objects.filter(round=round_)
        .select_related("tier")
        .prefetch_related(Prefetch("gaps", queryset=ProvisionGap.objects.select_related("need")))
        .annotate(conflict_count=Count("conflicts", distinct=True))
        .order_by("created_at", "pk")
    )
    means: dict[tuple[int, int], tuple[float, int]] = {}
    for row in (
        Score.objects.filter(application__round=round_)
        .values("application_id", "criterion_id")
        .annotate(mean=Avg("score"), n=Count("id"))
    ):
        means[(row["application_id"], row["criterion_id"])] = (float(row["mean"]), row["n"])
    scorers: dict[int, set[int]] = defaultdict(set)
    for app_id, member_id in Score.objects.filter(application__round=round_).values_list(
        "application_id", "panel_member_id"
    ):
        scorers[app_id].add(member_id)
    conflicted: set[int] = set()
    if panel_member is not None:
        conflicted = set(
            ConflictOfInterest.objects.filter(panel_member=panel_member).values_list(
                "application_id", flat=True
            )
        )
    rows = []
    for app in applications:
        results = [
            CriterionResult(
                criterion=c,
                mean=means.get((app.pk, c.pk), (None, 0))[0],
                scored_by=means.get((app.pk, c.pk), (None, 0))[1],
            )
            for c in criteria
        ]
        rows.append(
            RankedApplication(
                application=app,
                total=weighted_total(results),
                scorers=len(scorers[app.pk]),
                conflicts=app.conflict_count,
                results=results,
                gaps=gap_labels(app.gaps.all()),
                mine_scored=panel_member is not None and panel_member.pk in scorers[app.pk],
                mine_conflicted=app.pk in conflicted,
            )
        )
    rows.sort(key=lambda r: (r.total is None, -(r.total or 0), r.application.created_at))
    for i, ranked in enumerate(r for r in rows if r.total is not None):
        ranked.rank = i + 1
    return rows


def application_scores(application: Application) -> list[Score]:
    """Every score of an application with its panel member and criterion (managers)."""
    return list(
        Score.objects.filter(application=application)
        .select_related("criterion", "panel_member__user")
        .order_by("panel_member_id", "criterion__position", "criterion_id")
    )
