"""`linkwell measures ...`: JSON scores, specific errors and a non-zero exit on bad input."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linkwell.audit.models import AuditEvent
from linkwell.outcomes.models import LocalMeasure
from linkwell.outcomes.registry import shipped_definitions


def run(*args: str) -> str:
    out = StringIO()
    call_command("measures", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_score_prints_the_instrument_raw_score_and_band_as_json() -> None:
    data = json.loads(run("score", "phq9", "--answers", "1,2,3,1,2,3,1,2,0"))
    assert data == {
        "instrument": "phq9",
        "version": "1",
        "raw": 15,
        "score": 15,
        "band": "Moderately severe",
    }


@pytest.mark.django_db
def test_score_converts_swemwbs_and_reports_ons4_items() -> None:
    swemwbs = json.loads(run("score", "swemwbs", "--answers", "4,3,5,2,1,3,4"))
    assert (swemwbs["raw"], swemwbs["score"]) == (22, 19.98)
    ons4 = json.loads(run("score", "ons4", "--answers", "7,8,6,3"))
    assert ons4["score"] is None
    assert ons4["items"]["anxiety"] == {"score": 3, "band": "Low"}
    paper = json.loads(run("score", "swemwbs", "--total", "35"))
    assert paper["score"] == 35


@pytest.mark.django_db
def test_score_reports_prorating_and_the_item_9_alert() -> None:
    data = json.loads(run("score", "phq9", "--answers", "1,,3,1,2,3,1,2,1"))
    assert data["prorated"] is True and data["missing"] == ["phq9_2"]
    assert data["alerts"][0]["item"] == "phq9_9"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "phq9", "--answers", "1,2,3,1,2,3,1,2,7"], "PHQ-9 item 9 (Thoughts of self-harm): 7 is not allowed; answer a whole number from 0 to 3"),
        (["score", "gad7", "--answers", "1,2,3"], "GAD-7 has 7 items; got 3 answers"),
        (["score", "ucla3", "--answers", "1,two,3"], "Answer 2 “two” is not a number"),
        (["score", "nope", "--answers", "1"], "No measure called “nope”"),
        (["score", "swemwbs", "--total", "40"], "a total of 40 is not possible"),
    ],
)  # fmt: skip
def test_bad_answers_exit_non_zero_with_a_specific_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)


def test_the_console_command_exits_non_zero(tmp_path: Path) -> None:
    from linkwell.cli import main

    with pytest.raises(SystemExit) as info:
        main(["linkwell", "measures", "score", "gad7", "--answers", "9,9,9,9,9,9,9"])
    assert info.value.code != 0


@pytest.mark.django_db
def test_list_shows_every_measure_and_which_need_licensed_text() -> None:
    out = run("list")
    for name in shipped_definitions():
        assert name in out
    assert "swemwbs" in out and "deployer's licensed copy" in out


def _local(tmp_path: Path, **changes: object) -> Path:
    data = dict(shipped_definitions()["ucla3"])
    data.update(id="local-connected", title="Feeling connected", licence="Local measure")
    data.update(changes)
    path = tmp_path / "local.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.django_db
def test_add_validates_and_adds_a_local_measure_which_can_then_be_scored(tmp_path: Path) -> None:
    path = _local(tmp_path)
    assert "a valid measure definition" in run("validate", str(path))
    assert "Added local-connected v1" in run("add", str(path))
    assert LocalMeasure.objects.filter(instrument_id="local-connected").exists()
    assert AuditEvent.objects.filter(action="outcomes.local_measure_added").count() == 1
    assert json.loads(run("score", "local-connected", "--answers", "1,2,3"))["score"] == 6
    assert "local-connected" in run("list")
    with pytest.raises(
        CommandError, match="already exists; give the changed definition a new version"
    ):
        run("add", str(path))


@pytest.mark.django_db
def test_add_refuses_a_bad_definition_naming_each_problem_and_writes_nothing(
    tmp_path: Path,
) -> None:
    path = _local(tmp_path, range={"min": 0, "max": 9}, bands=[{"min": 0, "max": 20, "label": "x"}])
    with pytest.raises(CommandError) as info:
        run("add", str(path))
    assert "range: the items give 3 to 9, not 0 to 9" in str(info.value)
    assert "bands[0]: 0 to 20 is outside the score range 0 to 9" in str(info.value)
    assert not LocalMeasure.objects.exists()
    shipped = _local(tmp_path, id="phq9")
    with pytest.raises(CommandError, match="is a measure Linkwell ships"):
        run("add", str(shipped))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON \\(line 1, column 2"):
        run("add", str(broken))
