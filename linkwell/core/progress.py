"""Progress for long commands: a bar on standard error while a person watches, nothing when the
output goes to a file or a pipe, and `--no-progress` to turn it off everywhere (e.g. in cron).
Results stay on standard output, so a bar never mixes into what a command prints."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from io import TextIOBase
from typing import Any, TypeVar, cast

from django.core.management.base import OutputWrapper
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
        file=_plain(stream),
        disable=disable,
        leave=False,
        dynamic_ncols=True,
    )


class _Unwrapped:
    """A command's `self.stderr` (Django's `OutputWrapper`) written through as it is: the
    wrapper's own `write` takes the line ending and the style to apply, so both are turned
    off here (`ending=""`, the text unchanged)."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self._wrapper = wrapper

    def write(self, text: str) -> int:
        self._wrapper.write(text, style_func=_unchanged, ending="")
        return len(text)

    def flush(self) -> None:
        self._wrapper.flush()

    def isatty(self) -> bool:
        return self._wrapper.isatty()


def _unchanged(text: str) -> str:
    return text


def _plain(stream: TextIOBase) -> TextIOBase:
    """The stream to draw on: Django's wrapper around a command's `self.stderr` ends every write
    with a newline and colours it as an error, so a bar redrawn in place would scroll, one red
    line per update; it is written through unchanged instead."""
    if isinstance(stream, OutputWrapper):
        return cast(TextIOBase, _Unwrapped(stream))
    return stream


def step(message: str, *, options: dict[str, Any], stream: TextIOBase) -> None:
    """One line saying what a long command is doing now (shown when progress is)."""
    if options.get("no_progress"):
        return
    stream = _plain(stream)
    isatty = getattr(stream, "isatty", None)
    if callable(isatty) and isatty():
        stream.write(message + "\n")
        stream.flush()
