"""The directory import benchmark must keep working: run it on a tiny feed, without writing
BENCHMARKS.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.benchmark
def test_the_import_benchmark_runs_on_a_small_feed() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    before = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "directory_import.py"),
            "--sizes",
            "20",
            "--no-write",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| 20 |" in run.stdout
    assert "## Directory import" in run.stdout
    assert (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8") == before
