"""Reading a member's checks: DBS renewal, lapse warnings, courses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from linkwell.volunteering.checks import add_years, check_state
from linkwell.volunteering.models import CheckKind, CheckRecord, Course, DbsLevel

AT = dt.date(2026, 12, 6)


def _dbs(on: dt.date, level: str = DbsLevel.ENHANCED, pk: int = 1) -> CheckRecord:
    return CheckRecord(pk=pk, kind=CheckKind.DBS, dbs_level=level, done_on=on)


def _course(course: str) -> CheckRecord:
    return CheckRecord(kind=CheckKind.TRAINING, course=course, done_on=dt.date(2026, 1, 1))


def test_a_dbs_check_counts_for_three_years_by_default() -> None:
    assert check_state([_dbs(dt.date(2023, 12, 7))], at=AT).dbs_valid
    lapsed = check_state([_dbs(dt.date(2023, 12, 6))], at=AT)
    assert not lapsed.dbs_valid
    assert "DBS check lapsed on 6 December 2026" in lapsed.flags


@override_settings(LINKWELL_DBS_RENEWAL_YEARS=1)
def test_the_renewal_period_is_configurable() -> None:
    assert not check_state([_dbs(dt.date(2025, 12, 1))], at=AT).dbs_valid


def test_a_check_lapsing_soon_is_flagged() -> None:
    state = check_state([_dbs(dt.date(2024, 1, 15))], at=AT)
    assert state.dbs_valid
    assert "DBS check lapses on 15 January 2027" in state.flags


def test_the_latest_dbs_check_counts_and_enhanced_is_told_apart() -> None:
    state = check_state(
        [_dbs(dt.date(2020, 1, 1), pk=1), _dbs(dt.date(2026, 1, 1), DbsLevel.BASIC, pk=2)], at=AT
    )
    assert state.dbs_valid and not state.dbs_enhanced


def test_missing_core_training_is_flagged_and_courses_are_read() -> None:
    state = check_state([_dbs(dt.date(2026, 1, 1)), _course(Course.INDUCTION)], at=AT)
    assert state.flags == ("Safeguarding adults training not done",)
    assert state.missing_courses([Course.INDUCTION, Course.BEFRIENDING]) == [Course.BEFRIENDING]


def test_no_dbs_is_flagged_and_future_records_are_ignored() -> None:
    state = check_state([_dbs(dt.date(2027, 1, 1))], at=AT)
    assert state.dbs is None and "No DBS check recorded" in state.flags


@pytest.mark.parametrize(
    ("day", "expected"),
    [(dt.date(2024, 2, 29), dt.date(2027, 2, 28)), (dt.date(2024, 3, 1), dt.date(2027, 3, 1))],
)
def test_leap_days_roll_back(day: dt.date, expected: dt.date) -> None:
    assert add_years(day, 3) == expected
