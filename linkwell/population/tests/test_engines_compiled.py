"""A cohort is compiled to SQL once per rule set and register schema, and reused by later runs
in the process over any register of that schema (DuckDB)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from linkwell.population import cohorts, engines, synth
from linkwell.population.disclosure import cell


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


def test_a_cohort_nobody_meets_still_counts_the_people_considered(
    tmp_path: Path, small_register: Path
) -> None:
    base = {
        "version": 1,
        "title": "Adults",
        "population": [{"when": "age >= 18", "reason": "Adult"}],
    }
    nobody = dict(base, id="nobody", include={"rules": [{"when": "age > 200", "reason": "x"}]})
    everybody = dict(base, id="everybody", include={"rules": [{"when": "age >= 0", "reason": "x"}]})
    results = {}
    for data in (nobody, everybody):
        path = tmp_path / f"{data['id']}.yaml"
        path.write_text(yaml.safe_dump(data))
        results[data["id"]] = engines.run(path, small_register, out=tmp_path / f"{path.stem}.csv")
    people = pd.read_parquet(small_register / "register.parquet")
    adults = int(((people["age"] >= 18) & ~people["national_data_opt_out"]).sum())
    assert results["nobody"].rows == 0
    assert pd.read_csv(tmp_path / "nobody.csv").empty
    assert results["nobody"].summary.considered == results["everybody"].summary.considered
    assert results["everybody"].summary.considered == cell(adults)
