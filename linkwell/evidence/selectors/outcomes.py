"""Paired pre/post analysis of recorded measures, per cohort.

Unit of analysis: a **case** (one person's episode with a link-worker service). Its baseline is
its earliest `baseline` administration of the instrument; the period filter applies to the
baseline date. Its follow-up is the first administration at a later timepoint (or, with
`followup_timepoint`, the first at that timepoint); its *later* score (for "% still improved")
is the first administration at a timepoint after the follow-up's. Timepoints are ordered
baseline < week_4 < month_3 < month_6 < month_12; `other` is never used.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import DenseRank, RowNumber

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.analysis.stats import Observation, PairedResult, paired_analysis
from linkwell.casework.models import CaseReferral
from linkwell.connections.models import Connection, ConnectionKind
from linkwell.evidence.dimensions import NOT_RECORDED, age_band, imd_quintile, label
from linkwell.evidence.selectors.common import (
    compact_postcode,
    imd_deciles,
    in_period,
    quarter_of,
    scoped_cases,
)
from linkwell.outcomes.engine import Instrument
from linkwell.outcomes.models import MeasureAdministration, Timepoint
from linkwell.outcomes.registry import get_instrument

COHORT_DIMENSIONS: dict[str, str] = {
    "service": "Link-worker service",
    "practice": "GP practice",
    "reason": "Referral reason",
    "provider": "Provider",
    "intervention": "Service connected to",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "imd_quintile": "IMD quintile",
    "period": "Quarter of baseline",
}

TIMEPOINT_ORDER: dict[str, int] = {
    Timepoint.BASELINE: 0,
    Timepoint.WEEK_4: 1,
    Timepoint.MONTH_3: 2,
    Timepoint.MONTH_6: 3,
    Timepoint.MONTH_12: 4,
}
ALL = "All"


@dataclass(frozen=True)
class OutcomeRow:
    """One cohort's analysis. `key` is a stable code (a UUID, category code, or "All")."""

    key: str
    label: str
    result: PairedResult


@dataclass(frozen=True)
class _CaseScores:
    case_id: int
    baseline_on: dt.date
    observation: Observation


def _score(adm: Mapping[str, Any], item: str | None) -> float | None:
    if item is None:
        return None if adm["score"] is None else float(adm["score"])
    value = (adm["item_scores"] or {}).get(item)
    if isinstance(value, dict):
        value = value.get("score")
    return None if value is None else float(value)


def _case_scores(
    administrations: Sequence[Mapping[str, Any]],
    *,
    item: str | None,
    followup_timepoint: str | None,
) -> dict[int, _CaseScores]:
    by_case: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for adm in administrations:
        if adm["timepoint"] in TIMEPOINT_ORDER and _score(adm, item) is not None:
            by_case[adm["case_id"]].append(adm)
    out: dict[int, _CaseScores] = {}
    for case_id, adms in by_case.items():
        adms.sort(key=lambda a: (TIMEPOINT_ORDER[a["timepoint"]], a["administered_on"]))
        if adms[0]["timepoint"] != Timepoint.BASELINE:
            continue  # no baseline: not part of a pre/post analysis
        base = adms[0]
        rest = [a for a in adms if TIMEPOINT_ORDER[a["timepoint"]] > 0]
        if followup_timepoint is not None:
            rest = [
                a
                for a in rest
                if TIMEPOINT_ORDER[a["timepoint"]] >= TIMEPOINT_ORDER[followup_timepoint]
            ]
            follow = rest[0] if rest and rest[0]["timepoint"] == followup_timepoint else None
        else:
            follow = rest[0] if rest else None
        later = None
        if follow is not None:
            after = [
                a
                for a in rest
                if TIMEPOINT_ORDER[a["timepoint"]] > TIMEPOINT_ORDER[follow["timepoint"]]
            ]
            later = after[0] if after else None
        out[case_id] = _CaseScores(
            case_id=case_id,
            baseline_on=base["administered_on"],
            observation=Observation(
                person_id=str(case_id),
                baseline=_score(base, item),  # type: ignore[arg-type]
                followup=None if follow is None else _score(follow, item),
                later=None if later is None else _score(later, item),
            ),
        )
    return out


