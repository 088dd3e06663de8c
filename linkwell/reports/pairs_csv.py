"""Reading `person_id,baseline,followup[,later]` CSV files for `linkwell outcomes analyse`.

Every bad row is reported with its line and reason; a file with any bad row is refused whole
(the analysis of a partial file would silently describe a different cohort).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from linkwell.analysis.stats import Observation

REQUIRED = ("person_id", "baseline", "followup")
OPTIONAL = ("later",)


@dataclass
class PairsCsvError(Exception):
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.problems)


def _number(text: str) -> float | None:
    """A finite number, or None when `text` is not one (nan/inf count as not numbers)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_pairs_csv(text: str) -> list[Observation]:
    """Observations from the CSV text, or PairsCsvError listing every problem by line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise PairsCsvError(["line 1: the file is empty; expected a header row"]) from None
    except csv.Error as exc:
        raise PairsCsvError([f"line 1: not valid CSV ({exc})"]) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise PairsCsvError(
            [
                f"line 1: missing column(s) {', '.join(missing)}; "
                f"the header must include {','.join(REQUIRED)}"
            ]
        )
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if dupes:
        raise PairsCsvError([f"line 1: column(s) given twice: {', '.join(dupes)}"])
    col = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    problems: list[str] = []
    seen: dict[str, int] = {}
    out: list[Observation] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines are not rows
            if len(row) != len(header):
                problems.append(f"line {line}: expected {len(header)} fields, found {len(row)}")
                continue
            cells = {name: row[i].strip() for name, i in col.items()}
            reasons: list[str] = []
            person = cells["person_id"]
            if not person:
                reasons.append("person_id is empty")
            elif person in seen:
                reasons.append(f"duplicate person_id {person!r} (first on line {seen[person]})")
            else:
                seen[person] = line
            baseline = _number(cells["baseline"])
            if not cells["baseline"]:
                reasons.append("baseline is missing")
            elif baseline is None:
                reasons.append(f"baseline {cells['baseline']!r} is not a number")
            values: dict[str, float | None] = {}
            for name in ("followup", "later"):
                raw = cells.get(name, "")
                values[name] = _number(raw) if raw else None
                if raw and values[name] is None:
                    reasons.append(f"{name} {raw!r} is not a number")
            if reasons:
                problems.append(f"line {line}: {'; '.join(reasons)}")
                continue
            assert baseline is not None
            out.append(
                Observation(
                    person_id=person,
                    baseline=baseline,
                    followup=values["followup"],
                    later=values["later"],
                )
            )
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: not valid CSV ({exc})")
    if problems:
        raise PairsCsvError(problems)
    return out
