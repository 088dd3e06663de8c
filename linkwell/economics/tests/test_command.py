"""`linkwell economics list|run`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linkwell.casework.models import Goal, GoalStatus, Plan
from linkwell.casework.tests.factories import make_case
from tests.personas import Personas


def _run(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("economics", "run", *args, stdout=out, stderr=StringIO())
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def test_run_prints_model_inputs_and_outputs() -> None:
    result = _run("falls-prevention", "--set", "reduction_pct=20", "--format", "json")
    assert set(result) == {"model", "inputs", "outputs"}
    assert result["model"] == "falls-prevention"
    assert result["inputs"]["reduction_pct"] == 20  # type: ignore[index]
    assert result["outputs"]["admissions_avoided_per_year"] == 251  # type: ignore[index]
    assert result["outputs"]["nhs_costs_avoided_per_year"] == 251 * 3508  # type: ignore[index]


def test_list_names_every_model() -> None:
    out = StringIO()
    call_command("economics", "list", "--format", "json", stdout=out)
    ids = [m["model"] for m in json.loads(out.getvalue())]
    assert ids == [
        "cost-per-outcome",
        "diabetes-prevention",
        "falls-prevention",
        "outcome-payments",
        "sroi",
        "structured-education",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-model"], "There is no economic model called 'no-such-model'"),
        (["sroi", "--set", "speed=3"], "sroi has no input called 'speed'"),
        (["sroi", "--set", "costs=cheap"], "'cheap' is not a number"),
        (["sroi", "--set", "costs"], "write it as name=value"),
        (["sroi", "--set", "costs=1", "--set", "costs=2"], "given more than once"),
        (["sroi", "--set", "costs=0"], "must be more than zero"),
    ],
)
def test_bad_input_exits_with_a_specific_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)


@pytest.mark.django_db
def test_cost_per_outcome_counts_people_with_goals_achieved(personas: Personas) -> None:
    for _ in range(12):
        case = make_case(service=personas.link_worker_service)
        plan = Plan.objects.create(case=case)
        Goal.objects.create(plan=plan, text="Walk to the shops", status=GoalStatus.ACHIEVED)
        Goal.objects.create(plan=plan, text="Join a choir", status=GoalStatus.ACHIEVED)
    result = _run("cost-per-outcome", "--set", "service_cost=100000")
    # 12 people, published rounded to 10 (disclosure control): £100,000 / 10.
    assert result["inputs"]["people_with_outcome"] == 10  # type: ignore[index]
    assert result["outputs"]["cost_per_outcome"] == 10000  # type: ignore[index]


@pytest.mark.django_db
def test_cost_per_outcome_does_not_use_a_small_count(personas: Personas) -> None:
    case = make_case(service=personas.link_worker_service)
    plan = Plan.objects.create(case=case)
    Goal.objects.create(plan=plan, text="Sleep better", status=GoalStatus.ACHIEVED)
    result = _run("cost-per-outcome")
    assert result["inputs"]["people_with_outcome"] == 500  # type: ignore[index]  # the default


@pytest.mark.django_db
def test_it_says_where_a_records_based_input_came_from(personas: Personas) -> None:
    for _ in range(9):
        plan = Plan.objects.create(case=make_case(service=personas.link_worker_service))
        Goal.objects.create(plan=plan, text="Garden again", status=GoalStatus.ACHIEVED)
    err = StringIO()
    call_command("economics", "run", "cost-per-outcome", stdout=StringIO(), stderr=err)
    assert "people_with_outcome: Linkwell's records" in err.getvalue()
    assert "rounded to the nearest 5 (used)" in err.getvalue()
