"""Remembering which register files were already proved valid, so an unchanged extract is not
validated again on every run.

An entry is keyed by the SHA-256 of every file's bytes (in order), the columns and types the
engine read from them, and `RULES_VERSION`; it records only that those bytes passed every check,
and how many rows they hold. A changed byte, a different reading of the types or a change to
the checks gives a different key, so an entry can never stand for content it was not made from.
Only valid registers are remembered: a register with problems is validated (and its problems
listed) every time.

Where: `$LINKWELL_POPULATION_CACHE` if set (`off` turns the cache off), else
`$XDG_CACHE_HOME/linkwell/population-validated` (`~/.cache/...`), one small JSON file per entry,
in a directory only its owner can read or write. Deleting it is always safe (the next run
validates again); nothing ever needs to be invalidated by hand.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Bump whenever a check in validation.py changes (added, removed or made stricter or looser):
# every entry made under another version is then ignored.
RULES_VERSION = 2
ENVIRONMENT = "LINKWELL_POPULATION_CACHE"


def default_directory() -> Path | None:
    """The cache directory from the environment, or None when it is turned off."""
    configured = os.environ.get(ENVIRONMENT, "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "linkwell" / "population-validated"


def _stat(files: Sequence[Path]) -> tuple[tuple[int, int, int], ...]:
    stats = [file.stat() for file in files]
    return tuple((stat.st_size, stat.st_mtime_ns, stat.st_ino) for stat in stats)


@dataclass
class ValidationCache:
    directory: Path

    def key(self, files: Sequence[Path], schema: Any) -> Key:
        """Hash the files' bytes (and note their size and time, to see a change while the
        register is being validated)."""
        before = _stat(files)
        digest = hashlib.sha256(f"rules {RULES_VERSION}\nschema {schema!r}\n".encode())
        for file in files:
            with file.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        return Key(digest.hexdigest(), tuple(files), before)

    def _path(self, key: Key) -> Path:
        return self.directory / f"{key.digest}.json"

    def rows(self, key: Key) -> int | None:
        """The row count recorded when these bytes were proved valid, or None (not known)."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (
            not isinstance(entry, dict)
            or entry.get("rules_version") != RULES_VERSION
            or entry.get("key") != key.digest
            or not isinstance(entry.get("rows"), int)
            or entry["rows"] < 1
        ):
            return None
        return int(entry["rows"])

    def remember(self, key: Key, rows: int) -> bool:
        """Record that the keyed bytes are valid, unless a file changed since they were hashed.
        Failing to write is not an error (the next run validates again)."""
        try:
            if _stat(key.files) != key.stats:
                return False
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            entry = {
                "key": key.digest,
                "rules_version": RULES_VERSION,
                "rows": rows,
                "files": [file.name for file in key.files],
            }
            handle, partial = tempfile.mkstemp(dir=self.directory, suffix=".partial")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entry, out)
            os.replace(partial, self._path(key))
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class Key:
    digest: str
    files: tuple[Path, ...]
    stats: tuple[tuple[int, int, int], ...]


def cache_for(cache: bool | ValidationCache) -> ValidationCache | None:
    if isinstance(cache, ValidationCache):
        return cache
    if not cache:
        return None
    directory = default_directory()
    return ValidationCache(directory) if directory is not None else None
