"""Evidence figures as shown: shares and rates from the true figures, then disclosure control."""

from __future__ import annotations

from decimal import Decimal

from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.analysis.stats import Observation, paired_analysis
from linkwell.evidence import present
from linkwell.evidence.dimensions import NOT_RECORDED, categories
from linkwell.evidence.selectors import EquityResult, EquityRow, ServiceUseResult, ServiceUseRow


def _equity(
    dimension: str,
    referred: dict[str, int],
    population: dict[str, int],
    *,
    not_recorded: int = 0,
) -> EquityResult:
    """An equity result as `equity_reach` would return it (seen = referred)."""
    recorded = sum(referred.values())
    total_pop = sum(population.values())
    rows = []
    for code, label in categories(dimension):
        n, pop = referred.get(code, 0), population.get(code, 0)
        rows.append(
            EquityRow(
                category=code,
                label=label,
                referred=n,
                seen=n,
                population=pop,
                referred_per_1000=1000 * n / pop if pop else None,
                seen_per_1000=1000 * n / pop if pop else None,
                referred_share=100 * n / recorded if recorded else None,
                population_share=100 * pop / total_pop if total_pop else None,
            )
        )
    rows.append(
        EquityRow(
            NOT_RECORDED, NOT_RECORDED, not_recorded, not_recorded, None, None, None, None, None
        )
    )
    return EquityResult(dimension=dimension, practices=1, n_outside_profile=0, rows=rows)


def _by_label(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["label"]: r for r in rows}


def test_a_group_is_shown_as_its_share_of_everyone_referred_not_of_the_visible_groups() -> None:
    # 16 White British people of 40 referred: 40%. The other 24 are in four groups of 6, each
    # withheld; a share of the visible cells only made White British "100.0% of referred".
    result = _equity(
        "ethnicity",
        {"A": 16, "B": 6, "C": 6, "H": 6, "N": 6},
        {"A": 8000, "B": 500, "C": 500, "H": 500, "N": 500},
    )
    rows = _by_label(present.equity(result, unsuppressed=False))
    white_british = rows["White - British"]
    assert white_british["referred"] == "15"  # 16 rounded to 5
    assert white_british["referred_share"] == "40.0"
    assert white_british["population_share"] == "80.0"
    assert white_british["referred_per_1000"] == "2.00"  # 16 per 8,000, not 15 per 8,000
    assert rows["White - Irish"]["referred"] == SUPPRESSED
    assert rows["White - Irish"]["referred_share"] == SUPPRESSED
    assert rows["White - Irish"]["referred_per_1000"] == SUPPRESSED
    assert rows["White - Irish"]["population_share"] == "5.0"
    assert rows["Mixed - White and Asian"]["referred_share"] == "0.0"
    assert rows[NOT_RECORDED]["referred_share"] == "\u2013"


def test_large_groups_show_their_true_shares_and_rates() -> None:
    result = _equity("sex", {"female": 120, "male": 80}, {"female": 6000, "male": 4000})
    rows = _by_label(present.equity(result, unsuppressed=False))
    assert (rows["Female"]["referred_share"], rows["Male"]["referred_share"]) == ("60.0", "40.0")
    assert rows["Female"]["referred_per_1000"] == "20.00"
    assert rows["Total"]["referred"] == "200"


def test_a_share_is_withheld_with_its_count_and_never_left_alone_to_be_worked_out() -> None:
    # Male (3) is small; its share alone would be 100% minus Female's, so Female's goes too.
    result = _equity("sex", {"female": 30, "male": 3}, {"female": 6000, "male": 4000})
    rows = _by_label(present.equity(result, unsuppressed=False))
    assert rows["Male"]["referred"] == SUPPRESSED and rows["Male"]["referred_share"] == SUPPRESSED
    assert rows["Female"]["referred_share"] == SUPPRESSED
    assert rows["Other"]["referred_share"] == "0.0"
    # The count table hid Female's 30 too (secondary suppression): its rate goes with it.
    assert rows["Female"]["referred"] == SUPPRESSED
    assert rows["Female"]["referred_per_1000"] == SUPPRESSED


def test_a_share_hidden_only_in_the_count_table_is_hidden_too() -> None:
    # "Not recorded" (2) is small, so the count table hides the smallest recorded count (20)
    # as well; that group's share must not show the 20 either.
    result = _equity(
        "sex", {"female": 50, "male": 20, "other": 40}, {"female": 1, "male": 1}, not_recorded=2
    )
    rows = _by_label(present.equity(result, unsuppressed=False))
    assert rows["Male"]["referred"] == SUPPRESSED
    assert rows["Male"]["referred_share"] == SUPPRESSED
    assert rows["Other"]["referred_share"] == SUPPRESSED  # never one withheld share alone
    assert rows["Female"]["referred_share"] == f"{100 * 50 / 110:.1f}"


def test_viewers_allowed_raw_figures_see_raw_shares() -> None:
    result = _equity("sex", {"female": 30, "male": 3}, {"female": 6000, "male": 4000})
    rows = _by_label(present.equity(result, unsuppressed=True))
    assert rows["Male"]["referred"] == "3"
    assert rows["Male"]["referred_share"] == f"{100 * 3 / 33:.1f}"


def _service_use(gp: int, ae: int) -> ServiceUseResult:
    def row(kind: str, before: int, unit: int) -> ServiceUseRow:
        cost = Decimal(unit) * before
        return ServiceUseRow(
            kind, kind, before, 0, before, 0, Decimal(unit), cost, Decimal(0), "", False
        )

    rows = [row("gp_appointment", gp, 40), row("ae_attendance", ae, 200)]
    people = [Observation(str(i), 100.0, 50.0 + i) for i in range(20)]
    return ServiceUseResult(
        months_before=6,
        months_after=6,
        coverage_start=None,
        coverage_end=None,
        n_people=20,
        n_incomplete=0,
        rows=rows,
        cost_before=sum((r.cost_before for r in rows), Decimal(0)),
        cost_after=Decimal(0),
        cost_change=paired_analysis(people, lower_is_better=True),
    )


def test_the_total_cost_is_withheld_rather_than_shown_without_the_withheld_rows() -> None:
    # 3 A&E attendances are withheld: a total of the GP row alone (£1,600) passed for the
    # total cost, and the exact total (£2,200) less the costs shown would give the 3 back.
    shown = present.service_use(_service_use(gp=41, ae=3), unsuppressed=False)
    assert [r["cost_before"] for r in shown["rows"]] == ["£1,600", SUPPRESSED]
    assert shown["cost_before"] == SUPPRESSED
    assert shown["cost_after"] == "£0"
    whole = present.service_use(_service_use(gp=41, ae=12), unsuppressed=False)
    assert whole["cost_before"] == "£3,600"  # 40 x 40 + 10 x 200: the costs shown, added up
    raw = present.service_use(_service_use(gp=41, ae=3), unsuppressed=True)
    assert raw["cost_before"] == "£2,240"
