"""The rejects file (`--rejects FILE`): every problem row of a register, with its file, data row
number and reason, the same on DuckDB and Spark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from linkwell.population import engines, register, synth

EFI = "not one of fit, mild, moderate, severe"


def _bad_frame(n: int = 14) -> pd.DataFrame:
    """A register with one problem of each kind; returns it with the expected rejects."""
    frame = next(synth.chunks(n, seed=8, practices=2, chunk=n)).to_pandas()
    frame["age"] = frame["age"].astype(str)  # text, as a typo would make it in a CSV
    frame["carer"] = frame["carer"].map({True: "yes", False: "no"})
    frame["hba1c_mmol_mol"] = 40.0
    frame.loc[1, "practice"] = None
    frame.loc[2, "age"] = "150"
    frame.loc[3, "efi_category"] = "very frail"
    frame.loc[4, "sex"] = "X"
    frame.loc[8, "pseudo_id"] = frame.loc[5, "pseudo_id"]
    frame.loc[6, "age"] = "sixty"
    frame.loc[7, "carer"] = "sometimes"
    frame.loc[9, "hba1c_mmol_mol"] = 300.0
    frame["national_data_opt_out"] = frame["national_data_opt_out"].astype(object)
    frame.loc[11, "national_data_opt_out"] = None
    return frame


def _expected(frame: pd.DataFrame) -> list[tuple[int, str, str, str, str]]:
    """`row, pseudo_id, column, value, reason` (row: the data row number, 1 = first)."""
    duplicate = str(frame.loc[5, "pseudo_id"])

    def at(index: int) -> str:
        return str(frame.loc[index, "pseudo_id"])

    return [
        (2, at(1), "practice", "", "blank (a value is required)"),
        (3, at(2), "age", "150", "outside 0-120"),
        (4, at(3), "efi_category", "very frail", EFI),
        (5, at(4), "sex", "X", "not one of F, M, I, U"),
        (6, duplicate, "pseudo_id", duplicate, "appears 2 times"),
        (7, at(6), "age", "sixty", "not a whole number"),
        (8, at(7), "carer", "sometimes", "not true/false or 1/0"),
        (9, duplicate, "pseudo_id", duplicate, "appears 2 times"),
        (10, at(9), "hba1c_mmol_mol", "300.0", "outside 10-250"),
        (12, at(11), "national_data_opt_out", "", "blank (a value is required)"),
    ]


def _write(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, row_group_size=4)  # row numbers must run on across row groups
    return path


def _rejects(con: Any, path: Path, rejects: Path) -> tuple[list[str], pd.DataFrame]:
    with pytest.raises(register.RegisterError) as caught:
        register.open_register(con, path, rejects=rejects)
    listed = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    return caught.value.problems, listed


def _rows(listed: pd.DataFrame) -> list[tuple[int, str, str, str, str]]:
    return [
        (int(row.row), row.pseudo_id, row.column, row.value, row.reason)
        for row in listed.itertuples()
    ]


@pytest.mark.parametrize("name", ["register.csv", "register.parquet"])
def test_every_problem_row_is_listed_with_its_row_number_and_reason(
    tmp_path: Path, name: str
) -> None:
    frame = _bad_frame()
    path = _write(frame, tmp_path / name)
    problems, listed = _rejects(engines.connect("duckdb"), path, tmp_path / "rejects.csv")
    assert listed.columns.tolist() == ["file", "row", "pseudo_id", "column", "value", "reason"]
    assert set(listed["file"]) == {name}
    assert _rows(listed) == _expected(frame)
    # The console keeps its summary and points at the file.
    message = "\n".join(problems)
    assert "Column age: expected whole numbers, found text; 1 row is not" in message
    assert "Column age: 1 row is outside 0-120" in message
    assert "Column pseudo_id: 1 id appears more than once" in message
    assert problems[-1] == f"Every problem row is listed in {tmp_path / 'rejects.csv'} (10 lines)."


def test_rows_are_numbered_within_each_file_of_a_directory(tmp_path: Path) -> None:
    frame = _bad_frame()
    good = next(synth.chunks(5, seed=9, practices=1, chunk=5)).to_pandas()
    good.loc[3, "age"] = -1
    _write(frame, tmp_path / "register" / "a.csv")
    _write(good, tmp_path / "register" / "b.csv")
    _, listed = _rejects(engines.connect("duckdb"), tmp_path / "register", tmp_path / "r.csv")
    in_b = listed[listed["file"] == "b.csv"]
    assert _rows(in_b) == [(4, str(good.loc[3, "pseudo_id"]), "age", "-1", "outside 0-120")]
    assert _rows(listed[listed["file"] == "a.csv"]) == _expected(frame)


@pytest.mark.slow
def test_row_numbers_hold_deep_in_a_large_file(tmp_path: Path) -> None:
    """DuckDB reads a big CSV on several threads: the numbers still follow the file's lines."""
    frame = next(synth.chunks(120_000, seed=10, practices=3, chunk=120_000)).to_pandas()
    bad = [17, 65_432, 119_998]
    frame.loc[bad, "imd_decile"] = 11
    path = _write(frame, tmp_path / "big.csv")
    _, listed = _rejects(engines.connect("duckdb"), path, tmp_path / "rejects.csv")
    assert listed["row"].astype(int).tolist() == [index + 1 for index in bad]
    assert listed["pseudo_id"].tolist() == frame.loc[bad, "pseudo_id"].tolist()


