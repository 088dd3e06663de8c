"""`read_file`: the one reading of a directory file, shared by `linkwell directory import` and
`linkwell match` (so both understand a feed the same way).

What a path holds is told by its shape: a directory, a `datapackage.json` or a zip is an HSDS
tabular data package (`readers.tabular`); `.csv` (or `fmt="csv"`) is Linkwell's one-row-per-
service CSV (`csv_import`); anything else is JSON or JSON lines (`sources.parse_json`: ORUK 3.0,
HSDS 3.0/3.1 and ORUK 1.0). `-` reads JSON or CSV from standard input.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from linkwell.directory.exchange import csv_import, sources
from linkwell.directory.exchange.readers import tabular
from linkwell.directory.exchange.sources import ImportFileError, SourceRecord

FORMATS = ("json", "csv", "package")


@dataclass
class FileRead:
    records: list[SourceRecord]
    # About the file as a whole (a package's tables Linkwell does not hold...), not one record.
    notes: list[str] = field(default_factory=list)


def file_format(name: str, fmt: str | None = None) -> str:
    if fmt:
        return fmt
    if name != "-":
        path = Path(name)
        if path.is_dir() or path.name == tabular.DESCRIPTOR or path.suffix.lower() == ".zip":
            return "package"
    return "csv" if name.lower().endswith(".csv") else "json"


def read_file(
    name: str | Path, *, fmt: str | None = None, source: str = "", assume: str | None = None
) -> FileRead:
    """The records of the file (or package) at `name`. Raises ImportFileError with the reason.
    `source` names the feed for ORUK 1.0 ids, `assume` the kind of objects whose kind the
    file does not say (see `sources.parse_json`)."""
    name = str(name)
    fmt = file_format(name, fmt)
    if fmt == "package":
        if name == "-":
            raise ImportFileError("A data package is read from its path, not standard input.")
        read = tabular.read_package(Path(name))
        return FileRead(read.records, read.notes)
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"{name}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"Cannot read {name}: {exc}") from exc
    if fmt == "csv":
        return FileRead(csv_import.parse_csv(text, name=name))
    return FileRead(sources.parse_json(text, name=name, source=source, assume=assume))
