"""The formula language refuses anything but arithmetic; the engine reports bad input per input;
definitions are validated when loaded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from linkwell.economics.definitions import DefinitionError, parse_definition
from linkwell.economics.engine import ModelInputError, get_model, run_model
from linkwell.economics.expr import Expression, ExpressionError


def _eval(text: str, **names: str) -> Decimal:
    return Expression(text).evaluate({k: Decimal(v) for k, v in names.items()})


def test_arithmetic_is_exact_decimal() -> None:
    assert _eval("0.1 + 0.2") == Decimal("0.3")
    assert _eval("a * b / 100", a="31600", b="6") == Decimal("1896")
    assert _eval("-(2 - 5) * 2") == 6


def test_round_is_half_away_from_zero_and_min_max_clamp() -> None:
    assert _eval("round(284.5)") == 285
    assert _eval("round(284.4)") == 284
    assert _eval("round(2.675, 2)") == Decimal("2.68")
    assert _eval("max(0, min(1, x))", x="1.7") == 1
    assert _eval("floor(2.7) + ceil(2.1)") == 5
    assert _eval("(a > b) + (a == a)", a="2", b="1") == 2


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "a.b",
        "a[0]",
        "'text'",
        "a ** 2",
        "a // 2",
        "lambda: 1",
        "[1, 2]",
        "abs(a)",
        "round(a, ndigits=2)",
        "max(*a)",
        "True",
        "a if b else c",
        "min",
        "1 +",
    ],
)
def test_anything_but_arithmetic_is_refused(text: str) -> None:
    with pytest.raises(ExpressionError):
        Expression(text)


def test_division_by_zero_and_unknown_names_are_errors() -> None:
    with pytest.raises(ExpressionError, match="division by zero"):
        _eval("1 / a", a="0")
    with pytest.raises(ExpressionError, match="unknown name"):
        _eval("a + b", a="1")


def test_bad_values_are_all_reported_by_input() -> None:
    model = get_model("falls-prevention")
    with pytest.raises(ModelInputError) as caught:
        run_model(
            model,
            values={"reduction_pct": "150", "admissions_per_year": "lots", "speed": "3"},
        )
    errors = caught.value.errors
    assert (
        errors["reduction_pct"]
        == "Reduction in admissions achieved (reduction_pct) must be at most 100."
    )
    assert "'lots' is not a number" in errors["admissions_per_year"]
    assert "falls-prevention has no input called 'speed'" in errors["speed"]


@pytest.mark.parametrize("value", ["nan", "inf", "", "1,254", "12%"])
def test_non_numbers_are_refused(value: str) -> None:
    with pytest.raises(ModelInputError):
        run_model(get_model("falls-prevention"), values={"admissions_per_year": value})


def test_a_failing_check_explains_itself() -> None:
    with pytest.raises(ModelInputError) as caught:
        run_model(get_model("outcome-payments"), values={"cap_improvement": "0.5"})
    assert caught.value.errors[""] == (
        "The improvement that earns the maximum must be greater than the threshold."
    )


def test_linkwell_data_fills_an_input_unless_the_user_sets_it() -> None:
    model = get_model("cost-per-outcome")
    run = run_model(model, data={"people_with_goal_achieved": Decimal(250)})
    assert run.inputs["people_with_outcome"] == 250
    assert run.input_sources["people_with_outcome"] == "linkwell"
    run = run_model(
        model,
        values={"people_with_outcome": "100"},
        data={"people_with_goal_achieved": Decimal(250)},
    )
    assert run.input_sources["people_with_outcome"] == "set"
    run = run_model(model, data={"people_with_goal_achieved": None})
    assert run.input_sources["people_with_outcome"] == "default"


def _definition(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "m",
        "version": 1,
        "title": "T",
        "summary": "S",
        "source_document": "D",
        "inputs": [{"name": "a", "label": "A", "unit": "u", "default": 1, "source": "s"}],
        "formulas": [{"name": "b", "expr": "a * 2"}],
        "outputs": [{"name": "b", "label": "B", "unit": "u"}],
    }
    base.update(changes)
    return base


def test_a_valid_definition_loads() -> None:
    model = parse_definition(_definition(), model_id="m")
    assert run_model(model).outputs == {"b": 2}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "other"}, "must match the file name"),
        ({"version": 0}, "version"),
        ({"formulas": [{"name": "b", "expr": "c * 2"}]}, "defined nowhere before it"),
        ({"formulas": [{"name": "b", "expr": "open('x')"}]}, "may be called"),
        ({"formulas": [{"name": "a", "expr": "1"}]}, "used twice"),
        ({"outputs": [{"name": "z", "label": "Z", "unit": "u"}]}, "is not a formula"),
        (
            {"inputs": [{"name": "a", "label": "A", "unit": "u", "default": "x", "source": "s"}]},
            "must be a number",
        ),
        ({"inputs": [{"name": "a", "label": "A", "unit": "u", "default": 1}]}, "source"),
        ({"caveats": [""]}, "caveats"),
    ],
)
def test_bad_definitions_are_refused_when_loaded(changes: dict[str, object], message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        parse_definition(_definition(**changes), model_id="m")
