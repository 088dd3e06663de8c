"""Opening a register: read it, validate it, and with a rejects file list its problem rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linkwell.population.register.cache import ValidationCache, cache_for
from linkwell.population.register.reading import read_table, register_files
from linkwell.population.register.rejects import _write_csv, write_rejects
from linkwell.population.register.schema import Register, RegisterError
from linkwell.population.register.validation import checked_register, validate


def open_register(
    con: Any,
    path: str | Path,
    *,
    rejects: str | Path | None = None,
    cache: bool | ValidationCache = True,
) -> Register:
    """Read and validate a register; raise RegisterError naming every problem found.

    With `rejects`, a register whose problems are all in its rows also gets every problem row
    written to that CSV file (`write_rejects`) before the error is raised; a valid register gets
    the file with its header only, so a stale list from an earlier run never survives. Problems
    with the file itself (missing or unusable columns, identifying columns) write nothing.

    `cache`: files whose bytes were proved valid before (same content hash, same columns read,
    same `cache.RULES_VERSION`) are not validated again (`Register.cached`); True uses the
    directory in `LINKWELL_POPULATION_CACHE` (see cache.py), False validates every time.
    """
    table = read_table(con, path)
    store = cache_for(cache)
    key = None
    if store is not None:
        _, files = register_files(path)
        key = store.key(files, table.schema())
        rows = store.rows(key)
        if rows is not None:
            reg = checked_register(table, source=str(path), rows=rows)
            reg.cached = True
            if rejects is not None:
                _header_only(rejects)
            return reg
    try:
        reg = validate(table, source=str(path))
    except RegisterError as exc:
        if rejects is None or not exc.in_rows:
            raise
        numbered = read_table(con, path, numbered=True)
        try:
            count = write_rejects(numbered, rejects)
        except OSError as error:
            raise RegisterError(
                [*exc.problems, f"The rejects file {rejects} could not be written: {error}."]
            ) from None
        raise RegisterError(
            [*exc.problems, f"Every problem row is listed in {rejects} ({count:,} lines)."],
            in_rows=True,
        ) from None
    if store is not None and key is not None:
        store.remember(key, reg.rows)
    if rejects is not None:
        _header_only(rejects)
    return reg


def _header_only(rejects: str | Path) -> None:
    try:
        _write_csv(rejects, iter(()))
    except OSError as error:
        raise RegisterError(
            [f"The rejects file {rejects} could not be written: {error}."]
        ) from None