def test_a_valid_register_gets_a_rejects_file_with_its_header_only(tmp_path: Path) -> None:
    path = _write(
        next(synth.chunks(20, seed=5, practices=2, chunk=20)).to_pandas(), tmp_path / "r.csv"
    )
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("stale,list\n")
    reg = register.open_register(engines.connect("duckdb"), path, rejects=rejects)
    assert reg.rows == 20
    assert rejects.read_text().splitlines() == ["file,row,pseudo_id,column,value,reason"]


def test_nothing_is_written_for_a_register_refused_outright(tmp_path: Path) -> None:
    con = engines.connect("duckdb")
    rejects = tmp_path / "rejects.csv"
    identifying = _bad_frame()
    identifying["nhs_number"] = "9434765919"
    with pytest.raises(register.RegisterError, match="identifying columns"):
        register.open_register(con, _write(identifying, tmp_path / "a.csv"), rejects=rejects)
    assert not rejects.exists()
    # A pseudo_id that is an NHS number would be echoed in the file: refused, never written.
    disguised = _bad_frame()
    disguised.loc[12, "pseudo_id"] = "9434765919"
    with pytest.raises(register.RegisterError) as caught:
        register.open_register(con, _write(disguised, tmp_path / "b.csv"), rejects=rejects)
    assert "valid NHS numbers" in caught.value.problems[0]
    assert "9434765919" not in str(caught.value)
    assert not rejects.exists()
    # Missing columns are a problem with the file, not its rows: no rows to list.
    with pytest.raises(register.RegisterError, match="Missing columns: sex"):
        register.open_register(
            con, _write(_bad_frame().drop(columns=["sex"]), tmp_path / "c.csv"), rejects=rejects
        )
    assert not rejects.exists()
    assert list(tmp_path.glob(".*partial")) == []


def test_the_command_lists_the_rows_and_writes_no_ranked_list(tmp_path: Path) -> None:
    path = _write(_bad_frame(), tmp_path / "register.csv")
    rejects = tmp_path / "out" / "rejects.csv"
    with pytest.raises(CommandError) as caught:
        call_command("population", "validate", "--register", str(path), "--rejects", str(rejects))
    assert "The register was rejected" in str(caught.value)
    assert "Column sex: 1 row has an unknown value" in str(caught.value)
    assert f"Every problem row is listed in {rejects}" in str(caught.value)
    assert len(pd.read_csv(rejects)) == 10
    rejects.unlink()
    out = tmp_path / "list.csv"
    run = ["run", "prediabetes", "--register", str(path), "--out", str(out), "--no-progress"]
    with pytest.raises(CommandError, match="Every problem row is listed in"):
        call_command("population", *run, "--rejects", str(rejects))
    assert not out.exists()
    assert len(pd.read_csv(rejects)) == 10
    with pytest.raises(CommandError, match=r"--rejects .*: use a \.csv file name"):
        call_command("population", *run, "--rejects", str(tmp_path / "rejects.parquet"))


