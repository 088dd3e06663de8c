"""Reasons for a befriending suggestion, in words a volunteer coordinator reads ("Has cared for a
parent with dementia", "Free Tuesday and Thursday afternoons", "3 March 2022"). Pure functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from linkwell.matching.profile import Availability
from linkwell.matching.wording import DAY_NAMES, EN_DASH, clock, language_name

# "caring for a parent with dementia" -> "Has cared for a parent with dementia".
_PAST = {
    "caring": "cared", "living": "lived", "looking": "looked", "losing": "lost",
    "moving": "moved", "recovering": "recovered", "being": "been", "raising": "raised",
    "supporting": "supported", "nursing": "nursed", "working": "worked", "surviving": "survived",
    "having": "had", "bringing": "brought", "coming": "come", "leaving": "left",
}  # fmt: skip
_ORDER = list(DAY_NAMES)


def long_date(day: dt.date) -> str:
    """ "3 March 2022"."""
    return f"{day.day} {day.strftime('%B %Y')}"


def lived_experience(phrase: str) -> str:
    """A volunteer's lived experience as a sentence about them: "caring for a parent with
    dementia" -> "Has cared for a parent with dementia"; "widowed" -> "Has lived experience of
    being widowed"; "COPD" -> "Has lived experience of COPD"."""
    words = phrase.split()
    first = words[0].lower() if words else ""
    if first in _PAST:
        return " ".join(["Has", _PAST[first], *words[1:]])
    if first in ("widowed", "divorced", "bereaved", "redundant", "homeless", "deaf", "disabled"):
        return f"Has lived experience of being {phrase}"
    return f"Has lived experience of {phrase}"


def language_list(codes: Sequence[str]) -> str:
    return join([language_name(c) for c in codes])


def join(items: Sequence[str], last: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _part_of_day(start: dt.time | None, end: dt.time | None) -> str:
    if start is None and end is None:
        return ""
    if end is not None and end <= dt.time(13) and (start is None or start < dt.time(12)):
        return "mornings"
    if start is not None and start >= dt.time(17):
        return "evenings"
    if start is not None and start >= dt.time(12) and (end is None or end <= dt.time(18)):
        return "afternoons"
    return f"{clock(start) or '00:00'}{EN_DASH}{clock(end) or '24:00'}"


def times(slots: Sequence[Availability]) -> str:
    """Free times grouped by part of the day: "Tuesday and Thursday afternoons",
    "Mondays; Wednesday mornings", "Friday 10:00-15:00" (with an en dash)."""
    groups: dict[str, list[str]] = {}
    for slot in sorted(slots, key=lambda s: (_ORDER.index(s.day), s.start or dt.time(0))):
        days = groups.setdefault(_part_of_day(slot.start, slot.end), [])
        if slot.day not in days:
            days.append(slot.day)
    parts = []
    for part, days in groups.items():
        names = [DAY_NAMES[d] for d in days]
        parts.append(join([f"{n}s" for n in names]) if not part else f"{join(names)} {part}")
    return "; ".join(parts)
