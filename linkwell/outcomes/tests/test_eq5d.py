"""EQ-5D-5L as a licensed plug-in: the profile and VAS are recorded always; the index value only
with the deployer's value set (here a made-up one, worked out in the test)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from linkwell.casework.tests.factories import referred_case
from linkwell.core.exceptions import ValidationFailed
from linkwell.outcomes.engine import AnswerError, score_answers, score_total
from linkwell.outcomes.registry import LicensedTextError, get_instrument
from linkwell.outcomes.services import MeasureInput, measure_record
from tests.personas import Personas

DIMS = ["mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression"]


def _made_up_index(state: str) -> float:
    """A made-up value set: 1 less 0.05 for each level above 1, less 0.1 more for any 5."""
    levels = [int(c) for c in state]
    return round(1 - 0.05 * (sum(levels) - 5) - (0.1 if 5 in levels else 0), 3)


def _write_value_set(directory: Path, *, leave_out: str = "") -> None:
    states = ["".join(p) for p in itertools.product("12345", repeat=5)]
    index = {s: _made_up_index(s) for s in states if s != leave_out}
    (directory / "eq5d5l.value_set.json").write_text(
        json.dumps({"name": "Made-up test value set", "index": index})
    )


def _answers(state: str, vas: int) -> dict[str, int | None]:
    return {**{d: int(c) for d, c in zip(DIMS, state, strict=True)}, "vas": vas}


def test_without_a_value_set_the_profile_and_vas_are_kept_but_no_index() -> None:
    instrument = get_instrument("eq5d5l")
    assert instrument.value_set is None
    result = score_answers(instrument, _answers("12345", 70))
    assert result.score is None
    items = result.as_json()["items"]
    assert items["pain_discomfort"]["score"] == 4
    assert items["vas"]["score"] == 70


def test_with_the_deployers_value_set_the_index_is_looked_up(tmp_path: Path) -> None:
    _write_value_set(tmp_path)
    with override_settings(LICENSED_ITEM_TEXT_DIR=str(tmp_path)):
        instrument = get_instrument("eq5d5l")
        assert instrument.value_set_name == "Made-up test value set"
        best = score_answers(instrument, _answers("11111", 95))
        assert best.score == 1
        mixed = score_answers(instrument, _answers("12345", 40))
        # 1 - 0.05 * (15 - 5) - 0.1 = 0.4
        assert mixed.score == pytest.approx(1 - 0.05 * 10 - 0.1)
        assert mixed.score == pytest.approx(_made_up_index("12345"))


def test_a_value_set_missing_a_state_is_refused_naming_it(tmp_path: Path) -> None:
    _write_value_set(tmp_path, leave_out="33333")
    with (
        override_settings(LICENSED_ITEM_TEXT_DIR=str(tmp_path)),
        pytest.raises(LicensedTextError, match="no index value for 33333"),
    ):
        get_instrument("eq5d5l")


def test_every_dimension_and_the_vas_are_needed_and_no_total_is_taken() -> None:
    instrument = get_instrument("eq5d5l")
    with pytest.raises(AnswerError, match="not answered"):
        score_answers(instrument, {**_answers("11111", 80), "mobility": None})
    with pytest.raises(AnswerError, match="6 is not allowed"):
        score_answers(instrument, _answers("61111", 80))
    with pytest.raises(AnswerError):
        score_total(instrument, 0.8)


@pytest.mark.django_db
def test_a_recorded_eq5d_keeps_the_profile_and_the_index(
    personas: Personas, tmp_path: Path
) -> None:
    case = referred_case(personas)
    data = MeasureInput(
        instrument_id="eq5d5l",
        timepoint="baseline",
        administered_on=timezone.localdate(),
        completed_by="paper",
        answers=_answers("21232", 65),
    )
    plain = measure_record(actor=personas.link_worker, case=case, data=data)
    assert plain.score is None
    assert plain.answers["usual_activities"] == 2 and plain.item_scores["vas"]["score"] == 65
    _write_value_set(tmp_path)
    with override_settings(LICENSED_ITEM_TEXT_DIR=str(tmp_path)):
        indexed = measure_record(actor=personas.link_worker, case=case, data=data)
    assert indexed.score == pytest.approx(1 - 0.05 * (10 - 5))
    with pytest.raises(ValidationFailed):
        measure_record(
            actor=personas.link_worker,
            case=case,
            data=MeasureInput(
                instrument_id="eq5d5l",
                timepoint="week_4",
                administered_on=timezone.localdate(),
                completed_by="paper",
                total=0.7,
            ),
        )
