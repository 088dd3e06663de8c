"""UK financial quarters: the periods the quarterly report and the volunteering report offer.

Pure date arithmetic (no database), shared by linkwell/reports and linkwell/volunteering.
"""

from __future__ import annotations

import datetime as dt


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The UK financial quarter: `year` is the year it starts (2025 = 2025-26), Q1 = Apr-Jun."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4.")
    month = 4 + 3 * (quarter - 1)
    start_year = year + (1 if month > 12 else 0)
    month = (month - 1) % 12 + 1
    start = dt.date(start_year, month, 1)
    after = (start + dt.timedelta(days=95)).replace(day=1)  # the first day 3 months on
    return start, after - dt.timedelta(days=1)


def quarter_containing(day: dt.date) -> tuple[int, int]:
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    start, end = quarter_bounds(year, quarter)
    return f"{year}-{(year + 1) % 100:02d} Q{quarter} ({start:%b} to {end:%b %Y})"


def previous_quarter(today: dt.date) -> tuple[int, int]:
    year, q = quarter_containing(today)
    return (year, q - 1) if q > 1 else (year - 1, 4)


def quarter_choices(today: dt.date, *, shown: int = 12) -> list[tuple[str, str]]:
    """`("2025-Q1", label)` pairs: the current quarter (so far) first, then earlier ones."""
    year, q = quarter_containing(today)
    out = []
    for _ in range(shown):
        out.append((f"{year}-Q{q}", quarter_label(year, q)))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return out


def parse_quarter(value: str) -> tuple[dt.date, dt.date]:
    """ "2025-Q1" -> its first and last day; ValueError for anything else."""
    year_text, q_text = str(value).split("-Q")
    return quarter_bounds(int(year_text), int(q_text))
