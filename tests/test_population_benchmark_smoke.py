"""The population benchmark keeps working: a tiny register through DuckDB and pandas."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load():
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
    assert [row["engine"] for row in results] == ["duckdb", "pandas"]
    assert results[1]["same"] == "yes"  # the pandas baseline ranks the same people
    assert results[0]["rows"] > 0 and results[0]["peak_mb"] > 0

    section = bench.render(results, bench.machine(), bench.COHORT)
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nOther section.\n")
    bench.write_markdown(section, out)
    bench.write_markdown(section, out)
    text = out.read_text()
    assert text.count(bench.MARK_START) == 1 and "Other section." in text
    assert "| 3,000 | duckdb |" in text
