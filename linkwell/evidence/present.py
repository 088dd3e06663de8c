"""Figures as they may be shown: disclosure control applied (linkwell/analysis/disclosure.py)
unless the viewer holds `reports.view_unsuppressed` (the view audits that). Every figure on an
evidence page, in a funnel plot or in a download passes through here."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from linkwell.analysis.disclosure import (
    SUPPRESSED,
    is_small,
    publish_count,
    publish_shares,
    suppress_paired_result,
    suppress_table,
    suppress_value,
)
from linkwell.evidence.funnel import FunnelData, FunnelPoint
from linkwell.evidence.selectors import EquityResult, OutcomeRow, ProviderRow, ServiceUseResult

NOTHING = "\u2013"  # an en dash: nothing to show


def number(value: Any, places: int = 1) -> str:
    """A published value as text: "*" stays "*", None is an en dash (nothing to show)."""
    if value is None:
        return NOTHING
    if value == SUPPRESSED:
        return SUPPRESSED
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{float(value):,.{places}f}"


def pvalue(value: Any) -> str:
    if value is None or value == SUPPRESSED:
        return number(value)
    return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"


def money(value: Any) -> str:
    if value is None:
        return NOTHING
    if value == SUPPRESSED:
        return SUPPRESSED
    return f"£{Decimal(value):,.0f}"


def outcome_rows(rows: Sequence[OutcomeRow], *, unsuppressed: bool) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        r = row.result.as_dict() if unsuppressed else suppress_paired_result(row.result)
        if r["n"] == SUPPRESSED:
            # A missing figure (no CI for one pair, no test when all changes are zero) would
            # tell the reader something about the hidden n: show every figure as withheld.
            r = {k: SUPPRESSED if v is None else v for k, v in r.items()}
        out.append(
            {
                "label": row.label,
                "n": number(r["n"]),
                "n_lost": number(r["n_lost"]),
                "mean_baseline": number(r["mean_baseline"]),
                "mean_followup": number(r["mean_followup"]),
                "mean_change": number(r["mean_change"]),
                "ci": (
                    f"{number(r['ci95_low'])} to {number(r['ci95_high'])}"
                    if r["ci95_low"] not in (None, SUPPRESSED)
                    else number(r["ci95_low"])
                ),
                "t_p": pvalue(r["t_p"]),
                "wilcoxon_p": pvalue(r["wilcoxon_p"]),
                "effect": number(r["effect_size_dz"], 2),
                "pct_improved": number(r["pct_improved"]),
                "pct_reliably_improved": number(r["pct_reliably_improved"]),
                "pct_deteriorated": number(r["pct_deteriorated"]),
                "pct_still_improved": number(r["pct_still_improved"]),
                "raw": r,
            }
        )
    return out


def service_use(result: ServiceUseResult, *, unsuppressed: bool) -> dict[str, Any]:
    """Counts published; costs from the *published* counts (a cost from the raw count would
    give the raw count back: cost / unit cost). The total cost is the sum of the costs shown,
    so it is withheld when any of them is: a sum of the visible rows only would pass for the
    total (and the exact total, less the costs shown, would narrow down a withheld count)."""
    n = result.n_people
    rows = []
    total_before: Decimal | None = Decimal(0)
    total_after: Decimal | None = Decimal(0)
    for r in result.rows:
        before = publish_count(r.before, unsuppressed=unsuppressed)
        after = publish_count(r.after, unsuppressed=unsuppressed)
        cost_before = None if before == SUPPRESSED else r.unit_cost * int(before)
        cost_after = None if after == SUPPRESSED else r.unit_cost * int(after)
        total_before = (
            None if total_before is None or cost_before is None else total_before + cost_before
        )
        total_after = (
            None if total_after is None or cost_after is None else total_after + cost_after
        )
        rows.append(
            {
                "kind": r.kind,
                "label": r.label,
                "before": number(before),
                "after": number(after),
                "per_person_before": number(
                    suppress_value(r.before / n if n else None, n)
                    if not unsuppressed
                    else (r.before / n if n else None),
                    2,
                ),
                "per_person_after": number(
                    suppress_value(r.after / n if n else None, n)
                    if not unsuppressed
                    else (r.after / n if n else None),
                    2,
                ),
                "unit_cost": money(r.unit_cost),
                "cost_before": money(cost_before) if cost_before is not None else SUPPRESSED,
                "cost_after": money(cost_after) if cost_after is not None else SUPPRESSED,
                "source": r.cost_source,
                "is_default": r.cost_is_default,
            }
        )
    change = (
        result.cost_change.as_dict() if unsuppressed else suppress_paired_result(result.cost_change)
    )
    if change["n"] == SUPPRESSED:
        change = {k: SUPPRESSED if v is None else v for k, v in change.items()}
    return {
        "n_people": number(publish_count(n, unsuppressed=unsuppressed)),
        "n_incomplete": number(publish_count(result.n_incomplete, unsuppressed=unsuppressed)),
        "rows": rows,
        "cost_before": SUPPRESSED if total_before is None else money(total_before),
        "cost_after": SUPPRESSED if total_after is None else money(total_after),
        "mean_cost_before": money(change["mean_baseline"]),
        "mean_cost_after": money(change["mean_followup"]),
        "mean_cost_change": money(change["mean_change"]),
        "cost_ci": (
            f"{money(change['ci95_low'])} to {money(change['ci95_high'])}"
            if change["ci95_low"] not in (None, SUPPRESSED)
            else number(change["ci95_low"])
        ),
        "cost_t_p": pvalue(change["t_p"]),
        "months_before": result.months_before,
        "months_after": result.months_after,
        "coverage_start": result.coverage_start,
        "coverage_end": result.coverage_end,
    }


def equity(result: EquityResult, *, unsuppressed: bool) -> list[dict[str, Any]]:
    """Referred and seen with secondary suppression down each column (each has a total row).

    Rates and shares are computed from the raw counts and the true denominators (a share of
    the visible cells only would make a group 100% of a whole it is part of), then published:
    a rate or share whose count is withheld is withheld too, and the shares, which add up to
    100%, get their own secondary suppression (`publish_shares`)."""
    referred = suppress_table(
        [{"label": r.label, "n": r.referred} for r in result.rows],
        ["n"],
        total_col=False,
        label_key="label",
        unsuppressed=unsuppressed,
    )
    seen = suppress_table(
        [{"label": r.label, "n": r.seen} for r in result.rows],
        ["n"],
        total_col=False,
        label_key="label",
        unsuppressed=unsuppressed,
    )
    pops: list[int | str | None] = [
        None if r.population is None else publish_count(r.population, unsuppressed=unsuppressed)
        for r in result.rows
    ]
    # Shares are of the people (and registered patients) in a recorded category.
    recorded = [i for i, r in enumerate(result.rows) if r.population is not None]
    referred_shares = dict(
        zip(
            recorded,
            publish_shares(
                [result.rows[i].referred for i in recorded],
                withheld=[k for k, i in enumerate(recorded) if referred[i]["n"] == SUPPRESSED],
                unsuppressed=unsuppressed,
            ),
            strict=True,
        )
    )
    population_shares = dict(
        zip(
            recorded,
            publish_shares(
                [result.rows[i].population or 0 for i in recorded],
                withheld=[k for k, i in enumerate(recorded) if pops[i] == SUPPRESSED],
                unsuppressed=unsuppressed,
            ),
            strict=True,
        )
    )

    def rate(raw: float | None, published: Any, pop: int | None) -> str:
        if published == SUPPRESSED:
            return SUPPRESSED
        if pop is None or pop == 0:
            return NOTHING
        return number(raw if unsuppressed else suppress_value(raw, pop), 2)

    out = []
    for i, r in enumerate(result.rows):
        ref, see, pop = referred[i]["n"], seen[i]["n"], pops[i]
        out.append(
            {
                "label": r.label,
                "referred": number(ref),
                "seen": number(see),
                "population": number(pop),
                "referred_per_1000": rate(r.referred_per_1000, ref, r.population),
                "seen_per_1000": rate(r.seen_per_1000, see, r.population),
                "referred_share": number(referred_shares.get(i)),
                "population_share": number(population_shares.get(i)),
            }
        )
    total_pop = sum(r.population or 0 for r in result.rows)
    out.append(
        {
            "label": "Total",
            "referred": number(referred[-1]["n"]),
            "seen": number(seen[-1]["n"]),
            "population": number(publish_count(total_pop, unsuppressed=unsuppressed)),
            "referred_per_1000": "",
            "seen_per_1000": "",
            "referred_share": "",
            "population_share": "",
        }
    )
    return out


def providers(
    rows: Sequence[ProviderRow], funnel_data: FunnelData, *, unsuppressed: bool
) -> list[dict[str, Any]]:
    out = []
    by_key = {p.key: p for p in funnel_data.points}
    for r in rows:
        outcome = None
        if r.outcome is not None:
            outcome = r.outcome.as_dict() if unsuppressed else suppress_paired_result(r.outcome)

        def rate(value: float | None, n: int, k: int) -> str:
            # Stricter than disclosure.py's rule for percentages: a rate is also withheld when
            # its numerator is 1-7, since 77.8% of a published "10" would show 7 of 9.
            if not unsuppressed and n and is_small(k):
                return SUPPRESSED
            return number(value if unsuppressed else suppress_value(value, n))

        point = by_key.get(r.key)
        out.append(
            {
                "name": r.name,
                "sent": number(publish_count(r.sent, unsuppressed=unsuppressed)),
                "accepted": number(publish_count(r.accepted, unsuppressed=unsuppressed)),
                "acceptance_rate": rate(r.acceptance_rate, r.sent, r.accepted),
                "median_response_hours": rate(r.median_response_hours, r.answered, r.answered),
                "attendance_rate": rate(r.attendance_rate, r.accepted, r.attended),
                "completion_rate": rate(r.completion_rate, r.accepted, r.completed),
                "outcome_n": number(outcome["n"]) if outcome else NOTHING,
                "outcome_change": number(outcome["mean_change"]) if outcome else NOTHING,
                "position": (
                    funnel_data.position(point)
                    if point is not None and (unsuppressed or not is_small(point.n))
                    else ("not shown: fewer than 8" if point is not None and point.n else NOTHING)
                ),
            }
        )
    return out


def funnel_for_display(data: FunnelData, *, unsuppressed: bool) -> FunnelData:
    """Points a suppressed viewer may see: providers whose denominator or numerator is 1-7 are
    left out and the others are placed at their rounded n (the limits stay exact)."""
    if unsuppressed:
        return data
    points = []
    for p in data.points:
        if p.n == 0 or is_small(p.n) or is_small(p.events):
            continue  # as in the table: a rate over, or of, 1-7 people is not shown
        n = int(publish_count(p.n))
        points.append(FunnelPoint(p.key, p.label, n, round(p.events * n / p.n)))
    return FunnelData(data.metric, data.overall, points, data.curve)
