"""The shape of the quarterly report: sections of tables, each table optionally charted.

Every cell in a `Table` is already **published** (disclosure-controlled, or raw for a user
granted `reports.view_unsuppressed`): the HTML page, the PDF, the CSV and XLSX exports and the
charts are all drawn from these rows, never from raw counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linkwell.analysis.disclosure import SUPPRESSED

Cell = int | float | str | None
NOTHING = "\u2013"  # an en dash: nothing to show (as linkwell/evidence/present.py)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True


@dataclass(frozen=True)
class Chart:
    """A bar chart of `value_keys` against `label_key`, drawn from the published rows.

    `kind`: "bar" (grouped), "stacked" or "barh". Total rows (`total_label`) are not drawn.
    Suppressed cells are drawn as nothing and the chart says so.
    """

    kind: str
    label_key: str
    value_keys: tuple[str, ...]
    ylabel: str = "Number"


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Cell]]
    chart: Chart | None = None
    note: str = ""
    total_label: str = "Total"

    def header(self) -> list[str]:
        return [c.label for c in self.columns]

    def cells(self) -> list[list[Cell]]:
        return [[row.get(c.key) for c in self.columns] for row in self.rows]

    def body_rows(self) -> list[dict[str, Cell]]:
        """Rows without the total row (what a chart shows)."""
        first = self.columns[0].key
        return [r for r in self.rows if not str(r.get(first, "")).startswith(self.total_label)]

    def chartable(self) -> bool:
        """True when the chart would draw something: a published, non-zero figure."""
        if self.chart is None:
            return False
        return any(
            (number(row.get(k)) or 0) != 0
            for row in self.body_rows()
            for k in self.chart.value_keys
        )


@dataclass
class Story:
    title: str
    text: str
    service: str


@dataclass
class Section:
    id: str
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)


@dataclass
class Report:
    title: str
    period: str
    scope: str
    unsuppressed: bool
    sections: list[Section]

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables() if t.id == table_id), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "period": self.period,
            "scope": self.scope,
            "unsuppressed": self.unsuppressed,
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "tables": [{"id": t.id, "title": t.title, "rows": t.rows} for t in s.tables],
                }
                for s in self.sections
            ],
        }


def number(value: Any) -> float | None:
    """A published cell as a number to draw, or None (suppressed, missing or text)."""
    if value is None or value == SUPPRESSED or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).replace(",", "").replace("£", "").strip()
    try:
        return float(text)
    except ValueError:
        return None


def fmt(value: Cell, places: int = 1) -> str:
    """A published cell as text: `*` stays `*`, None is a dash, floats to `places`."""
    if value is None or value == "":
        return NOTHING if value is None else ""
    if isinstance(value, float):
        return f"{value:,.{places}f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
