"""The onnxruntime comparison is benchmark-only: without onnx and onnxruntime it says how to
install them and measures nothing."""

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


@pytest.mark.benchmark
def test_without_onnxruntime_the_benchmark_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if importlib.util.find_spec("onnxruntime") and importlib.util.find_spec("onnx"):
        pytest.skip("onnx and onnxruntime are installed here")
    bench = _load("onnx_encoder")
    output = tmp_path / "BENCHMARKS.md"

    assert bench.main(["--output", str(output)]) == 2

    assert "pip install -r requirements-bench.txt" in capsys.readouterr().err
    assert not output.exists()
    # The matching benchmark's encoder line says the same instead of a rate.
    line = bench.summary({"note": bench.missing()})
    assert line.startswith("not measured:") and "requirements-bench.txt" in line
