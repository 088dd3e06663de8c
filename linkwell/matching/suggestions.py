"""Suggestions on the plan screen, and the link worker's choices.

Selectors: `case_suggestions` (rank the directory for a case and record what was shown as a
`MatchRun`), `get_run_for_case` (the access helper for runs: a run of another case is a 404),
`decision_report` (how the ranking did against real decisions).

Services (atomic, audited in the same transaction): `match_run_record`, `suggestion_signpost`,
`suggestion_refer`, `suggestion_dismiss`, and `search_connection_decision`, which runs when the
ordinary connect page (connections/views/case.py) sends `connection_made` inside the transaction
that creates a connection (`MatchingConfig.ready` connects it),
so a service connected from the directory search is recorded against the latest run: with its
rank when it had been suggested, as "chose unsuggested" when not.

The Matcher is the per-process cache of `linkwell.matching.cache` (rebuilt when the directory,
capacity or open referrals change), ranked on a private copy per request so what a
person said is never remembered between requests.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.analysis.disclosure import (
    SUPPRESSED,
    PublishedCount,
    PublishedValue,
    is_small,
    suppress_count,
    suppress_value,
)
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.connections.models import Connection, ConnectionKind
from linkwell.connections.services import connection_refer, connection_signpost
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import Service
from linkwell.matching import cache as matcher_cache
from linkwell.matching.case_profile import CaseProfile, case_profile
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import COMPONENTS, Suggestion
from linkwell.matching.models import DecisionAction, DecisionVia, MatchDecision, MatchRun
from linkwell.matching.wording import (
    distance_text,
    places_text,
    reasons_below_header,
    session_text,
)

ENGINE_VERSION = "linkwell-matching/1"
TOP = 8
HIT_AT = 5
# A connection made from the ordinary search is judged against the case's latest run if it was
# shown this recently (older suggestions no longer describe what the link worker had in front of
# them).
RUN_WINDOW = dt.timedelta(days=30)
MAX_REASON = 300
CHOSEN = (DecisionAction.SIGNPOSTED, DecisionAction.REFERRED, DecisionAction.CHOSE_UNSUGGESTED)


@dataclass(frozen=True)
class ShownSuggestion:
    """One row of the suggestions panel."""

    rank: int
    service_uuid: str
    name: str
    organisation: str
    score: float
    reasons: list[str]
    distance: str
    schedule: list[str]
    places: str
    at_capacity: bool
    accepts_referrals: bool
    description: str = ""


@dataclass
class CaseSuggestions:
    case_profile: CaseProfile
    run: MatchRun
    rows: list[ShownSuggestion] = field(default_factory=list)
    # Ranked on words alone while the directory is being read for meaning in the background
    # (`matching.cache`): the page says so, and that asking again in a few minutes does better.
    words_only: bool = False


def _audit(
    *,
    actor: User | None,
    case: Case,
    action: AuditAction,
    obj: Any,
    detail: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        organisation=case.link_worker_service,
        person_id=str(case.person.uuid),
        detail=detail,
    )


def dismissed_service_ids(case: Case) -> set[str]:
    return set(
        MatchDecision.objects.filter(run__case=case, action=DecisionAction.DISMISSED).values_list(
            "service_uuid", flat=True
        )
    )


def match_run_record(
    *,
    actor: User | None,
    case: Case,
    suggestions: Sequence[Suggestion],
    components: Sequence[str] = (),
) -> MatchRun:
    """Keep what was shown (ids, scores, ranks; no personal data) for later evaluation."""
    with transaction.atomic():
        run = MatchRun.objects.create(
            case=case,
            user=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=timezone.now(),
            engine=ENGINE_VERSION,
            components=sorted(components or COMPONENTS),
            shown=[
                {
                    "service": s.service_id,
                    "rank": rank,
                    "score": round(float(s.score), 4),
                    "at_capacity": bool(s.at_capacity),
                }
                for rank, s in enumerate(suggestions, start=1)
            ],
        )
        _audit(
            actor=actor,
            case=case,
            action=AuditAction.MATCHING_SUGGESTIONS_SHOWN,
            obj=run,
            detail={"services": [s.service_id for s in suggestions]},
        )
    return run


def _row(rank: int, suggestion: Suggestion, doc: ServiceDoc) -> ShownSuggestion:
    places = ""
    if suggestion.at_capacity:
        places = "Full"
    elif suggestion.places_left is not None:
        places = places_text(suggestion.places_left)
    distance = distance_text(suggestion.distance_km) if suggestion.distance_km is not None else ""
    return ShownSuggestion(
        rank=rank,
        service_uuid=suggestion.service_id,
        name=doc.name,
        organisation=doc.organization,
        score=suggestion.score,
        reasons=reasons_below_header(suggestion.reasons, distance=distance, places=places),
        distance=distance,
        # Sessions a reason already quotes ("Tuesdays 10:00-12:00 - you said Tuesday mornings")
        # are not listed again under "When".
        schedule=[
            session
            for session in dict.fromkeys(session_text(s) for s in doc.schedules)
            if not any(reason.startswith(session) for reason in suggestion.reasons)
        ],
        places=places,
        at_capacity=suggestion.at_capacity,
        accepts_referrals=bool(doc.accepts_referrals),
        description=doc.description,
    )


def case_suggestions(
    *, actor: User | None, case: Case, request: Any = None, top: int = TOP
) -> CaseSuggestions:
    """Rank the directory for the case (services dismissed for it are left out), record the run
    and return the rows to show. Reads the person's record (logged by `case_profile`)."""
    built = case_profile(actor=actor, case=case, request=request)
    dismissed = dismissed_service_ids(case)
    profile = built.profile
    if dismissed:
        profile = replace(profile, exclude_service_ids=profile.exclude_service_ids | dismissed)
    matcher = matcher_cache.private_matcher()
    ranked = matcher.rank(profile, top=top, at=timezone.now())
    # Without vectors (no model installed, or the directory still being embedded in the
    # background: `matching.cache`) the ranking had no semantic part; the run says so.
    used = COMPONENTS - {"semantic"} if matcher.embeddings is None else COMPONENTS
    run = match_run_record(actor=actor, case=case, suggestions=ranked, components=sorted(used))
    wanted = {s.service_id for s in ranked}
    docs = {d.id: d for d in matcher.services if d.id in wanted}
    rows = [_row(rank, s, docs[s.service_id]) for rank, s in enumerate(ranked, start=1)]
    return CaseSuggestions(
        case_profile=built,
        run=run,
        rows=rows,
        words_only=matcher.embeddings is None and matcher_cache.warming(),
    )


