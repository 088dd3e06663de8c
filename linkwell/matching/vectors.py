"""Service vectors kept between builds, so only new or edited listings meet the encoder.

A vector is stored under (model, SHA-256 of the exact text it was computed from): the same text
under the same model always has the same vector, an edited listing has a new text and so a new
key, and nothing needs invalidating. `model` is `model_key(encoder)`: the encoder's name and
revision, so vectors from another model, or another version of our encoder, are never mixed in.

Two stores, one shape (`VectorStore`):

- `FileVectorStore`: one SQLite file (standard library) in a cache directory; `linkwell match`
  uses it (`default_cache_dir()`: ``$XDG_CACHE_HOME/linkwell`` or ``~/.cache/linkwell``).
- `DatabaseVectorStore`: the `ServiceVector` table; the web's per-process Matcher uses it, so a
  new worker (or a restart) loads the directory's vectors instead of embedding every listing.

Vectors are plain float32 bytes (384 × 4 = 1.5 kB a listing: 150 MB at 100k listings). The ADR
`docs/decisions/0006-service-vectors.md` says why a plain table and exact search, not an ANN
index. A store is a cache: a failure to read or write it is logged and ranking carries on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

logger = logging.getLogger(__name__)

# SQLite's default limit on host parameters is 999 in old builds; stay well under it.
_CHUNK = 500


class VectorStore(Protocol):
    def load(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        """The stored vectors among `keys` (text keys), by key; missing keys are left out."""
        ...

    def save(self, model: str, vectors: Mapping[str, Vectors]) -> None:
        """Keep these vectors (text key -> vector); a key already stored is left as it is."""
        ...


def text_key(text: str) -> str:
    """The key of a text: SHA-256 of its exact UTF-8 bytes, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_key(encoder: Any) -> str:
    """Which encoder computed a vector: its `key` when it has one (the shipped encoder names its
    weights and its own revision), else its `name`."""
    return str(getattr(encoder, "key", None) or encoder.name)


def default_cache_dir() -> Path:
    """Where `linkwell match` keeps vectors: ``$XDG_CACHE_HOME/linkwell``, else
    ``~/.cache/linkwell`` (the XDG base directory rule)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "linkwell"


def _to_bytes(vector: Vectors) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def _from_bytes(raw: bytes) -> Vectors:
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


def _chunks(keys: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(keys), _CHUNK):
        yield keys[start : start + _CHUNK]


class FileVectorStore:
    """Vectors in ``DIRECTORY/service-vectors.sqlite3`` (created on first write)."""

    FILENAME = "service-vectors.sqlite3"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / self.FILENAME

    def _connect(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, text_sha256 TEXT NOT NULL, "
            "vector BLOB NOT NULL, PRIMARY KEY (model, text_sha256)) WITHOUT ROWID"
        )
        return connection

    def load(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        if not keys or not self.path.exists():
            return {}
        found: dict[str, Vectors] = {}
        try:
            connection = self._connect()
            try:
                for chunk in _chunks(list(keys)):
                    marks = ",".join("?" * len(chunk))
                    rows = connection.execute(
                        "SELECT text_sha256, vector FROM vectors "  # noqa: S608 - only "?" marks
                        f"WHERE model = ? AND text_sha256 IN ({marks})",
                        [model, *chunk],
                    )
                    found.update((key, _from_bytes(raw)) for key, raw in rows)
            finally:
                connection.close()
        except (OSError, sqlite3.Error) as exc:
            logger.warning("cannot read the vector cache %s: %s", self.path, exc)
            return {}
        return found

    def save(self, model: str, vectors: Mapping[str, Vectors]) -> None:
        if not vectors:
            return
        try:
            connection = self._connect()
            try:
                with connection:
                    connection.executemany(
                        "INSERT OR IGNORE INTO vectors (model, text_sha256, vector) "
                        "VALUES (?, ?, ?)",
                        [(model, key, _to_bytes(v)) for key, v in vectors.items()],
                    )
            finally:
                connection.close()
        except (OSError, sqlite3.Error) as exc:
            logger.warning("cannot write the vector cache %s: %s", self.path, exc)


class DatabaseVectorStore:
    """Vectors in the application database (`linkwell.matching.models.ServiceVector`)."""

    def load(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        from django.db import DatabaseError

        from linkwell.matching.models import ServiceVector

        found: dict[str, Vectors] = {}
        try:
            for chunk in _chunks(list(keys)):
                rows = ServiceVector.objects.filter(model=model, text_sha256__in=chunk)
                found.update(
                    (key, _from_bytes(bytes(raw)))
                    for key, raw in rows.values_list("text_sha256", "vector")
                )
        except DatabaseError as exc:
            logger.warning("cannot read the stored service vectors: %s", exc)
            return {}
        return found

    def save(self, model: str, vectors: Mapping[str, Vectors]) -> None:
        from django.db import DatabaseError

        from linkwell.matching.models import ServiceVector

        rows = [
            ServiceVector(model=model, text_sha256=key, vector=_to_bytes(v))
            for key, v in vectors.items()
        ]
        try:
            ServiceVector.objects.bulk_create(rows, batch_size=_CHUNK, ignore_conflicts=True)
        except DatabaseError as exc:
            logger.warning("cannot store the service vectors: %s", exc)
