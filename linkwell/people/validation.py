"""Checks on person details that every entry point (web forms, API, imports) shares."""

from __future__ import annotations

import datetime as dt
import re

from linkwell.core.exceptions import ValidationFailed

NHS_NUMBER_EXAMPLE = "943 476 5919"
_SEPARATORS = re.compile(r"[\s-]+")
# Oldest recorded person lived to 122; anything past this is a typing slip (1893 for 1993).
MAX_AGE_YEARS = 120


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when no valid check digit exists.

    NHS Data Dictionary, "NHS Number": weights 10 down to 2 on digits 1-9; check = 11 - (sum
    mod 11); a result of 11 becomes 0 and a result of 10 means the number was never issued.
    """
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    """`"943 476 5919"` -> `"9434765919"`; "" stays "" (the NHS number is optional).

    Raises ValidationFailed({"nhs_number": [...]}) with a message saying what is wrong.
    """
    compact = _SEPARATORS.sub("", value or "")
    if not compact:
        return ""
    if not compact.isdigit() or not compact.isascii():
        raise ValidationFailed(
            {"nhs_number": [f"NHS number must contain only numbers, like {NHS_NUMBER_EXAMPLE}"]}
        )
    if len(compact) != 10:
        raise ValidationFailed(
            {"nhs_number": [f"NHS number must be 10 numbers, like {NHS_NUMBER_EXAMPLE}"]}
        )
    if nhs_number_check_digit(compact[:9]) != int(compact[9]):
        raise ValidationFailed(
            {
                "nhs_number": [
                    f"{format_nhs_number(compact)} is not a valid NHS number: check it against "
                    "the person's records (the last digit does not match the others)"
                ]
            }
        )
    return compact


def format_nhs_number(value: str) -> str:
    """`"9434765919"` -> `"943 476 5919"` (the NHS display format)."""
    if len(value) != 10:
        return value
    return f"{value[:3]} {value[3:6]} {value[6:]}"


def validate_date_of_birth(value: dt.date, *, today: dt.date) -> dt.date:
    if value > today:
        raise ValidationFailed({"date_of_birth": ["Date of birth must be in the past"]})
    if value.year < today.year - MAX_AGE_YEARS:
        raise ValidationFailed(
            {
                "date_of_birth": [
                    f"Check the year of birth: {value.year} would make the person over "
                    f"{MAX_AGE_YEARS}"
                ]
            }
        )
    return value