def get_run_for_case(case: Case, run_id: uuid.UUID) -> MatchRun:
    """The access helper for runs: the caller has already passed `get_case_for_user`; a run of
    another case is a 404 (its existence is not revealed)."""
    try:
        return MatchRun.objects.get(uuid=run_id, case=case)
    except MatchRun.DoesNotExist as exc:
        raise Http404("No such suggestions") from exc


def _shown_rank(run: MatchRun, service: Service) -> int:
    rank = run.rank_of(str(service.uuid))
    if rank is None:
        raise ValidationFailed(
            {"service": [f"“{service.name}” was not among these suggestions. Reload the page."]}
        )
    return rank


def _decide(
    *,
    actor: User | None,
    run: MatchRun,
    service: Service,
    rank: int | None,
    action: str,
    via: str = DecisionVia.SUGGESTIONS,
    reason: str = "",
    connection: Connection | None = None,
) -> MatchDecision:
    service_uuid = str(service.uuid)
    decision = MatchDecision.objects.create(
        run=run,
        service=service,
        service_uuid=service_uuid,
        rank=rank,
        action=action,
        via=via,
        reason=reason,
        connection=connection,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    _audit(
        actor=actor,
        case=run.case,
        action=AuditAction.MATCHING_DECISION_RECORDED,
        obj=decision,
        detail={
            "run": str(run.uuid),
            "service": service_uuid,
            "rank": rank,
            "decision": action,
            "via": via,
            **({"connection": str(connection.uuid)} if connection else {}),
        },
    )
    return decision


def suggestion_signpost(*, actor: User | None, run: MatchRun, service: Service) -> Connection:
    """One click: give the person the service's details, recorded against the run."""
    return _connect_shown(
        actor=actor,
        run=run,
        service=service,
        action=DecisionAction.SIGNPOSTED,
        connect=lambda: connection_signpost(actor=actor, case=run.case, service=service),
    )


def suggestion_refer(
    *,
    actor: User | None,
    run: MatchRun,
    service: Service,
    confirm_full: bool = False,
    message: str = "",
    share_access_needs: bool = False,
) -> Connection:
    """One click: refer (the connections rules apply: consent, signposting-only, full unless
    `confirm_full`), recorded against the run. Nothing is written when it is refused."""
    return _connect_shown(
        actor=actor,
        run=run,
        service=service,
        action=DecisionAction.REFERRED,
        connect=lambda: connection_refer(
            actor=actor,
            case=run.case,
            service=service,
            message=message,
            share_access_needs=share_access_needs,
            confirm_full=confirm_full,
        ),
    )


def _connect_shown(
    *,
    actor: User | None,
    run: MatchRun,
    service: Service,
    action: str,
    connect: Callable[[], Connection],
) -> Connection:
    """Make the connection (`connect`) to a service the run showed and record the decision,
    in one transaction: a refused connection records nothing."""
    rank = _shown_rank(run, service)
    with transaction.atomic():
        connection = connect()
        _decide(
            actor=actor, run=run, service=service, rank=rank, action=action, connection=connection
        )
    return connection


def suggestion_dismiss(
    *, actor: User | None, run: MatchRun, service: Service, reason: str = ""
) -> MatchDecision:
    """ "Not suitable" (optional reason): recorded, and left out of this case's next suggestions."""
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            {"reason": [f"Keep the reason to {MAX_REASON} characters or fewer."]}
        )
    rank = _shown_rank(run, service)
    with transaction.atomic():
        return _decide(
            actor=actor,
            run=run,
            service=service,
            rank=rank,
            action=DecisionAction.DISMISSED,
            reason=reason,
        )


