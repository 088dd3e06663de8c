"""Report sections drawn from linkwell/evidence's selectors (outcomes per measure, provider
performance, equity, service use) and the consented patient stories.

The evidence app's `present` functions apply disclosure control; this module only lays their
published figures out as report tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.evidence import present
from linkwell.evidence.selectors import (
    EQUITY_DIMENSIONS,
    OutcomeRow,
    equity_reach_all,
    outcome_cohorts,
    outcome_totals,
    provider_funnel,
    provider_performance,
    service_use_comparison,
)
from linkwell.evidence.selectors.common import scoped_cases
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import UnknownInstrument, get_instrument
from linkwell.reports.models import PatientStory
from linkwell.reports.quarterly.activity import period_q, scoped_by_service
from linkwell.reports.quarterly.structure import Chart, Column, Section, Story, Table
from linkwell.reports.stories import deidentify

OUTCOME_CATEGORIES = ("outcome", "goal_attainment")

EQUITY_TITLES = {
    "imd_quintile": "Reach by deprivation (IMD quintile, 1 = most deprived)",
    "ethnicity": "Reach by ethnicity",
    "age_band": "Reach by age",
    "sex": "Reach by sex",
}


def outcomes_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """One paired pre/post row per measure (per item for measures reported item by item), for
    people whose baseline fell in the period. 2 queries (the measures in use; every measure
    scored by its total, paired in the database), then 1-2 per measure reported item by item."""
    used = sorted(
        set(
            MeasureAdministration.objects.filter(
                case__in=scoped_cases(user=user, filters=filters).order_by().values("pk")
            )
            .order_by()  # the model's default ordering would make the database sort every row
            .values_list("instrument_id", flat=True)
            .distinct()
        )
    )
    instruments = []
    for ident in used:
        try:
            instrument = get_instrument(ident)
        except UnknownInstrument:
            continue
        if instrument.category in OUTCOME_CATEGORIES:
            instruments.append((ident, instrument))
    totals = outcome_totals(
        user=user, filters=filters, instrument_ids=[i for i, ins in instruments if ins.has_total]
    )
    rows: list[OutcomeRow] = []
    for ident, instrument in instruments:
        name = instrument.short_title or instrument.title
        if instrument.has_total:
            result = totals.get(ident)
            if result is not None and (result.n or result.n_lost):
                rows.append(OutcomeRow(ident, name, result))
            continue
        for found in instrument.items:
            for row in outcome_cohorts(
                user=user, filters=filters, instrument_id=ident, item=found.id
            ):
                if row.result.n or row.result.n_lost:
                    rows.append(
                        OutcomeRow(f"{ident}:{found.id}", f"{name}: {found.label}", row.result)
                    )
    shown = present.outcome_rows(rows, unsuppressed=unsuppressed)
    table = Table(
        id="outcomes",
        title="Outcomes before and after, per measure",
        columns=[
            Column("label", "Measure", numeric=False),
            Column("n", "People with both scores"),
            Column("n_lost", "No follow-up yet"),
            Column("mean_baseline", "Mean before"),
            Column("mean_followup", "Mean after"),
            Column("mean_change", "Mean change"),
            Column("ci", "95% CI of change", numeric=False),
            Column("t_p", "Paired t-test p"),
            Column("wilcoxon_p", "Wilcoxon p"),
            Column("effect", "Effect size (dz)"),
            Column("pct_improved", "% improved"),
            Column("pct_reliably_improved", "% reliably improved"),
            Column("pct_deteriorated", "% worse"),
            Column("pct_still_improved", "% of improvers still improved later"),
        ],
        rows=[{k: v for k, v in r.items() if k != "raw"} for r in shown],
        chart=Chart("barh", "label", ("pct_improved", "pct_deteriorated"), "% of people"),
        note="Each person's first score (at the wellbeing review) against their first "
        "follow-up score; the period is the date of the first score. Improved means a better "
        "score whichever direction is better for the measure.",
        total_label="\0",  # no total row
    )
    return Section(id="outcomes", title="Outcomes", tables=[table])


def providers_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    rows = provider_performance(user=user, filters=filters)
    shown = present.providers(rows, provider_funnel(rows), unsuppressed=unsuppressed)
    table = Table(
        id="provider-performance",
        title="Provider performance (referrals sent in the period)",
        columns=[
            Column("name", "Provider", numeric=False),
            Column("sent", "Referrals sent"),
            Column("accepted", "Accepted"),
            Column("acceptance_rate", "% accepted"),
            Column("median_response_hours", "Median hours to respond"),
            Column("attendance_rate", "% attended"),
            Column("completion_rate", "% completed"),
            Column("position", "Acceptance against all providers", numeric=False),
        ],
        rows=[{c: r[c] for c in r if c not in ("outcome_n", "outcome_change")} for r in shown],
        chart=Chart("barh", "name", ("acceptance_rate", "attendance_rate"), "%"),
        note="The position compares each provider's acceptance rate with funnel limits for "
        "its size, so small providers are not ranked unfairly (see Evidence: providers).",
        total_label="\0",
    )
    return Section(id="providers", title="Provider performance", tables=[table])


def equity_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    tables = []
    results = equity_reach_all(user=user, filters=filters, dimensions=tuple(EQUITY_DIMENSIONS))
    for dim in EQUITY_DIMENSIONS:
        result = results[dim]
        shown = present.equity(result, unsuppressed=unsuppressed)
        note = (
            "No practice population profile is loaded for this scope, so reach cannot be "
            "compared with the registered population."
            if result.practices == 0
            else "People registered at practices without a loaded profile are not counted."
        )
        tables.append(
            Table(
                id=f"equity-{dim.replace('_', '-')}",
                title=EQUITY_TITLES.get(dim, dim),
                columns=[
                    Column("label", "Group", numeric=False),
                    Column("referred", "People referred"),
                    Column("seen", "People seen"),
                    Column("population", "Registered population"),
                    Column("referred_per_1000", "Referred per 1,000"),
                    Column("referred_share", "% of referred"),
                    Column("population_share", "% of population"),
                ],
                rows=shown,
                chart=Chart("bar", "label", ("referred_share", "population_share"), "%"),
                note=note,
            )
        )
    return Section(
        id="equity",
        title="Equity of reach",
        intro="Who was referred, against the registered population of practices with a "
        "loaded population profile.",
        tables=tables,
    )


def service_use_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    shown = present.service_use(
        service_use_comparison(user=user, filters=filters), unsuppressed=unsuppressed
    )
    table = Table(
        id="service-use",
        title=(
            f"Health and care service use {shown['months_before']} months before and "
            f"{shown['months_after']} months after referral"
        ),
        columns=[
            Column("label", "Kind of contact", numeric=False),
            Column("before", "Before"),
            Column("after", "After"),
            Column("per_person_before", "Per person before"),
            Column("per_person_after", "Per person after"),
            Column("unit_cost", "Unit cost"),
            Column("cost_before", "Cost before"),
            Column("cost_after", "Cost after"),
        ],
        rows=[
            {
                k: r[k]
                for k in (
                    "label",
                    "before",
                    "after",
                    "per_person_before",
                    "per_person_after",
                    "unit_cost",
                    "cost_before",
                    "cost_after",
                )
            }
            for r in shown["rows"]
        ],
        chart=Chart("bar", "label", ("before", "after"), "Contacts"),
        note=(
            f"People with both windows inside the imported activity extracts: {shown['n_people']}. "
            f"Mean cost per person before {shown['mean_cost_before']}, after "
            f"{shown['mean_cost_after']}, change {shown['mean_cost_change']} "
            f"(95% CI {shown['cost_ci']}, paired t-test p {shown['cost_t_p']})."
        ),
        total_label="\0",
    )
    return Section(id="service-use", title="Service use before and after", tables=[table])


def stories_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Stories whose person consented to publication, written in the period. 1 query."""
    qs = scoped_by_service(
        PatientStory.objects.filter(consent_to_publish=True).filter(
            period_q("created_at", filters)
        ),
        user=user,
        filters=filters,
    )
    stories = [
        Story(
            title=deidentify(s["title"], names=_names(s)),
            text=deidentify(s["text"], names=_names(s)),
            service=s["link_worker_service__name"],
        )
        for s in qs.order_by("created_at").values(
            "title",
            "text",
            "link_worker_service__name",
            "case__person__given_name",
            "case__person__family_name",
            "case__person__preferred_name",
        )
    ]
    return Section(
        id="stories",
        title="Patient stories",
        intro="Told with the person's consent to publication. Names and identifying details "
        "are removed.",
        stories=stories,
    )


def _names(row: Mapping[str, Any]) -> list[str]:
    return [
        row["case__person__given_name"],
        row["case__person__family_name"],
        row["case__person__preferred_name"],
    ]
