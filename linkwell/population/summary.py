"""The summary printed after a run: counts by practice, age band and IMD quintile, always under
disclosure control (`disclosure.py`). Nothing here names or counts an individual."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from linkwell.population.disclosure import Protected, cell, protect

AGE_BANDS = (
    (0, 17, "0-17"),
    (18, 39, "18-39"),
    (40, 64, "40-64"),
    (65, 74, "65-74"),
    (75, 84, "75-84"),
    (85, 200, "85+"),
)
QUINTILES = {1: "1 (most deprived)", 2: "2", 3: "3", 4: "4", 5: "5 (least deprived)"}


def age_band(age: int) -> str:
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return "unknown"


@dataclass
class Summary:
    cohort: str
    version: int
    people: str
    considered: str
    excluded: dict[str, str]
    tables: dict[str, Protected]

    def render(self) -> str:
        lines = [
            f"Cohort {self.cohort} (version {self.version}): {self.people} people "
            f"of {self.considered} considered.",
            "Counts of 1-7 are shown as *, others rounded to the nearest 5; a second cell is "
            "hidden where one * could otherwise be worked out from the total.",
        ]
        if self.excluded:
            lines.append(
                "Left out: "
                + "; ".join(f"{reason} {count}" for reason, count in self.excluded.items())
                + "."
            )
        for title, table in self.tables.items():
            lines.append("")
            width = max([len(title), *(len(label) for label in table.cells), len("Total")]) + 2
            lines.append(f"{title.ljust(width)}People")
            for label, shown in table.cells.items():
                lines.append(f"{label.ljust(width)}{shown:>6}")
            lines.append(f"{'Total'.ljust(width)}{table.total:>6}")
        return "\n".join(lines) + "\n"


def summarise(
    frame: pd.DataFrame,
    *,
    cohort: str,
    version: int,
    considered: int,
    excluded: dict[str, int],
) -> Summary:
    """`frame` has one row per person in the cohort with practice, age and imd_decile."""
    practice = frame["practice"].value_counts().sort_index()
    bands = frame["age"].map(age_band).value_counts()
    quintiles = ((frame["imd_decile"] + 1) // 2).value_counts()
    return Summary(
        cohort=cohort,
        version=version,
        people=cell(len(frame)),
        considered=cell(considered),
        excluded={reason: cell(count) for reason, count in excluded.items()},
        tables={
            "Practice": protect({str(k): int(v) for k, v in practice.items()}),
            "Age band": protect({label: int(bands.get(label, 0)) for _, _, label in AGE_BANDS}),
            "IMD quintile": protect(
                {label: int(quintiles.get(q, 0)) for q, label in QUINTILES.items()}
            ),
        },
    )
