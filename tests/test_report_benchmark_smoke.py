"""benchmarks/report.py must keep working: generate a few hundred people in-process, build the
report, and write its BENCHMARKS.md section."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("report_bench", ROOT / "benchmarks" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.benchmark
@pytest.mark.django_db
def test_the_report_benchmark_runs_on_a_small_area(tmp_path: Path) -> None:
    bench = _load()
    info = bench.populate(400, chunk=150)
    c = info["counts"]
    assert (c["people"], c["contacts"], c["measures"]) == (400, 2000, 800)
    result = bench.measure(info, repeat=1)
    assert result["tables"] >= 15
    assert result["build_best"] > 0 and result["traced_peak_mb"] > 0
    # About an eighth of two years' referrals fall in the quarter (published, so rounded).
    assert isinstance(result["quarter_referrals"], int) and 20 <= result["quarter_referrals"] <= 90
    result.update(counts=c, load_seconds=1.0, repeat=1, database="SQLite", note="")
    section = bench.render(result, bench.shared.machine())
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nOther section.\n")
    bench.publish(section, out, write=True)
    bench.publish(section, out, write=True)
    text = out.read_text()
    assert text.count(bench.MARK_START) == 1 and "Other section." in text
    assert "400 people" in text
