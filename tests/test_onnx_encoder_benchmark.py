"""The encoder benchmark compares the product's encoder (onnxruntime) with its NumPy reference,
and without onnxruntime says how to install it and measures nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwell.matching import embedding
from tests.benchmark_scripts import load_benchmark


@pytest.mark.benchmark
def test_without_onnxruntime_the_benchmark_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = load_benchmark("onnx_encoder")
    monkeypatch.setattr(embedding, "runtime_missing", lambda: "onnxruntime not installed")
    output = tmp_path / "BENCHMARKS.md"

    assert bench.main(["--output", str(output)]) == 2

    assert "onnxruntime not installed" in capsys.readouterr().err
    assert not output.exists()
    # The matching benchmark's encoder line says the same instead of a rate.
    line = bench.summary({"note": bench.missing()})
    assert line.startswith("not measured:") and "pip install" in line


@pytest.mark.slow
@pytest.mark.benchmark
@pytest.mark.skipif(embedding.model_path() is None, reason="needs the sentence-embedding model")
def test_the_benchmark_measures_the_product_encoder_against_the_numpy_reference() -> None:
    bench = load_benchmark("onnx_encoder")
    path = embedding.model_path()
    assert path is not None
    reference = embedding.Encoder(path, backend="numpy")
    product = embedding.get_encoder()
    texts = ["walking group", "debt advice on Tuesdays", "a lunch club for older people"] * 4

    result = bench.compare(reference, product, texts, [texts[:3], texts[3:5]], repeat=1)

    assert result["min_cosine"] > bench.MIN_COSINE
    assert all(result[key] > 0 for key in ("numpy", "numpy_1", "ort_1", "ort_default"))
    section = bench.render([result], bench.machine())
    assert "| 1 (the product's encoder) |" in section
    assert "NumPy / onnxruntime" in bench.summary(result)