def search_connection_decision(
    *, actor: User | None, connection: Connection, run_id: str = ""
) -> MatchDecision | None:
    """Record a connection made on the ordinary connect page against the case's suggestions.

    `run_id` (the page was opened from a suggestion's "refer with a message") names the run;
    otherwise the case's latest run within `RUN_WINDOW` is used, and without one nothing is
    recorded (nothing was suggested). Call inside the transaction that created the connection."""
    case = connection.case
    run: MatchRun | None = None
    via = DecisionVia.SEARCH
    if run_id:
        try:
            run = MatchRun.objects.filter(uuid=uuid.UUID(run_id), case=case).first()
        except ValueError:
            run = None
        if run is not None:
            via = DecisionVia.SUGGESTIONS
    if run is None:
        run = (
            MatchRun.objects.filter(case=case, created_at__gte=timezone.now() - RUN_WINDOW)
            .order_by("-created_at", "-pk")
            .first()
        )
    if run is None:
        return None
    service_uuid = str(connection.service.uuid)
    rank = run.rank_of(service_uuid)
    if rank is None:
        action = DecisionAction.CHOSE_UNSUGGESTED
        via = DecisionVia.SEARCH
    elif connection.kind == ConnectionKind.REFERRAL:
        action = DecisionAction.REFERRED
    else:
        action = DecisionAction.SIGNPOSTED
    return _decide(
        actor=actor,
        run=run,
        service=connection.service,
        rank=rank,
        action=action,
        via=via,
        connection=connection,
    )


# --- Evaluation against real decisions ----------------------------------------------------------


@dataclass(frozen=True)
class DecisionReport:
    since: dt.date | None
    runs: PublishedCount
    chosen: PublishedCount
    dismissed: PublishedCount
    hit_rate: PublishedValue
    mrr: PublishedValue
    connections: PublishedCount
    from_suggestions: PublishedCount
    suggestion_share: PublishedValue
    ndcg: PublishedValue = None  # nDCG@5 of what was chosen, per run with a choice

    def lines(self) -> list[str]:
        def show(value: PublishedValue) -> str:
            if value is None:
                return "no data"
            if isinstance(value, str):
                return f"{value} (fewer than 8: withheld)"
            return f"{value:.3f}"

        return [
            f"Since: {self.since.isoformat() if self.since else 'the beginning'}",
            f"Suggestion lists shown: {self.runs}",
            f"Services chosen (signposted, referred, or chosen elsewhere): {self.chosen}",
            f"Suggestions marked not suitable: {self.dismissed}",
            f"Hit rate@{HIT_AT} (chosen service was in the top {HIT_AT}): {show(self.hit_rate)}",
            f"MRR of chosen services (0 when not suggested): {show(self.mrr)}",
            f"nDCG@{HIT_AT} of the lists (chosen = relevant, not suitable = 0): {show(self.ndcg)}",
            f"Connections made: {self.connections}",
            f"Connections made from the suggestions: {self.from_suggestions}",
            f"Share of connections that came from suggestions: {show(self.suggestion_share)}",
        ]


