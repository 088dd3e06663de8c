"""Fixtures for the population analytics tests: small synthetic registers and one SparkSession.

Spark tests are marked `spark` and `slow`. Without Java or pyspark they skip, unless
LINKWELL_SPARK_TESTS=required (CI), where they fail: a green CI must not hide a missing engine.
One SparkSession serves the whole test session (starting Spark takes ~15 s).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from linkwell.population import synth


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: runs a cohort on a local SparkSession (needs Java)")


@pytest.fixture(autouse=True)
def _validation_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test its own validation cache (register/cache.py), never the user's."""
    directory = tmp_path_factory.mktemp("validated")
    monkeypatch.setenv("LINKWELL_POPULATION_CACHE", str(directory))
    return directory


@pytest.fixture(scope="session")
def small_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 synthetic patients in 4 practices (Parquet), seeded."""
    directory = tmp_path_factory.mktemp("register")
    synth.write_register(directory, patients=3000, seed=11, practices=4, chunk=1000)
    return directory


@pytest.fixture(scope="session")
def spark_con() -> Iterator[Any]:
    problem = None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        problem = "Java is not installed (apt-get install openjdk-17-jre-headless)"
    elif importlib.util.find_spec("pyspark") is None:
        problem = 'pyspark is not installed (pip install -e ".[spark]")'
    if problem:
        if os.environ.get("LINKWELL_SPARK_TESTS") == "required":
            pytest.fail(f"Spark tests are required here but {problem}")
        pytest.skip(problem)
    from linkwell.population import engines

    con = engines.connect("spark", master="local[2]")
    # Tiny test data: a few shuffle partitions, not Spark's 200 (or Linkwell's default 8).
    con._session.conf.set("spark.sql.shuffle.partitions", "2")
    yield con
