"""The population benchmark keeps working: a tiny register through DuckDB and pandas."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "population_bench", ROOT / "benchmarks" / "population.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.benchmark
def test_the_population_benchmark_runs_on_a_tiny_register(tmp_path: Path) -> None:
    bench = _load()
    results = bench.benchmark([3000], None, tmp_path, bench.COHORT, [3000])
    engines = [row["engine"] for row in results]
    assert engines == ["duckdb (cold)", "duckdb (warm)", "hand-written SQL", "pandas"]
    assert results[0]["detail"]["cached"] is False and results[1]["detail"]["cached"] is True
    # The cached run, the hand-written statement and pandas rank the same people.
    assert [row["same"] for row in results[1:]] == ["yes", "yes", "yes"]
    assert results[0]["rows"] > 0 and results[0]["peak_mb"] > 0

    section = bench.render(results, bench.machine(), bench.COHORT)
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nOther section.\n")
    bench.write_section(section, out)
    bench.write_section(section, out)
    text = out.read_text()
    assert text.count(bench.MARK_START) == 1 and "Other section." in text
    assert "| 3,000 | duckdb (warm) |" in text
    assert "- 3,000, duckdb (warm): run " in text
