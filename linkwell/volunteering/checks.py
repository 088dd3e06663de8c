"""A member's checks and training as of a date: what is valid, what lapses soon, what lapsed.

One reading, used by the coordinator's flags, the volunteer's "training due", the ranking's
volunteer profiles and the refusal to introduce a volunteer whose checks have lapsed.
DBS checks count for `LINKWELL_DBS_RENEWAL_YEARS` from the date checked; references and
training courses do not lapse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from linkwell.volunteering.models import CheckKind, CheckRecord, Course, DbsLevel

ENHANCED_LEVELS = frozenset({DbsLevel.ENHANCED, DbsLevel.ENHANCED_WITH_BARRED_LIST})


def renewal_years() -> int:
    return int(getattr(settings, "LINKWELL_DBS_RENEWAL_YEARS", 3))


def warning_days() -> int:
    return int(getattr(settings, "LINKWELL_CHECK_WARNING_DAYS", 60))


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class CheckState:
    """What a member's check records say on `at`."""

    at: dt.date
    dbs: CheckRecord | None = None
    dbs_expires_on: dt.date | None = None
    courses: frozenset[str] = frozenset()
    references: int = 0
    flags: tuple[str, ...] = field(default=())

    @property
    def dbs_valid(self) -> bool:
        return self.dbs_expires_on is not None and self.at < self.dbs_expires_on

    @property
    def dbs_enhanced(self) -> bool:
        return self.dbs_valid and self.dbs is not None and self.dbs.dbs_level in ENHANCED_LEVELS

    def missing_courses(self, required: Iterable[str]) -> list[str]:
        return [c for c in required if c not in self.courses]


def check_state(records: Iterable[CheckRecord], *, at: dt.date) -> CheckState:
    """Read a member's records (any order; records dated after `at` are ignored)."""
    dbs: CheckRecord | None = None
    courses: set[str] = set()
    references = 0
    for record in records:
        if record.done_on > at:
            continue
        if record.kind == CheckKind.DBS:
            if dbs is None or (record.done_on, record.pk or 0) > (dbs.done_on, dbs.pk or 0):
                dbs = record
        elif record.kind == CheckKind.TRAINING and record.course:
            courses.add(record.course)
        elif record.kind == CheckKind.REFERENCE:
            references += 1
    expires = add_years(dbs.done_on, renewal_years()) if dbs is not None else None
    flags: list[str] = []
    if dbs is None:
        flags.append("No DBS check recorded")
    elif expires is not None and expires <= at:
        flags.append(f"DBS check lapsed on {expires:%-d %B %Y}")
    elif expires is not None and (expires - at).days <= warning_days():
        flags.append(f"DBS check lapses on {expires:%-d %B %Y}")
    for course in (Course.INDUCTION, Course.SAFEGUARDING_ADULTS):
        if course not in courses:
            flags.append(f"{Course(course).label} training not done")
    return CheckState(
        at=at,
        dbs=dbs,
        dbs_expires_on=expires,
        courses=frozenset(courses),
        references=references,
        flags=tuple(flags),
    )
