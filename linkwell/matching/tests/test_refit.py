"""`linkwell match_decisions refit` and the report's nDCG: the mechanics, on synthetic decisions
made here (the product only ever fits to a deployment's real ones)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from linkwell.casework.tests.factories import referred_case
from linkwell.directory.tests.factories import make_service
from linkwell.matching import features, refit
from linkwell.matching.directory import service_docs_from_db
from linkwell.matching.engine import Matcher
from linkwell.matching.models import DecisionAction, MatchDecision, MatchRun
from linkwell.matching.suggestions import decision_report, run_ndcg

pytestmark = pytest.mark.django_db


def _runs(personas: Any, count: int) -> tuple[list[Any], Any]:
    """`count` runs, a day apart, in each of which the link worker chose the free service and
    dismissed the paid one."""
    case = referred_case(personas)
    free = make_service("Friendship group", free=True)
    paid = make_service("Friendship club", price="4.00")
    start = timezone.now() - dt.timedelta(days=count)
    for n in range(count):
        when = start + dt.timedelta(days=n)
        run = MatchRun.objects.create(
            case=case,
            created_at=when,
            engine="test",
            shown=[
                {"service": str(paid.uuid), "rank": 1, "score": 0.9},
                {"service": str(free.uuid), "rank": 2, "score": 0.8},
            ],
        )
        for service, rank, action in ((free, 2, DecisionAction.SIGNPOSTED),
                                      (paid, 1, DecisionAction.DISMISSED)):  # fmt: skip
            MatchDecision.objects.create(
                run=run, service=service, service_uuid=str(service.uuid), rank=rank,
                action=action, created_at=when,
            )  # fmt: skip
    return [free, paid], case


def test_the_report_gives_the_ndcg_of_what_was_chosen(personas):
    _runs(personas, 8)
    total, runs = run_ndcg(MatchDecision.objects.all())
    assert runs == 8
    # Chosen at rank 2, one relevant service: 1 / log2(3) each.
    assert total / runs == pytest.approx(0.6309, abs=1e-4)
    assert decision_report().ndcg == pytest.approx(0.631, abs=1e-3)


def test_refit_writes_weights_only_when_they_beat_the_current_ones(personas, tmp_path):
    _runs(personas, 10)
    matcher = Matcher(service_docs_from_db(), encoder=None)
    # Current weights that prefer what costs more: the dismissed service first.
    bad = features.Ranker(weights={"cost": -5.0})
    out = tmp_path / "weights.json"
    result = refit.refit(matcher, out, current=bad, min_runs=5)
    assert (result.runs, result.train, result.held_out) == (10, 7, 3)
    assert result.new_ndcg > result.current_ndcg and result.written
    assert set(features.ranker_from_file(out).weights) == set(features.FEATURES)
    # Against weights already as good, nothing is written.
    again = tmp_path / "again.json"
    best = features.ranker_from_file(out)
    assert not refit.refit(matcher, again, current=best, min_runs=5).written
    assert not again.exists()


def test_refit_refuses_with_too_few_decisions(personas, tmp_path):
    _runs(personas, 3)
    with pytest.raises(CommandError, match="only 3 suggestion lists have a choice"):
        call_command("match_decisions", "refit", "--out", str(tmp_path / "w.json"),
                     stdout=StringIO())  # fmt: skip
    assert not (tmp_path / "w.json").exists()


def test_refit_names_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("match_decisions", "refit", "--out", str(tmp_path / "no" / "w.json"))


def test_the_weights_file_is_json_with_every_feature(tmp_path):
    text = features.Ranker(weights={"cost": 1.0}).to_json(fitted_on="test")
    data = json.loads(text)
    assert data["weights"]["cost"] == 1.0 and data["fitted_on"] == "test"
