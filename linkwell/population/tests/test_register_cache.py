"""The validation cache: a register whose bytes were proved valid is not validated again, and
nothing about the cache can let a problem through."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from linkwell.population import engines, register, synth
from linkwell.population.register import cache
from linkwell.population.register.validation import validate


def _frame(n: int = 12) -> pd.DataFrame:
    return next(synth.chunks(n, seed=21, practices=2, chunk=n)).to_pandas()


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources `validate` actually checked (every other open came from the cache)."""
    seen: list[str] = []

    def counting(table: Any, *, source: str = "register") -> register.Register:
        seen.append(source)
        return validate(table, source=source)

    monkeypatch.setattr("linkwell.population.register.opening.validate", counting)
    return seen


def _open(path: Path, **options: Any) -> register.Register:
    return register.open_register(engines.connect("duckdb"), path, **options)


@pytest.mark.parametrize("name", ["register.csv", "register.parquet"])
def test_an_unchanged_register_is_validated_once(
    tmp_path: Path, validations: list[str], name: str
) -> None:
    path = tmp_path / name
    frame = _frame()
    frame.to_csv(path, index=False) if name.endswith(".csv") else frame.to_parquet(path)
    first = _open(path)
    second = _open(path)
    assert (first.cached, second.cached) == (False, True)
    assert validations == [str(path)]
    assert second.rows == first.rows == 12
    # The cached register is the same table: the same people, typed the same way.
    columns = ["pseudo_id", "age", "carer", "hba1c_mmol_mol"]
    left = first.table.select(*columns).order_by("pseudo_id").execute()
    right = second.table.select(*columns).order_by("pseudo_id").execute()
    pd.testing.assert_frame_equal(left, right)


def test_a_changed_register_is_validated_again(tmp_path: Path, validations: list[str]) -> None:
    path = tmp_path / "register.parquet"
    frame = _frame()
    frame.to_parquet(path)
    _open(path)
    frame.loc[3, "age"] = 71
    frame.to_parquet(path)
    again = _open(path)
    assert not again.cached
    assert len(validations) == 2


def test_a_stale_entry_cannot_hide_a_problem(tmp_path: Path, validations: list[str]) -> None:
    """The same size and modification time, one value changed: the bytes decide."""
    path = tmp_path / "register.csv"
    frame = _frame()
    frame.to_csv(path, index=False)
    _open(path)
    before = path.stat()
    text = path.read_text()
    changed = frame.copy()
    changed.loc[2, "sex"] = "X"  # one letter for another: the same size
    bad = changed.to_csv(index=False)
    assert bad != text and len(bad) == len(text)
    path.write_text(bad)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    rejects = tmp_path / "rejects.csv"
    with pytest.raises(register.RegisterError) as caught:
        _open(path, rejects=rejects)
    assert any("Column sex: 1 row has an unknown value" in p for p in caught.value.problems)
    listed = pd.read_csv(rejects, dtype=str)
    assert listed[["row", "column", "value"]].values.tolist() == [["3", "sex", "X"]]
    assert len(validations) == 2


def test_a_register_with_problems_is_never_remembered(
    tmp_path: Path, validations: list[str]
) -> None:
    path = tmp_path / "register.parquet"
    frame = _frame()
    frame.loc[1, "sex"] = "X"
    frame.to_parquet(path)
    for _ in range(2):
        with pytest.raises(register.RegisterError, match="sex"):
            _open(path)
    assert len(validations) == 2


def test_new_validation_rules_validate_every_register_again(
    tmp_path: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "register.parquet"
    _frame().to_parquet(path)
    _open(path)
    monkeypatch.setattr(cache, "RULES_VERSION", cache.RULES_VERSION + 1)
    assert not _open(path).cached
    assert _open(path).cached
    assert len(validations) == 2


def test_the_cache_can_be_turned_off(
    tmp_path: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "register.parquet"
    _frame().to_parquet(path)
    monkeypatch.setenv("LINKWELL_POPULATION_CACHE", "off")
    assert not _open(path).cached
    assert not _open(path).cached
    assert not _open(path, cache=False).cached
    assert len(validations) == 3


def test_the_cache_directory_is_private_and_holds_no_register_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "validated"
    monkeypatch.setenv("LINKWELL_POPULATION_CACHE", str(directory))
    path = tmp_path / "register.parquet"
    frame = _frame()
    frame.to_parquet(path)
    _open(path)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    (entry,) = directory.glob("*.json")
    text = entry.read_text()
    assert not any(str(pseudo_id) in text for pseudo_id in frame["pseudo_id"])


def test_a_damaged_entry_is_ignored(tmp_path: Path, validations: list[str]) -> None:
    path = tmp_path / "register.parquet"
    _frame().to_parquet(path)
    _open(path)
    directory = cache.default_directory()
    assert directory is not None
    for entry in directory.glob("*.json"):
        entry.write_text("{not json")
    assert not _open(path).cached
    assert len(validations) == 2


def test_a_run_uses_the_cache_and_gives_the_same_list(tmp_path: Path, small_register: Path) -> None:
    first = engines.run("frequent-attenders", small_register, out=tmp_path / "a.csv")
    second = engines.run("frequent-attenders", small_register, out=tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    assert first.summary.render() == second.summary.render()
