"""`linkwell population`: exit codes and messages a data manager sees."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from linkwell import cli


def test_synth_then_run_exits_zero_and_prints_a_protected_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("population", "synth", "--patients", "800", "--out", str(tmp_path), "--seed", "4")
    assert "Wrote 800 synthetic patients" in capsys.readouterr().out
    out = tmp_path / "list.csv"
    # The console command's own entry point (in-process: a subprocess costs ~10 s here).
    run = ["population", "run", "potential-care-needs", "--register", str(tmp_path)]
    cli.main(["linkwell", *run, "--out", str(out)])
    done = capsys.readouterr()
    assert "Cohort potential-care-needs (version 1)" in done.out
    assert "IMD quintile" in done.out and "Age band" in done.out
    assert "Counts of 1-7 are shown as *" in done.out
    assert "validate" in done.err and "4/4" in done.err  # the progress bar
    assert pd.read_csv(out).columns.tolist()[:3] == ["cohort", "cohort_version", "rank"]
    with pytest.raises(SystemExit) as exited:
        cli.main(["linkwell", "population", "validate", "--register", str(tmp_path / "no.csv")])
    assert exited.value.code == 1
    assert "no such file or directory" in capsys.readouterr().err


def test_a_bad_register_is_rejected_naming_the_column_and_writes_nothing(tmp_path: Path) -> None:
    pd.DataFrame({"pseudo_id": ["a"], "age": [40]}).to_csv(tmp_path / "r.csv", index=False)
    with pytest.raises(CommandError) as caught:
        call_command(
            "population",
            "run",
            "prediabetes",
            "--register",
            str(tmp_path / "r.csv"),
            "--out",
            str(tmp_path / "o.csv"),
            "--no-progress",
        )
    assert "The register was rejected" in str(caught.value)
    assert "Missing columns: practice, sex" in str(caught.value)
    assert not (tmp_path / "o.csv").exists()


def test_bad_options_are_refused(tmp_path: Path, small_register: Path) -> None:
    with pytest.raises(CommandError, match=r"use a \.csv or \.parquet"):
        call_command(
            "population",
            "run",
            "prediabetes",
            "--register",
            str(small_register),
            "--out",
            str(tmp_path / "o.xlsx"),
            "--no-progress",
        )
    with pytest.raises(CommandError, match="cohort definition was rejected"):
        call_command(
            "population",
            "run",
            str(tmp_path / "none.yaml"),
            "--register",
            str(small_register),
            "--out",
            str(tmp_path / "o.csv"),
            "--no-progress",
        )
    with pytest.raises(CommandError, match="--patients must be at least 1"):
        call_command("population", "synth", "--patients", "0", "--out", str(tmp_path))
    with pytest.raises(CommandError, match=r"--out must be a \.json"):
        call_command(
            "population",
            "model",
            "fit",
            "--register",
            str(small_register),
            "--out",
            str(tmp_path / "m.txt"),
        )


def test_validate_reports_a_good_register(
    small_register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("population", "validate", "--register", str(small_register))
    first = capsys.readouterr().out
    assert "3,000 patients; the register is valid." in first
    assert "not checked again" not in first
    call_command("population", "validate", "--register", str(small_register))
    second = capsys.readouterr().out
    assert "3,000 patients; the register is valid." in second
    assert "proved valid by an earlier check (same content, same rules)" in second


def test_the_spark_engine_without_the_spark_extra_says_which_extra_to_install(
    tmp_path: Path, small_register: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after a plain `pip install linkwell`: pyspark (and so Ibis's Spark backend) is absent."""
    import sys

    for name in ("pyspark", "pyspark.sql", "ibis.backends.pyspark"):
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setattr("linkwell.population.engines.shutil.which", lambda command: "/usr/bin/java")
    with pytest.raises(CommandError) as refused:
        call_command(
            "population", "run", "prediabetes", "--register", str(small_register),
            "--engine", "spark", "--out", str(tmp_path / "ranked.csv"), "--no-progress",
        )  # fmt: skip
    assert 'pip install "linkwell[spark]"' in str(refused.value)
