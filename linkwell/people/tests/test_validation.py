"""NHS number (modulus 11) and date of birth checks."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwell.core.exceptions import ValidationFailed
from linkwell.people.validation import (
    format_nhs_number,
    normalise_nhs_number,
    validate_date_of_birth,
)


@pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", "943-476-5919", " 943 4765919 "])
def test_it_accepts_a_valid_nhs_number_with_spaces_or_hyphens_and_stores_ten_digits(typed):
    assert normalise_nhs_number(typed) == "9434765919"


def test_it_accepts_a_check_digit_of_eleven_as_zero():
    from linkwell.people.validation import nhs_number_check_digit

    nine = next(
        f"{n:09d}" for n in range(100000000, 100100000) if nhs_number_check_digit(f"{n:09d}") == 0
    )
    assert normalise_nhs_number(nine + "0") == nine + "0"


def test_it_rejects_a_number_whose_check_digit_does_not_match():
    with pytest.raises(ValidationFailed) as exc:
        normalise_nhs_number("943 476 5918")
    assert "943 476 5918 is not a valid NHS number" in exc.value.errors["nhs_number"][0]


def test_it_rejects_a_number_whose_check_digit_would_be_ten():
    from linkwell.people.validation import nhs_number_check_digit

    nine = next(
        f"{n:09d}"
        for n in range(100000000, 100100000)
        if nhs_number_check_digit(f"{n:09d}") is None
    )
    for last in "0123456789":
        with pytest.raises(ValidationFailed):
            normalise_nhs_number(nine + last)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("94347659", "must be 10 numbers"),
        ("94347659190", "must be 10 numbers"),
        ("943476591X", "only numbers"),
        ("943.476.5919", "only numbers"),
    ],
)
def test_it_says_what_is_wrong_with_a_badly_shaped_nhs_number(typed, message):
    with pytest.raises(ValidationFailed) as exc:
        normalise_nhs_number(typed)
    assert message in exc.value.errors["nhs_number"][0]


def test_it_treats_a_blank_nhs_number_as_not_known():
    assert normalise_nhs_number("  ") == ""


def test_it_formats_an_nhs_number_for_display():
    assert format_nhs_number("9434765919") == "943 476 5919"


def test_it_rejects_a_date_of_birth_in_the_future():
    today = dt.date(2025, 6, 1)
    with pytest.raises(ValidationFailed) as exc:
        validate_date_of_birth(dt.date(2025, 6, 2), today=today)
    assert exc.value.errors["date_of_birth"] == ["Date of birth must be in the past"]


def test_it_rejects_a_date_of_birth_more_than_120_years_ago():
    with pytest.raises(ValidationFailed) as exc:
        validate_date_of_birth(dt.date(1893, 1, 1), today=dt.date(2025, 6, 1))
    assert "1893" in exc.value.errors["date_of_birth"][0]