def _groups(
    by: str, case_rows: Sequence[Mapping[str, Any]], baselines: dict[int, dt.date]
) -> dict[int, list[tuple[str, str]]]:
    """{case id: [(key, label), ...]}: a case may be in several groups (reasons, providers)."""
    out: dict[int, list[tuple[str, str]]] = {}
    ids = [row["id"] for row in case_rows]
    if by == "reason":
        multi: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for case_id, uuid, name in CaseReferral.objects.filter(case_id__in=ids).values_list(
            "case_id", "referral__reasons__uuid", "referral__reasons__name"
        ):
            if uuid is not None and (str(uuid), name) not in multi[case_id]:
                multi[case_id].append((str(uuid), name))
        return {i: multi.get(i) or [(NOT_RECORDED, NOT_RECORDED)] for i in ids}
    if by in ("provider", "intervention"):
        field = "service__organization" if by == "provider" else "service"
        multi = defaultdict(list)
        for case_id, uuid, name in (
            Connection.objects.filter(case_id__in=ids, kind=ConnectionKind.REFERRAL)
            .exclude(requested_at=None)
            .values_list("case_id", f"{field}__uuid", f"{field}__name")
        ):
            if (str(uuid), name) not in multi[case_id]:
                multi[case_id].append((str(uuid), name))
        return {i: multi.get(i) or [(NOT_RECORDED, "Not connected to a provider")] for i in ids}
    deciles: dict[str, int] = {}
    if by == "imd_quintile":
        deciles = imd_deciles(row["person__postcode"] for row in case_rows)
    for row in case_rows:
        base = baselines[row["id"]]
        if by == "service":
            key, text = str(row["link_worker_service__uuid"]), row["link_worker_service__name"]
        elif by == "practice":
            uuid = row["person__registered_practice__uuid"]
            key = str(uuid) if uuid else NOT_RECORDED
            text = row["person__registered_practice__name"] or NOT_RECORDED
        elif by == "age_band":
            key = age_band(row["person__date_of_birth"], base)
            text = key
        elif by == "sex":
            key = row["person__sex"] if row["person__sex"] != "unknown" else NOT_RECORDED
            text = label("sex", key)
        elif by == "ethnicity":
            eth = row["person__ethnicity"]
            key = eth if eth not in ("Z", "99", "") else NOT_RECORDED
            text = label("ethnicity", key)
        elif by == "imd_quintile":
            key = imd_quintile(deciles.get(compact_postcode(row["person__postcode"] or "")))
            text = label("imd_quintile", key)
        elif by == "period":
            key = text = quarter_of(base)
        else:
            raise ValueError(f"Unknown cohort dimension {by!r}")
        out[row["id"]] = [(key, text)]
    return out


def outcome_cohorts(
    *,
    user: User | AnonymousUser | None,
    filters: ReportFilter,
    instrument_id: str,
    by: str | None = None,
    item: str | None = None,
    followup_timepoint: str | None = None,
) -> list[OutcomeRow]:
    """Paired pre/post analysis of `instrument_id` for the cases in scope, one row per cohort.

    `by`: None (one row, key "All") or a key of `COHORT_DIMENSIONS`. A case in several groups
    (several referral reasons or providers) is analysed in each. `item`: analyse one reported
    item's score (ONS4's `life_satisfaction`, ...) instead of the total. Direction and reliable
    change come from the instrument definition. Raw figures: apply
    `linkwell.analysis.disclosure.suppress_paired_result` before publishing.

    Raises `linkwell.outcomes.registry.UnknownInstrument` for an unknown instrument and
    `ValueError` for an unknown `by`, `item` or timepoint. Queries: 3 (+1 by reason/provider).
    """
    if by is not None and by not in COHORT_DIMENSIONS:
        raise ValueError(
            f"Unknown cohort dimension {by!r}: use one of {', '.join(COHORT_DIMENSIONS)}."
        )
    if followup_timepoint is not None and (
        followup_timepoint not in TIMEPOINT_ORDER or followup_timepoint == Timepoint.BASELINE
    ):
        raise ValueError(f"Unknown follow-up timepoint {followup_timepoint!r}.")
    instrument = get_instrument(instrument_id)
    if item is not None and item not in {i.id for i in instrument.items}:
        raise ValueError(f"{instrument.short_title or instrument.id} has no item {item!r}.")
    if item is None and not instrument.has_total:
        raise ValueError(
            f"{instrument.short_title or instrument.id} reports each item separately: choose an item."
        )
    cases = scoped_cases(user=user, filters=filters)
    adms = list(
        MeasureAdministration.objects.filter(instrument_id=instrument.id, case__in=cases).values(
            "case_id", "timepoint", "administered_on", "score", "item_scores"
        )
    )
    scores = {
        case_id: s
        for case_id, s in _case_scores(
            adms, item=item, followup_timepoint=followup_timepoint
        ).items()
        if in_period(s.baseline_on, filters)
    }
    lower_is_better, rc = _direction(instrument, item)
    if by is None:
        obs = [s.observation for s in scores.values()]
        return [OutcomeRow(ALL, ALL, _analyse(obs, lower_is_better, rc))]
    case_rows = list(
        cases.filter(pk__in=list(scores)).values(
            "id",
            "link_worker_service__uuid",
            "link_worker_service__name",
            "person__registered_practice__uuid",
            "person__registered_practice__name",
            "person__date_of_birth",
            "person__sex",
            "person__ethnicity",
            "person__postcode",
        )
    )
    groups = _groups(by, case_rows, {i: s.baseline_on for i, s in scores.items()})
    members: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for case_id, keys in groups.items():
        for key in keys:
            members[key].append(scores[case_id].observation)
    ordered = sorted(members, key=lambda k: (k[0] == NOT_RECORDED, k[1].lower()))
    return [
        OutcomeRow(key, text, _analyse(members[(key, text)], lower_is_better, rc))
        for key, text in ordered
    ]