@pytest.mark.slow
@pytest.mark.spark
def test_spark_lists_the_same_rejects_as_duckdb(tmp_path: Path, spark_con: Any) -> None:
    # Parquet here; CSV (the slower path, ~90 Spark jobs even for 14 rows) in the test below,
    # whose directory holds the same bad rows as b.csv.
    frame = _bad_frame()
    path = _write(frame, tmp_path / "register.parquet")
    duck_problems, duck = _rejects(engines.connect("duckdb"), path, tmp_path / "duckdb.csv")
    spark_problems, spark = _rejects(spark_con, path, tmp_path / "spark.csv")
    assert _rows(duck) == _expected(frame)
    pd.testing.assert_frame_equal(duck, spark)
    assert duck_problems[:-1] == spark_problems[:-1]


@pytest.mark.slow
@pytest.mark.spark
def test_spark_numbers_rows_across_the_splits_of_a_csv(tmp_path: Path, spark_con: Any) -> None:
    """A CSV read in several partitions (and a second file): numbers still follow the lines."""
    frame = next(synth.chunks(2_000, seed=12, practices=2, chunk=2_000)).to_pandas()
    bad = np.array([3, 1_100, 1_999])
    frame.loc[bad, "repeat_medicines"] = 101
    _write(frame, tmp_path / "register" / "a.csv")
    _write(_bad_frame(), tmp_path / "register" / "b.csv")
    session = spark_con._session
    session.conf.set("spark.sql.files.maxPartitionBytes", "65536")
    try:
        splits = session.read.csv(str(tmp_path / "register" / "a.csv"), header=True)
        assert splits.rdd.getNumPartitions() > 2  # the numbering must span several splits
        _, spark = _rejects(spark_con, tmp_path / "register", tmp_path / "spark.csv")
    finally:
        session.conf.unset("spark.sql.files.maxPartitionBytes")
    _, duck = _rejects(engines.connect("duckdb"), tmp_path / "register", tmp_path / "duck.csv")
    in_a = spark[spark["file"] == "a.csv"]
    assert in_a["row"].astype(int).tolist() == (bad + 1).tolist()
    assert _rows(spark[spark["file"] == "b.csv"]) == _expected(_bad_frame())
    pd.testing.assert_frame_equal(duck, spark)


@pytest.mark.parametrize("name", ["register.csv", "register.parquet"])
def test_fractions_and_text_in_number_columns_are_listed(tmp_path: Path, name: str) -> None:
    frame = next(synth.chunks(6, seed=9, practices=2, chunk=6)).to_pandas()
    frame["repeat_medicines"] = frame["repeat_medicines"].astype(float)
    frame.loc[1, "repeat_medicines"] = 2.5
    frame["hba1c_mmol_mol"] = "40"
    frame.loc[3, "hba1c_mmol_mol"] = "high"
    path = _write(frame, tmp_path / name)
    problems, listed = _rejects(engines.connect("duckdb"), path, tmp_path / "rejects.csv")
    at = frame["pseudo_id"].astype(str)
    assert _rows(listed) == [
        (2, at[1], "repeat_medicines", "2.5", "not a whole number"),
        (4, at[3], "hba1c_mmol_mol", "high", "not a number"),
    ]
    message = "\n".join(problems)
    assert "Column repeat_medicines: expected whole numbers; 1 row has a fraction" in message
    assert "Column hba1c_mmol_mol: expected numbers, found text; 1 row is not" in message
