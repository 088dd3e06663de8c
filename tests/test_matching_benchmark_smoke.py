"""The matching benchmark must keep working: quality on a few people, latency on tiny directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwell.matching.engine import COMPONENTS
from tests.benchmark_scripts import load_benchmark


@pytest.mark.slow
@pytest.mark.benchmark
def test_the_matching_benchmark_runs_quickly_and_writes_its_section(tmp_path: Path) -> None:
    bench = load_benchmark("matching")
    output = tmp_path / "BENCHMARKS.md"
    output.write_text("# Benchmarks\n\n<!-- other:start -->\nkept\n<!-- other:end -->\n")
    quality, latency, section = bench.run(
        sizes=[40, 120], repeat=1, encode_limit=100, people=4, output=output, encoder_texts=16
    )

    names = [name for name, _ in quality["rows"]]
    assert names[:2] == ["Full engine", "BM25 keyword baseline"]
    assert {f"without {c}" for c in COMPONENTS} <= set(names)
    for _, metrics in quality["rows"]:
        assert set(metrics) == {"ndcg5", "p5", "r10"}
        assert all(0.0 <= value <= 1.0 for value in metrics.values())
    assert quality["people"] == 4

    assert [r["services"] for r in latency] == [40, 120]
    assert all(r["p95"] >= r["p50"] > 0 and r["queries"] == 4 for r in latency)
    assert all(r["unplaced_p95"] >= r["unplaced_p50"] > 0 for r in latency)
    # Above the encode limit the build time is an estimate, and the table says so.
    assert [r["estimated"] for r in latency] == [False, True]
    assert "| 120 | " in section and "(est.)" in section
    assert "No location: rank p50 / p95" in section

    written = output.read_text()
    assert "kept" in written
    assert written.count("<!-- matching:start -->") == 1
    assert "| Full engine |" in written and "| BM25 keyword baseline |" in written
