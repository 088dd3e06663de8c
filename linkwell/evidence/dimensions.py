"""Categories of the equity and cohort dimensions: age bands, IMD quintiles, sex, ethnicity.

Practice population profiles (`linkwell evidence population-import`) use the same codes.
"""

from __future__ import annotations

import datetime as dt

from linkwell.people.models import Ethnicity, Sex

NOT_RECORDED = "Not recorded"

# ONS-style bands, as practice list-size publications group registered patients.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-17", 0, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65-74", 65, 74),
    ("75-84", 75, 84),
    ("85+", 85, None),
)

IMD_QUINTILES: tuple[tuple[str, str], ...] = (
    ("1", "1 (most deprived)"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 (least deprived)"),
)


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def age_band(date_of_birth: dt.date | None, on: dt.date) -> str:
    if date_of_birth is None:
        return NOT_RECORDED
    age = age_on(date_of_birth, on)
    for code, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    return NOT_RECORDED


def imd_quintile(decile: int | None) -> str:
    return NOT_RECORDED if decile is None else str((decile + 1) // 2)


def categories(dimension: str) -> list[tuple[str, str]]:
    """(code, label) of every category of a dimension, in display order."""
    if dimension == "age_band":
        return [(code, code) for code, _, _ in AGE_BANDS]
    if dimension == "imd_quintile":
        return list(IMD_QUINTILES)
    if dimension == "sex":
        return [(str(v), str(label)) for v, label in Sex.choices if v != Sex.UNKNOWN]
    if dimension == "ethnicity":
        return [
            (str(v), str(label))
            for v, label in Ethnicity.choices
            if v not in (Ethnicity.Z, Ethnicity.UNKNOWN)
        ]
    raise ValueError(
        f"Unknown dimension {dimension!r}: use imd_quintile, ethnicity, age_band or sex."
    )


def label(dimension: str, code: str) -> str:
    for value, text in categories(dimension):
        if value == code:
            return text
    return NOT_RECORDED if code == NOT_RECORDED else code


def person_category(
    dimension: str,
    *,
    date_of_birth: dt.date | None,
    sex: str,
    ethnicity: str,
    imd_decile: int | None,
    on: dt.date,
) -> str:
    """The person's category code, or NOT_RECORDED (unknown sex, ethnicity not stated, ...)."""
    if dimension == "age_band":
        return age_band(date_of_birth, on)
    if dimension == "imd_quintile":
        return imd_quintile(imd_decile)
    if dimension == "sex":
        return sex if sex and sex != Sex.UNKNOWN else NOT_RECORDED
    if dimension == "ethnicity":
        return ethnicity if ethnicity not in ("", Ethnicity.Z, Ethnicity.UNKNOWN) else NOT_RECORDED
    raise ValueError(f"Unknown dimension {dimension!r}")
