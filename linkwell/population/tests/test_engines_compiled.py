"""A cohort is compiled to SQL once per rule set and register schema, and reused by later runs
in the process over any register of that schema (DuckDB)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkwell.population import cohorts, engines, synth


@pytest.fixture
def compilations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = cohorts.compile_cohort

    def counting(cohort: cohorts.Cohort, *args: object, **kwargs: object) -> cohorts.Compiled:
        seen.append(cohort.id)
        return real(cohort, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cohorts, "compile_cohort", counting)
    monkeypatch.setattr(engines, "_COMPILED", {})
    return seen


def test_a_rule_set_is_compiled_once_and_reused_over_other_registers(
    tmp_path: Path, compilations: list[str]
) -> None:
    first = tmp_path / "first"
    second = tmp_path / "second"
    synth.write_register(first, patients=800, seed=3, practices=2)
    synth.write_register(second, patients=900, seed=4, practices=2)
    con = engines.connect("duckdb")
    reused = engines.run("frequent-attenders", second, out=tmp_path / "a.csv", con=con)
    engines.run("frequent-attenders", first, out=tmp_path / "b.csv", con=con)
    engines.run("frequent-attenders", second, out=tmp_path / "c.csv", con=con)
    assert compilations == ["frequent-attenders"]
    # The reused SQL ran over the register it was given, not the one it was compiled for.
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "c.csv").read_text()
    assert (tmp_path / "a.csv").read_text() != (tmp_path / "b.csv").read_text()
    assert reused.rows == len(pd.read_csv(tmp_path / "a.csv"))

    # Another rule set, or an exclusions file, is compiled afresh.
    engines.run("loneliness-risk", first, out=tmp_path / "d.csv", con=con)
    exclude = tmp_path / "exclude.csv"
    ids = pd.read_csv(tmp_path / "b.csv", dtype={"pseudo_id": str})["pseudo_id"][:3]
    pd.DataFrame({"pseudo_id": ids}).to_csv(exclude, index=False)
    excluded = engines.run(
        "frequent-attenders", first, out=tmp_path / "e.csv", con=con, exclude=[exclude]
    )
    assert compilations == ["frequent-attenders", "loneliness-risk", "frequent-attenders"]
    listed = pd.read_csv(tmp_path / "e.csv", dtype={"pseudo_id": str})
    assert not set(ids) & set(listed["pseudo_id"])
    assert excluded.rows == len(pd.read_csv(tmp_path / "b.csv")) - 3
