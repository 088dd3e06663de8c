"""The benchmark scripts must keep working: run each on a tiny directory, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmark_scripts import load_benchmark


@pytest.mark.slow
@pytest.mark.benchmark
@pytest.mark.django_db
def test_the_directory_search_benchmark_runs_on_a_small_directory(tmp_path: Path) -> None:
    bench = load_benchmark("directory_search")
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
