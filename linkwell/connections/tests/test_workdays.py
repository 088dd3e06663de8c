import datetime as dt

import pytest

from linkwell.connections.workdays import add_working_days, is_working_day, subtract_working_days

MONDAY = dt.date(2026, 3, 2)
FRIDAY = dt.date(2026, 3, 6)
SATURDAY = dt.date(2026, 3, 7)


def test_ten_working_days_from_a_monday_is_the_monday_two_weeks_later() -> None:
    assert add_working_days(MONDAY, 10, holidays=()) == dt.date(2026, 3, 16)


def test_a_friday_referral_skips_the_weekend() -> None:
    assert add_working_days(FRIDAY, 1, holidays=()) == dt.date(2026, 3, 9)
    assert add_working_days(FRIDAY, 10, holidays=()) == dt.date(2026, 3, 20)


def test_a_weekend_referral_counts_from_monday() -> None:
    assert add_working_days(SATURDAY, 1, holidays=()) == dt.date(2026, 3, 9)


def test_bank_holidays_are_skipped() -> None:
    good_friday, easter_monday = dt.date(2026, 4, 3), dt.date(2026, 4, 6)
    thursday = dt.date(2026, 4, 2)
    assert add_working_days(thursday, 1, holidays=[good_friday, easter_monday]) == dt.date(
        2026, 4, 7
    )
    assert not is_working_day(easter_monday, [easter_monday])


def test_bank_holidays_come_from_settings(settings) -> None:
    settings.BANK_HOLIDAYS = [dt.date(2026, 3, 3)]
    assert add_working_days(MONDAY, 1) == dt.date(2026, 3, 4)


def test_subtracting_working_days_steps_back_over_the_weekend() -> None:
    assert subtract_working_days(dt.date(2026, 3, 10), 2, holidays=()) == FRIDAY


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(MONDAY, -1, holidays=())