def decision_report(*, since: dt.date | None = None) -> DecisionReport:
    """The ranking against the link workers' real choices, with disclosure control: counts of
    1-7 are "*", others rounded to 5; rates over 1-7 decisions are withheld.

    A "chosen" decision is a signpost or referral (from the suggestions or the ordinary search)
    or a service chosen that was not suggested; hit rate@5 is the share whose rank was 1-5; MRR
    the mean of 1/rank (0 when not suggested). The share counts connections created since
    `since` that were made from the suggestions page over all connections created since then."""
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC) if since is not None else None
    runs = MatchRun.objects.all()
    decisions = MatchDecision.objects.all()
    connections = Connection.objects.all()
    if start is not None:
        runs = runs.filter(created_at__gte=start)
        decisions = decisions.filter(created_at__gte=start)
        connections = connections.filter(created_at__gte=start)
    chosen_ranks = list(decisions.filter(action__in=CHOSEN).values_list("rank", flat=True))
    n = len(chosen_ranks)
    hits = sum(1 for r in chosen_ranks if r is not None and r <= HIT_AT)
    reciprocal = sum(1.0 / r for r in chosen_ranks if r)
    ndcg_sum, ndcg_runs = run_ndcg(decisions)
    n_connections = connections.count()
    from_suggestions = decisions.filter(
        Q(action__in=(DecisionAction.SIGNPOSTED, DecisionAction.REFERRED)),
        via=DecisionVia.SUGGESTIONS,
        connection__isnull=False,
    ).count()
    return DecisionReport(
        since=since,
        runs=suppress_count(runs.count()),
        chosen=suppress_count(n),
        dismissed=suppress_count(decisions.filter(action=DecisionAction.DISMISSED).count()),
        hit_rate=_rate(hits, n),
        mrr=_rate(reciprocal, n, numerator=sum(1 for r in chosen_ranks if r)),
        connections=suppress_count(n_connections),
        from_suggestions=suppress_count(from_suggestions),
        suggestion_share=_rate(from_suggestions, n_connections),
        ndcg=_rate(ndcg_sum, ndcg_runs, numerator=ndcg_runs),
    )


def run_ndcg(decisions: Any) -> tuple[float, int]:
    """(sum of nDCG@5 over runs with a choice, number of such runs). In each run the services
    chosen are relevant (grade 1) at the best rank they were shown at, those marked not suitable
    0; a chosen service that was not shown adds to the ideal only."""
    chosen: dict[Any, dict[str, int | None]] = {}
    for run_id, service, rank, action in decisions.values_list(
        "run_id", "service_uuid", "rank", "action"
    ):
        if action not in CHOSEN:
            continue
        ranks = chosen.setdefault(run_id, {})
        best = ranks.get(service)
        ranks[service] = rank if best is None or (rank is not None and rank < best) else best
    total = 0.0
    for ranks in chosen.values():
        shown = sorted(r for r in ranks.values() if r is not None and r <= HIT_AT)
        dcg = sum(1 / math.log2(r + 1) for r in shown)
        ideal = sum(1 / math.log2(k + 2) for k in range(min(len(ranks), HIT_AT)))
        total += dcg / ideal if ideal else 0.0
    return total, len(chosen)


def _rate(value: float, n: int, *, numerator: int | None = None) -> PublishedValue:
    """`value / n`, withheld when n is 1-7 and also when the count behind the numerator is: a
    share of 0.002 of 545 connections would give away the "*" printed for the 1 behind it."""
    published = suppress_value(round(value / n, 3) if n else None, n)
    behind = int(value) if numerator is None else numerator
    if published is not None and is_small(behind):
        return SUPPRESSED
    return published
