"""The caseload benchmark must keep working: run it in-process on about 50 open cases."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.benchmark
@pytest.mark.django_db
def test_the_caseload_benchmark_runs_on_a_small_service(tmp_path: Path) -> None:
    bench = _load("caseload")
    info = bench.populate(50, chunk=20)
    assert 40 <= info["open_cases"] <= 60
    # One worker holds the open cases, bar the few new ones still waiting to be allocated.
    assert info["link_workers"] == 1
    assert 0.8 * info["open_cases"] <= info["worker_cases"] <= info["open_cases"]

    pages = bench.measure(info, repeat=1)
    assert pages, "no caseload or triage page to measure"
    assert all(p["queries"] > 0 and p["p95"] >= p["p50"] > 0 for p in pages), pages

    result = dict(info, pages=pages, load_seconds=0.1, rows=1, database="SQLite 3")
    section = bench.render([result], bench.shared.machine())
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nOther section.\n")
    bench.publish(section, out, write=True)
    bench.publish(section, out, write=True)  # replaces its own section, keeps the rest
    text = out.read_text()
    assert text.count(bench.MARK_START) == 1 and "Other section." in text
