"""Service vectors kept between builds: keyed by model and text, only new texts encoded."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from linkwell.matching import engine
from linkwell.matching.engine import Matcher
from linkwell.matching.tests.factories import person, svc
from linkwell.matching.vectors import (
    DatabaseVectorStore,
    FileVectorStore,
    default_cache_dir,
    model_key,
    text_key,
)


class CountingEncoder:
    """Vectors from a hash of the text; records what it encodes. A new instance stands for a
    new process: the engine's in-process cache is per encoder instance."""

    def __init__(self, name: str = "counting") -> None:
        self.name = name
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        rows = [
            np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8)[:6] for t in texts
        ]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), 6) + 1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


SERVICES = [svc("t", "Talking therapy"), svc("g", "Garden club"), svc("c", "Choir")]


def test_a_new_process_encodes_only_the_services_whose_text_changed(tmp_path):
    store = FileVectorStore(tmp_path)
    first = CountingEncoder()
    before = Matcher(SERVICES, encoder=first, vectors=store)
    assert sorted(first.texts) == ["Choir", "Garden club", "Talking therapy"]
    edited = [SERVICES[0], svc("g", "Garden club for beginners"), SERVICES[2]]
    second = CountingEncoder()
    after = Matcher(edited, encoder=second, vectors=store)
    assert second.texts == ["Garden club for beginners"]
    assert before.embeddings is not None and after.embeddings is not None
    np.testing.assert_array_equal(after.embeddings[[0, 2]], before.embeddings[[0, 2]])


def test_vectors_of_another_model_are_never_used(tmp_path):
    store = FileVectorStore(tmp_path)
    Matcher(SERVICES, encoder=CountingEncoder("model-a"), vectors=store)
    other = CountingEncoder("model-b")
    Matcher(SERVICES, encoder=other, vectors=store)
    assert len(other.texts) == 3


def test_the_store_keys_on_the_exact_text_and_gives_back_what_was_kept(tmp_path):
    store = FileVectorStore(tmp_path)
    vector = np.array([0.6, 0.8], dtype=np.float32)
    store.save("m", {text_key("Choir"): vector})
    assert text_key("Choir") != text_key("Choir ")
    got = store.load("m", [text_key("Choir"), text_key("Choir ")])
    assert list(got) == [text_key("Choir")]
    np.testing.assert_array_equal(got[text_key("Choir")], vector)
    assert got[text_key("Choir")].dtype == np.float32


def test_an_unusable_cache_file_is_ignored_and_the_ranking_still_works(tmp_path):
    (tmp_path / FileVectorStore.FILENAME).write_text("not a database")
    store = FileVectorStore(tmp_path)
    encoder = CountingEncoder()
    matcher = Matcher(SERVICES, encoder=encoder, vectors=store)
    assert len(encoder.texts) == 3
    assert matcher.rank(person(interests=["choir"]), top=1)[0].service_id == "c"


def test_the_default_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "linkwell"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, per XDG
    assert default_cache_dir().parts[-2:] == (".cache", "linkwell")


def test_the_shipped_encoder_names_its_revision():
    from linkwell.matching.embedding import Encoder

    assert model_key(Encoder) == Encoder.key != Encoder.name


@pytest.mark.django_db
def test_the_database_store_serves_a_new_worker():
    store = DatabaseVectorStore()
    Matcher(SERVICES, encoder=CountingEncoder(), vectors=store)
    fresh = CountingEncoder()
    missing = engine.missing_service_vectors(fresh, [s.text for s in SERVICES], store)
    assert missing == [] and fresh.texts == []
    Matcher(SERVICES, encoder=fresh, vectors=store)
    assert fresh.texts == []
