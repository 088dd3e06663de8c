"""Working-day arithmetic for the provider response window.

A working day is Monday to Friday, minus any bank holidays listed in
`settings.BANK_HOLIDAYS` (env `LINKWELL_BANK_HOLIDAYS`, ISO dates). Bank holidays differ
between England, Wales, Scotland and Northern Ireland, so they are configuration, not code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings


def bank_holidays() -> frozenset[dt.date]:
    return frozenset(getattr(settings, "BANK_HOLIDAYS", ()))


def is_working_day(day: dt.date, holidays: Iterable[dt.date] | None = None) -> bool:
    off = bank_holidays() if holidays is None else frozenset(holidays)
    return day.weekday() < 5 and day not in off


def add_working_days(
    start: dt.date, days: int, holidays: Iterable[dt.date] | None = None
) -> dt.date:
    """The date `days` working days after `start` (which itself does not count).

    A referral sent on a Friday with a 10-day window is due by the Friday two weeks later;
    one sent on a Saturday counts from the Monday."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    off = bank_holidays() if holidays is None else frozenset(holidays)
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, off):
            left -= 1
    return day


def subtract_working_days(
    end: dt.date, days: int, holidays: Iterable[dt.date] | None = None
) -> dt.date:
    """The date `days` working days before `end` (reminders: "2 working days before")."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    off = bank_holidays() if holidays is None else frozenset(holidays)
    day = end
    left = days
    while left > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day, off):
            left -= 1
    return day
