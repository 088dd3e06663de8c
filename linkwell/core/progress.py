"""Progress for long commands: a bar on standard error while a person watches, nothing when the
output goes to a file or a pipe, and `--no-progress` to turn it off everywhere (e.g. in cron).
Results stay on standard output, so a bar never mixes into what a command prints."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from io import TextIOBase
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def add_progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="Do not show progress (it is shown on standard error only when that is a terminal).",
    )


def progress(
    iterable: Iterable[T],
    *,
    desc: str,
    unit: str,
    options: dict[str, Any],
    stream: TextIOBase,
    total: int | None = None,
) -> Iterator[T]:
    """Iterate `iterable` with a progress bar on `stream` (a command's `self.stderr`) unless
    `--no-progress` was given or the stream is not a terminal."""
    disable = True if options.get("no_progress") else None  # None: only on a terminal
    yield from tqdm(
        iterable,
        desc=desc,
        unit=unit,
        total=total,
        file=stream,
        disable=disable,
        leave=False,
        dynamic_ncols=True,
    )


def step(message: str, *, options: dict[str, Any], stream: TextIOBase) -> None:
    """One line saying what a long command is doing now (shown when progress is)."""
    if options.get("no_progress"):
        return
    isatty = getattr(stream, "isatty", None)
    if callable(isatty) and isatty():
        stream.write(message + "\n")
        stream.flush()
