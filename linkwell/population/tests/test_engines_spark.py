"""DuckDB and Spark give identical cohorts on the same synthetic register (kept few and small:
one SparkSession for the test session, see conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from linkwell.population import engines, register


@pytest.mark.slow
@pytest.mark.spark
def test_both_engines_give_identical_cohorts(
    tmp_path: Path, small_register: Path, spark_con: Any
) -> None:
    exclude = tmp_path / "exclude.csv"
    people = pd.read_parquet(small_register / "register.parquet")
    pd.DataFrame({"pseudo_id": people["pseudo_id"][:400]}).to_csv(exclude, index=False)
    # Validated once on Spark (each check is a Spark job) and reused for the three cohorts.
    on_spark = register.open_register(spark_con, small_register)
    for cohort in ("potential-care-needs", "prediabetes", "top-1pc-emergency-admission-risk"):
        duck = engines.run(
            cohort, small_register, out=tmp_path / f"{cohort}-duckdb.csv", exclude=[exclude]
        )
        spark = engines.run(
            cohort,
            on_spark,
            out=tmp_path / f"{cohort}-spark.csv",
            engine="spark",
            con=spark_con,
            exclude=[exclude],
        )
        left = pd.read_csv(duck.out, dtype={"pseudo_id": str})
        right = pd.read_csv(spark.out, dtype={"pseudo_id": str})
        assert len(left) > 0, cohort
        pd.testing.assert_frame_equal(left, right)
        assert duck.summary.render() == spark.summary.render()


@pytest.mark.slow
@pytest.mark.spark
def test_spark_names_the_problems_in_a_bad_register(tmp_path: Path, spark_con: Any) -> None:
    from linkwell.population import synth

    frame = next(synth.chunks(30, seed=3, practices=1, chunk=30)).to_pandas()
    frame.loc[2, "age"] = 150
    frame.loc[4, "pseudo_id"] = frame.loc[3, "pseudo_id"]
    frame.to_parquet(tmp_path / "register.parquet")
    with pytest.raises(register.RegisterError) as caught:
        register.open_register(spark_con, tmp_path)
    message = "\n".join(caught.value.problems)
    assert "Column age: 1 row is outside 0-120" in message
    assert "Column pseudo_id: 1 id appears more than once" in message
