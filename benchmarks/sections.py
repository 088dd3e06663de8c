"""BENCHMARKS.md is shared by every script in benchmarks/: each owns one section, which starts
with its own `<!-- name:start -->` line and ends with `<!-- name:end -->`. Writing a section
replaces what lies between those markers (or adds the section at the end of the file the first
time) and leaves every other section and the notes between them as they are."""

from __future__ import annotations

import re
from pathlib import Path

_MARKERS = re.compile(r"\A\s*(<!-- ([\w.-]+):start -->).*(<!-- \2:end -->)\s*\Z", re.DOTALL)
NEW_FILE = (
    "# Benchmarks\n\nMeasured, not guessed. Each section is written by its script in "
    "`benchmarks/`; re-run the script to refresh it.\n"
)


def write_section(section: str, path: Path) -> None:
    """Put `section` (markers included) in place of the section with the same markers in
    `path`. Raises ValueError if `section` does not begin and end with its markers."""
    found = _MARKERS.match(section)
    if found is None:
        raise ValueError(
            "a section must begin with <!-- name:start --> and end with <!-- name:end -->"
        )
    start, end = found.group(1), found.group(3)
    text = path.read_text(encoding="utf-8") if path.exists() else NEW_FILE
    if start in text and end in text.split(start, 1)[1]:
        before, rest = text.split(start, 1)
        text = before + section.strip() + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section.strip() + "\n"
    path.write_text(text, encoding="utf-8")


def publish(section: str, path: Path, *, write: bool) -> None:
    """Print `section` and, when `write`, put it in `path` (`write_section`) and say so."""
    print()
    print(section)
    if write:
        write_section(section, path)
        print(f"\nWrote {path}")
