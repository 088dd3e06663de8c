"""`linkwell outcomes analyse --csv FILE`: JSON equal to scipy, every bad row reported."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

KEYS = {
    "n",
    "mean_baseline",
    "mean_followup",
    "mean_change",
    "ci95_low",
    "ci95_high",
    "t_p",
    "wilcoxon_p",
    "pct_improved",
    "pct_deteriorated",
}


def _run(path: Path, *extra: str) -> dict[str, object]:
    out = StringIO()
    call_command("outcomes", "analyse", "--csv", str(path), *extra, stdout=out, stderr=StringIO())
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(st.integers(7, 35), st.one_of(st.none(), st.integers(7, 35))),
        min_size=3,
        max_size=40,
    ).filter(lambda rows: sum(f is not None for _, f in rows) >= 2)
)
def test_it_prints_what_scipy_computes_on_the_same_data(
    tmp_path: Path, rows: list[tuple[int, int | None]]
) -> None:
    lines = ["person_id,baseline,followup"]
    lines += [f"p{i},{b},{'' if f is None else f}" for i, (b, f) in enumerate(rows)]
    result = _run(_write(tmp_path, "\n".join(lines) + "\n"))
    assert result.keys() >= KEYS
    pairs = [(b, f) for b, f in rows if f is not None]
    before = np.array([b for b, _ in pairs], dtype=float)
    after = np.array([f for _, f in pairs], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = sps.ttest_rel(after, before)
        w = sps.wilcoxon(after - before)
    assert result["n"] == len(pairs)
    assert result["n_lost"] == len(rows) - len(pairs)
    if math.isnan(t.pvalue):
        assert result["t_p"] is None
    else:
        assert math.isclose(result["t_p"], t.pvalue, rel_tol=1e-9, abs_tol=1e-12)  # type: ignore[arg-type]
        ci = t.confidence_interval()
        assert math.isclose(result["ci95_low"], ci.low, rel_tol=1e-9, abs_tol=1e-12)  # type: ignore[arg-type]
        assert math.isclose(result["ci95_high"], ci.high, rel_tol=1e-9, abs_tol=1e-12)  # type: ignore[arg-type]
    assert math.isclose(result["wilcoxon_p"], w.pvalue, rel_tol=1e-9)  # type: ignore[arg-type]
    assert math.isclose(result["mean_baseline"], before.mean(), rel_tol=1e-12)  # type: ignore[arg-type]


def test_lower_is_better_and_reliable_change_and_a_later_timepoint(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "person_id,baseline,followup,later\na,20,10,12\nb,18,15,\nc,12,14,14\nd,15,9,16\n",
    )
    result = _run(path, "--lower-is-better", "--reliable-change", "5")
    assert result["pct_improved"] == 75.0
    assert result["pct_deteriorated"] == 25.0
    assert result["pct_reliably_improved"] == 50.0  # a (-10) and d (-6)
    assert result["pct_still_improved"] == 50.0  # a stays below 20; d rose above 15


def test_every_bad_row_is_reported_with_its_line_and_reason(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "person_id,baseline,followup\na,10,12\nb,ten,12\na,11,13\nc,10,nan\n,9,9\nd,,12\ne,1,2,3\n",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="6 problem"):
        call_command("outcomes", "analyse", "--csv", str(path), stdout=StringIO(), stderr=err)
    text = err.getvalue()
    assert "line 3: baseline 'ten' is not a number" in text
    assert "line 4: duplicate person_id 'a' (first on line 2)" in text
    assert "line 5: followup 'nan' is not a number" in text
    assert "line 6: person_id is empty" in text
    assert "line 7: baseline is missing" in text
    assert "line 8: expected 3 fields, found 4" in text


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "person_id,before,after\na,1,2\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("outcomes", "analyse", "--csv", str(path), stdout=StringIO(), stderr=err)
    assert "missing column(s) baseline, followup" in err.getvalue()


@pytest.mark.parametrize(
    ("value", "message"), [("abc", "must be a number"), ("-1", "must be a positive number")]
)
def test_a_bad_reliable_change_is_refused(tmp_path: Path, value: str, message: str) -> None:
    path = _write(tmp_path, "person_id,baseline,followup\na,1,2\n")
    with pytest.raises(CommandError, match=message):
        _run(path, "--reliable-change", value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        _run(tmp_path / "nope.csv")


@pytest.mark.slow
def test_the_console_command_exits_non_zero_on_bad_input(tmp_path: Path) -> None:
    path = _write(tmp_path, "person_id,baseline,followup\na,x,1\n")
    env = {**os.environ, "LINKWELL_DEBUG": "true"}
    proc = subprocess.run(
        [sys.executable, "-m", "linkwell.cli", "outcomes", "analyse", "--csv", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode != 0
    assert "line 2: baseline 'x' is not a number" in proc.stderr
    assert proc.stdout == ""
