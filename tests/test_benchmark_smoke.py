"""The benchmark scripts must keep working: run each on a tiny directory, in-process."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.benchmark
@pytest.mark.django_db
def test_the_directory_search_benchmark_runs_on_a_small_directory(tmp_path: Path) -> None:
    bench = _load("directory_search")
    counts = bench.populate(200, chunk=10)
    assert 100 <= counts["services"] <= 400
    result = bench.measure(repeat=1)
    assert len(result["queries"]) == len(bench.query_mix())
    assert result["p95"] >= result["p50"] > 0
    assert any(q["results"] for q in result["queries"])

    section = bench.render(
        [
            dict(
                result,
                database=bench.database_version(),
                services=counts["services"],
                rows=sum(counts.values()),
                load_seconds=0.1,
            )
        ],
        bench.machine(),
    )
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nOther section.\n")
    bench.publish(section, out, write=True)
    bench.publish(section, out, write=True)  # replaces its own section, keeps the rest
    text = out.read_text()
    assert text.count(bench.MARK_START) == 1 and "Other section." in text