def _direction(instrument: Instrument, item: str | None) -> tuple[bool, float | None]:
    direction = instrument.direction
    rc = instrument.reliable_change
    if item is not None:
        found = next(i for i in instrument.items if i.id == item)
        direction = found.direction or direction
        rc = None  # the instrument's reliable change is for its total
    return direction == "lower_is_better", None if rc is None else float(rc)


def _analyse(obs: list[Observation], lower_is_better: bool, rc: float | None) -> PairedResult:
    return paired_analysis(obs, lower_is_better=lower_is_better, reliable_change=rc)


def outcome_totals(
    *, user: User | AnonymousUser | None, filters: ReportFilter, instrument_ids: Sequence[str]
) -> dict[str, PairedResult]:
    """`outcome_cohorts(..., instrument_id=i)[0].result` for each instrument scored by its total,
    with the pairing done in the database: one query whatever the number of instruments, and
    only one row per case with a baseline comes back. Instruments without a baseline in the
    period are left out.

    The pairing is `_case_scores`'s, in SQL: rows with a known timepoint and a score, ordered per
    case and instrument by timepoint, then date, then newest recorded first (the model's default
    ordering, which the Python sort kept for ties). The first timepoint level must be the
    baseline; its first row is the baseline score, the first row of the next level the
    follow-up, of the level after that the later score. Only cases with a baseline in the
    period can qualify, so the rows are narrowed to those cases before the window runs.
    """
    if not instrument_ids:
        return {}
    instruments = {i: get_instrument(i) for i in instrument_ids}
    order = Case(
        *(When(timepoint=tp, then=Value(n)) for tp, n in TIMEPOINT_ORDER.items()),
        output_field=IntegerField(),
    )
    with_baseline = MeasureAdministration.objects.filter(
        instrument_id__in=list(instruments), timepoint=Timepoint.BASELINE, score__isnull=False
    )
    if filters.start is not None:
        with_baseline = with_baseline.filter(administered_on__gte=filters.start)
    if filters.end is not None:
        with_baseline = with_baseline.filter(administered_on__lte=filters.end)
    case = [F("case_id"), F("instrument_id")]
    rows = (
        MeasureAdministration.objects.filter(
            instrument_id__in=list(instruments),
            case__in=scoped_cases(user=user, filters=filters).order_by().values("pk"),
            case_id__in=with_baseline.order_by().values("case_id"),
            timepoint__in=list(TIMEPOINT_ORDER),
            score__isnull=False,
        )
        .order_by()
        .values(
            c=F("case_id"),
            i=F("instrument_id"),
            tp=order,
            s=F("score"),
            d=F("administered_on"),
            lvl=Window(DenseRank(), partition_by=case, order_by=order.asc()),
            nth=Window(
                RowNumber(),
                partition_by=[*case, F("timepoint")],
                order_by=[F("administered_on").asc(), F("created_at").desc(), F("id").desc()],
            ),
        )
    )
    inner, params = rows.query.sql_with_params()
    start_sql = end_sql = ""
    bounds: list[Any] = []
    if filters.start is not None:
        start_sql = " AND MAX(CASE WHEN lvl = 1 AND tp = 0 THEN d END) >= %s"
        bounds.append(filters.start)
    if filters.end is not None:
        end_sql = " AND MAX(CASE WHEN lvl = 1 AND tp = 0 THEN d END) <= %s"
        bounds.append(filters.end)
    sql = (
        "SELECT i, c, MAX(CASE WHEN lvl = 1 AND tp = 0 THEN s END),"  # noqa: S608 (only our SQL)
        " MAX(CASE WHEN lvl = 2 THEN s END), MAX(CASE WHEN lvl = 3 THEN s END)"
        f" FROM ({inner}) ranked WHERE nth = 1 AND lvl <= 3 GROUP BY i, c"
        f" HAVING MAX(CASE WHEN lvl = 1 AND tp = 0 THEN s END) IS NOT NULL{start_sql}{end_sql}"
        " ORDER BY i, c"
    )
    observations: dict[str, list[Observation]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *bounds])
        for ident, case_id, base, follow, later in cursor.fetchall():
            observations[ident].append(
                Observation(
                    person_id=str(case_id),
                    baseline=float(base),
                    followup=None if follow is None else float(follow),
                    later=None if later is None else float(later),
                )
            )
    out = {}
    for ident, obs in observations.items():
        lower_is_better, rc = _direction(instruments[ident], None)
        out[ident] = _analyse(obs, lower_is_better, rc)
    return out
