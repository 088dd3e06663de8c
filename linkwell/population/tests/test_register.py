"""Registers: the expected columns, and bad registers rejected with messages naming the problem."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkwell.population import engines, register, synth


def _frame(n: int = 20) -> pd.DataFrame:
    table = next(synth.chunks(n, seed=5, practices=2, chunk=n))
    return table.to_pandas()


def _open(frame: pd.DataFrame, tmp_path: Path, name: str = "register.csv") -> register.Register:
    path = tmp_path / name
    if name.endswith(".csv"):
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    return register.open_register(engines.connect("duckdb"), path)


def _problems(frame: pd.DataFrame, tmp_path: Path, name: str = "register.csv") -> str:
    with pytest.raises(register.RegisterError) as caught:
        _open(frame, tmp_path, name)
    return "\n".join(caught.value.problems)


def test_a_synthetic_register_is_valid_as_csv_and_parquet(tmp_path: Path) -> None:
    frame = _frame()
    assert _open(frame, tmp_path).rows == 20
    valid = _open(frame, tmp_path, "register.parquet")
    assert valid.table.schema()["lives_alone"].is_boolean()


def test_flags_may_be_ones_and_zeros(tmp_path: Path) -> None:
    frame = _frame()
    frame["lives_alone"] = frame["lives_alone"].astype(int)
    valid = _open(frame, tmp_path)
    assert valid.table.schema()["lives_alone"].is_boolean()
    assert int(valid.table.lives_alone.sum().execute()) == int(frame["lives_alone"].sum())


def test_missing_columns_are_named(tmp_path: Path) -> None:
    message = _problems(_frame().drop(columns=["imd_decile", "copd"]), tmp_path)
    assert "Missing columns: imd_decile, copd." in message


def test_a_mistyped_column_is_named_with_the_rows_at_fault(tmp_path: Path) -> None:
    frame = _frame()
    frame["age"] = frame["age"].astype(object)
    frame.loc[3, "age"] = "sixty"
    message = _problems(frame, tmp_path)
    assert "Column age: expected whole numbers, found text; 1 row is not" in message
    assert f"{frame.loc[3, 'pseudo_id']} ('sixty')" in message


def test_duplicate_pseudo_ids_are_listed_with_a_count(tmp_path: Path) -> None:
    frame = _frame()
    frame.loc[5, "pseudo_id"] = frame.loc[4, "pseudo_id"]
    frame.loc[7, "pseudo_id"] = frame.loc[6, "pseudo_id"]
    message = _problems(frame, tmp_path)
    assert "Column pseudo_id: 2 ids appear more than once" in message
    assert f"{frame.loc[4, 'pseudo_id']} (x2)" in message


def test_ages_out_of_range_and_unknown_categories_are_named(tmp_path: Path) -> None:
    frame = _frame()
    frame.loc[2, "age"] = 130
    frame.loc[3, "age"] = -2
    frame.loc[8, "efi_category"] = "very frail"
    message = _problems(frame, tmp_path, "register.parquet")
    assert "Column age: 2 rows are outside 0-120" in message
    assert f"{frame.loc[2, 'pseudo_id']} (130)" in message
    assert f"{frame.loc[3, 'pseudo_id']} (-2)" in message
    assert "Column efi_category: 1 row has an unknown value (expected one of fit, mild" in message
    assert "'very frail'" in message


def test_blank_required_values_are_rejected(tmp_path: Path) -> None:
    frame = _frame()
    frame.loc[1, "practice"] = None
    assert "Column practice: 1 row is blank" in _problems(frame, tmp_path, "register.parquet")


@pytest.mark.parametrize("column", ["nhs_number", "Surname", "Date of Birth", "postcode"])
def test_a_register_with_identifying_columns_is_refused(tmp_path: Path, column: str) -> None:
    frame = _frame()
    frame[column] = "x"
    message = _problems(frame, tmp_path)
    assert "refused" in message and column in message and "never carry names" in message


def test_an_empty_directory_or_wrong_file_is_a_clear_error(tmp_path: Path) -> None:
    con = engines.connect("duckdb")
    with pytest.raises(register.RegisterError, match=r"no \.parquet or \.csv files"):
        register.open_register(con, tmp_path)
    (tmp_path / "register.xlsx").write_text("x")
    with pytest.raises(register.RegisterError, match=r"expected a \.parquet or \.csv"):
        register.open_register(con, tmp_path / "register.xlsx")


def test_event_tables_are_counted_into_the_twelve_month_columns(tmp_path: Path) -> None:
    frame = _frame(5)
    first, second = frame["pseudo_id"][0], frame["pseudo_id"][1]
    events = pd.DataFrame(
        {
            "pseudo_id": [first, first, first, second, second],
            "event_type": [
                "gp_appointment",
                "gp_appointment",
                "emergency_admission",
                "ae_attendance",
                "gp_appointment",
            ],
            "event_date": ["2026-01-10", "2025-12-01", "2026-03-01", "2026-02-02", "2024-06-01"],
        }
    )
    events.to_csv(tmp_path / "events.csv", index=False)
    con = engines.connect("duckdb")
    frame.to_parquet(tmp_path / "register.parquet")
    reg = register.open_register(con, tmp_path / "register.parquet")
    counted = register.with_events(
        reg,
        register.read_table(con, tmp_path / "events.csv"),
        as_of=pd.Timestamp("2026-06-30").date(),
    )
    rows = counted.table.execute().set_index("pseudo_id")
    assert rows.loc[first, "gp_appointments_12m"] == 2
    assert rows.loc[first, "emergency_admissions_12m"] == 1
    assert rows.loc[second, "ae_attendances_12m"] == 1
    assert rows.loc[second, "gp_appointments_12m"] == 0  # 2024: outside the 12 months
    assert rows.loc[frame["pseudo_id"][2], "nurse_appointments_12m"] == 0
    assert rows.loc[first, "repeat_medicines"] == frame["repeat_medicines"][0]  # no code column

    # Prescriptions: with a code column, repeat medicines are the distinct codes issued in the
    # last six months (a re-issue of the same medicine counts once; an old one not at all).
    prescriptions = pd.DataFrame(
        {
            "pseudo_id": [first, first, first, second, first],
            "event_type": ["repeat_prescription"] * 4 + ["gp_appointment"],
            "event_date": ["2026-06-01", "2026-05-01", "2026-06-20", "2025-10-01", "2026-06-02"],
            "code": ["0212000B0", "0212000B0", "0601022B0", "0407010H0", ""],
        }
    )
    prescriptions.to_csv(tmp_path / "prescriptions.csv", index=False)
    counted = register.with_events(
        reg,
        register.read_table(con, tmp_path / "prescriptions.csv"),
        as_of=pd.Timestamp("2026-06-30").date(),
    )
    rows = counted.table.execute().set_index("pseudo_id")
    assert rows.loc[first, "repeat_medicines"] == 2
    assert rows.loc[second, "repeat_medicines"] == 0
    assert rows.loc[first, "gp_appointments_12m"] == 1

    events.loc[3, "event_date"] = "02/02/2026"
    events.to_csv(tmp_path / "events.csv", index=False)
    with pytest.raises(register.RegisterError) as caught:
        register.with_events(reg, register.read_table(con, tmp_path / "events.csv"), as_of=None)
    assert caught.value.problems == [
        "Events file: column event_date: 1 row is not a date (YYYY-MM-DD), "
        f"e.g. {second} ('02/02/2026')."
    ]


def test_every_expected_column_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs/subsystems/population.md").read_text()
    for column in register.COLUMNS:
        assert f"| `{column.name}` |" in doc, column.name


def test_flags_may_be_written_as_words(tmp_path: Path) -> None:
    frame = _frame()
    frame["carer"] = frame["carer"].map({True: "Yes", False: "no"})
    valid = _open(frame, tmp_path)
    assert int(valid.table.carer.sum().execute()) == int((frame["carer"] == "Yes").sum())
    frame.loc[4, "carer"] = "sometimes"
    message = _problems(frame, tmp_path)
    assert "Column carer: expected true/false or 1/0; 1 row is not" in message
    assert "'sometimes'" in message


def test_nhs_numbers_used_as_pseudo_ids_are_refused_without_echoing_them(tmp_path: Path) -> None:
    frame = _frame()
    frame.loc[0, "pseudo_id"] = "9434765919"  # a valid NHS number (the NHS's own example)
    message = _problems(frame, tmp_path, "register.parquet")
    assert "refused: 1 pseudo_id values are valid NHS numbers" in message
    assert "9434765919" not in message


def test_a_hash_collision_between_different_ids_is_not_reported_as_a_duplicate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Duplicates are first looked for among the ids' 64-bit hashes; a repeated hash is checked
    against the ids themselves before anything is reported."""
    from linkwell.population.register import validation

    monkeypatch.setattr(validation, "_hashes_repeat", lambda table, ids: True)
    assert _open(_frame(), tmp_path, "register.parquet").rows == 20
    frame = _frame()
    frame.loc[7, "pseudo_id"] = frame.loc[2, "pseudo_id"]
    message = _problems(frame, tmp_path, "register.parquet")
    assert f"1 id appears more than once, e.g. {frame.loc[2, 'pseudo_id']} (x2)" in message
