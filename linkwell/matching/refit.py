"""Refitting the ranking weights from a deployment's own decisions (`linkwell match_decisions
refit --out FILE`). Opt-in: nothing changes until an administrator points the
`LINKWELL_MATCHING_WEIGHTS` setting at the file written.

1. Every suggestion list (`MatchRun`) with a choice becomes one graded example: the services
   chosen (signposted, referred, or chosen elsewhere) are relevant (grade 1), those marked not
   suitable 0. The case's profile is rebuilt from the record as it is now (`case_profile.py`,
   read without an audit entry: no person's record is shown to anyone), leaving in the services
   decided on in that run (they are "already connected" now), and the directory as it is now is
   ranked at the run's time.
2. The runs are split by time: the latest `HELD_OUT_SHARE` are held out. Weights are fitted on
   the earlier runs (`fitting.cross_validate` picks the regularisation on them, `fitting.fit`
   fits), then the new and the current weights are compared by nDCG@5 on the held-out runs.
3. The file is written only when the new weights do better there.

Real decisions only: the product never fits to synthetic ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from linkwell.core.exceptions import LinkwellError
from linkwell.matching import fitting
from linkwell.matching.case_profile import build_case_profile
from linkwell.matching.engine import Matcher
from linkwell.matching.features import Ranker
from linkwell.matching.models import DecisionAction, MatchRun
from linkwell.matching.profile import Profile

HELD_OUT_SHARE = 0.3
MIN_RUNS = 20  # runs with a choice; fewer cannot show a difference
CHOSEN = (DecisionAction.SIGNPOSTED, DecisionAction.REFERRED, DecisionAction.CHOSE_UNSUGGESTED)


class RefitError(LinkwellError):
    """Too few decisions to refit, or nothing to rank; the message says which."""


@dataclass(frozen=True)
class RefitResult:
    runs: int
    train: int
    held_out: int
    l2: float
    current_ndcg: float
    new_ndcg: float
    written: bool


def decision_set(
    matcher: Matcher,
) -> list[tuple[dt.datetime, Profile, dict[str, int]]]:
    """(when, profile, grades) for each run with a choice, oldest first."""
    out = []
    runs = (
        MatchRun.objects.filter(decisions__action__in=CHOSEN)
        .distinct()
        .select_related("case", "case__person")
        .prefetch_related("decisions")
        .order_by("created_at", "pk")
    )
    for run in runs:
        grades: dict[str, int] = {}
        for decision in run.decisions.all():
            if decision.action in CHOSEN:
                grades[decision.service_uuid] = 1
            elif decision.action == DecisionAction.DISMISSED:
                grades.setdefault(decision.service_uuid, 0)
        built = build_case_profile(run.case, today=run.created_at.date()).profile
        profile = replace(
            built,
            id=str(run.uuid),
            exclude_service_ids=built.exclude_service_ids - set(grades),
        )
        out.append((run.created_at, profile, grades))
    return out


def refit(
    matcher: Matcher,
    out: Path,
    *,
    current: Ranker | None,
    held_out_share: float = HELD_OUT_SHARE,
    min_runs: int = MIN_RUNS,
) -> RefitResult:
    examples = decision_set(matcher)
    if len(examples) < min_runs:
        raise RefitError(
            f"only {len(examples)} suggestion lists have a choice recorded; at least {min_runs} "
            "are needed to refit"
        )
    cut = max(1, round(len(examples) * (1 - held_out_share)))
    train, test = examples[:cut], examples[cut:]
    if not test:
        raise RefitError("no decisions left to hold out: record more before refitting")
    train_people = [p for _, p, _ in train]
    judgments = {p.id: g for _, p, g in examples}
    at_of = {p.id: when for when, p, _ in examples}
    # Each run is ranked at its own time: one example at a time.
    collected = [fitting.collect(matcher, [p], judgments, at=at_of[p.id])[0] for p in train_people]
    l2 = _choose_l2(matcher, train_people, judgments, at_of, collected)
    ranker = fitting.fit(collected, l2=l2)
    new = _mean(matcher, ranker, [p for _, p, _ in test], judgments, at_of)
    old = _mean(matcher, current, [p for _, p, _ in test], judgments, at_of)
    written = new > old
    if written:
        out.write_text(
            ranker.to_json(
                fitted_on=f"{len(train)} suggestion lists with a choice, up to "
                f"{train[-1][0]:%Y-%m-%d}",
                l2=l2,
                held_out_ndcg5={"new": round(new, 4), "current": round(old, 4)},
            ),
            encoding="utf-8",
        )
    return RefitResult(len(examples), len(train), len(test), l2, old, new, written)


def _mean(
    matcher: Matcher,
    ranker: Ranker | None,
    people: list[Profile],
    judgments: dict[str, dict[str, int]],
    at_of: dict[str, dt.datetime],
) -> float:
    values = [fitting.mean_ndcg(matcher, ranker, [p], judgments, at=at_of[p.id]) for p in people]
    kept = [v for v in values if v == v]  # NaN: nothing chosen was a service still listed
    return sum(kept) / len(kept) if kept else 0.0


def _choose_l2(
    matcher: Matcher,
    people: list[Profile],
    judgments: dict[str, dict[str, int]],
    at_of: dict[str, dt.datetime],
    collected: list[fitting.Example],
) -> float:
    """The regularisation with the best cross-validated nDCG@5 over the training runs."""
    by_id = {e.person: e for e in collected}
    best: tuple[float, float] | None = None
    for l2 in fitting.L2_GRID:
        scores = []
        for fold in fitting.folds([p.id for p in people]):
            ranker = fitting.fit([by_id[pid] for pid in by_id if pid not in fold], l2=l2)
            scores.append(
                _mean(matcher, ranker, [p for p in people if p.id in fold], judgments, at_of)
            )
        value = sum(scores) / len(scores) if scores else 0.0
        if best is None or value > best[0]:
            best = (value, l2)
    return best[1] if best else fitting.L2_GRID[0]
