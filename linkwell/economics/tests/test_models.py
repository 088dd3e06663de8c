"""The built-in models reproduce the worked examples in their sources (the Shropshire business
case's Appendix D, the Greater Manchester guide's Ways to Wellness), and the documented
discrepancies are real."""

from __future__ import annotations

from decimal import Decimal

import pytest

from linkwell.economics.definitions import load_models
from linkwell.economics.engine import get_model, run_as_json, run_model

SHIPPED = {
    "cost-per-outcome",
    "diabetes-prevention",
    "falls-prevention",
    "outcome-payments",
    "sroi",
    "structured-education",
}


def _outputs(model_id: str, **values: str) -> dict[str, object]:
    return run_as_json(run_model(get_model(model_id), values=values))["outputs"]  # type: ignore[return-value]


def test_every_model_ships_with_sources_caveats_and_notes() -> None:
    models = load_models()
    assert set(models) == SHIPPED
    for model in models.values():
        assert all(item.source for item in model.inputs)
        assert model.caveats
        assert model.notes.startswith(f"# {model.id}")


def test_diabetes_prevention_matches_appendix_d_exactly() -> None:
    assert _outputs("diabetes-prevention") == {
        "cases_averted_per_year": 284,
        "nhs_savings_per_year": 568000,
        "social_care_savings_per_year": 99400,
        "nhs_savings_over_5_years": 2840000,
    }


def test_structured_education_matches_the_printed_saving() -> None:
    outputs = _outputs("structured-education")
    assert outputs["nhs_savings_per_year"] == 420000
    assert outputs["nhs_savings_over_5_years"] == 2100000


def test_structured_education_documents_the_5000_a_year_discrepancy() -> None:
    model = get_model("structured-education")
    # 500 a month is 6,000 a year, not the 5,000 the source's table says; only 6,000 x £70 is £420k.
    assert _outputs("structured-education")["people_per_year"] == 6000
    # The table's 5,000 a year would give £350k, not the printed £420k.
    assert _outputs("structured-education", people_per_month="0")["nhs_savings_per_year"] == 0
    assert 5000 * 70 != model.published[0].printed == 420000
    flagged = [p for p in model.published if p.inconsistent]
    assert [p.output for p in flagged] == ["people_per_year"]
    assert "5,000 diabetics p.a." in model.notes
    assert "inconsistent" in model.notes


def test_falls_prevention_matches_appendix_d() -> None:
    outputs = _outputs("falls-prevention")
    assert outputs["admissions_avoided_per_year"] == 125
    assert outputs["nhs_costs_avoided_per_year"] == 438500  # printed "£438k"
    assert outputs["social_care_costs_avoided_per_year"] == 1090125  # printed "£1.1m"
    assert outputs["total_costs_avoided_per_year"] == 1528625  # printed "£1.5m"


def test_falls_prevention_documents_the_five_year_discrepancy() -> None:
    # The source says £7.5m over 5 years: five times its rounded £1.5m, not of the real total.
    assert _outputs("falls-prevention")["total_costs_avoided_over_5_years"] == 7643125
    assert "£7.5m" in get_model("falls-prevention").notes


@pytest.mark.parametrize("model_id", sorted(SHIPPED))
def test_printed_figures_are_reproduced_within_their_precision_unless_flagged(
    model_id: str,
) -> None:
    model = get_model(model_id)
    run = run_model(model)
    for figure in model.published:
        gap = abs(run.values[figure.output] - figure.printed)
        if figure.inconsistent:
            assert gap >= figure.precision, figure
            assert figure.text in model.notes or figure.output in model.notes
        else:
            assert gap < figure.precision or (figure.precision == 1 and gap == 0), figure


@pytest.mark.parametrize(
    ("improvement", "per_person"),
    [("0.4", 0), ("0.5", 0), ("0.95", 246.25), ("1.4", 492.5), ("2", 492.5)],
)
def test_outcome_payments_follow_the_ways_to_wellness_threshold_and_cap(
    improvement: str, per_person: float
) -> None:
    outputs = _outputs("outcome-payments", cohort_average_improvement=improvement)
    assert outputs["payment_per_person"] == per_person
    assert Decimal(str(outputs["total_payment"])) == Decimal(str(per_person)) * 8500


def test_sroi_divides_social_value_by_cost() -> None:
    outputs = _outputs(
        "sroi", hours_given="1000", wage_rate="12", other_benefits="3000", costs="5000"
    )
    assert outputs["sroi_ratio"] == 3  # (1000 x 12 + 3000) / 5000
    assert outputs["net_social_value"] == 10000


def test_cost_per_outcome_divides_cost_by_people() -> None:
    assert _outputs("cost-per-outcome", service_cost="100000", people_with_outcome="300") == {
        "cost_per_outcome": 333.33
    }
