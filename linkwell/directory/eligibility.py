"""A service's eligibility rule, checked when someone is referred to it.

The rule is structured, on the `Service`: an age range (`minimum_age`/`maximum_age`, inclusive),
long-term conditions of which the person must have at least one (`required_conditions`,
codes from `LongTermCondition`), and the free-text `eligibility_description` for everything
else (shown, never checked). It is only enforced when `eligibility_checked` is set: ages from
an imported feed stay information until someone who runs the service turns the check on.

Pure functions; the referral services call `eligibility_failures` and refuse (or record an
override with a reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models


class LongTermCondition(models.TextChoices):
    """Long-term conditions a service may require (the list a programme refers on)."""

    ASTHMA = "asthma", "Asthma"
    COPD = "copd", "COPD"
    DIABETES_TYPE_1 = "diabetes_type_1", "Diabetes (type 1)"
    DIABETES_TYPE_2 = "diabetes_type_2", "Diabetes (type 2)"
    HEART_DISEASE = "heart_disease", "Heart disease"
    EPILEPSY = "epilepsy", "Epilepsy"
    OSTEOPOROSIS = "osteoporosis", "Osteoporosis"
    ANXIETY = "anxiety", "Anxiety"
    DEPRESSION = "depression", "Depression"
    OTHER = "other", "Another long-term condition"


def condition_labels(codes: Iterable[str]) -> list[str]:
    labels = dict(LongTermCondition.choices)
    return [str(labels.get(code, code)) for code in codes]


def _age_on(date_of_birth: dt.date, on: dt.date) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def age_rule_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"ages {minimum} to {maximum}"
    if minimum is not None:
        return f"aged {minimum} or over"
    if maximum is not None:
        return f"aged {maximum} or under"
    return ""


def rule_summary(service: object) -> str:
    """The rule in words (empty when the service has no checked rule)."""
    if not getattr(service, "eligibility_checked", False):
        return ""
    parts = []
    ages = age_rule_text(
        getattr(service, "minimum_age", None), getattr(service, "maximum_age", None)
    )
    if ages:
        parts.append(ages)
    conditions = list(getattr(service, "required_conditions", None) or [])
    if conditions:
        parts.append("one of: " + ", ".join(condition_labels(conditions)))
    return "; ".join(parts)


def eligibility_failures(
    service: object,
    *,
    date_of_birth: dt.date | None,
    conditions: Iterable[str],
    on: dt.date,
) -> list[str]:
    """Each part of the service's checked rule the person fails, in words naming the rule.

    Empty when the service checks nothing or the person meets every part. An unknown date of
    birth fails an age rule (it cannot be shown to be met).
    """
    if not getattr(service, "eligibility_checked", False):
        return []
    name = getattr(service, "name", "This service")
    out: list[str] = []
    minimum = getattr(service, "minimum_age", None)
    maximum = getattr(service, "maximum_age", None)
    ages = age_rule_text(minimum, maximum)
    if ages:
        if date_of_birth is None:
            out.append(
                f"{name} takes people {ages}, and the person's date of birth is not recorded."
            )
        else:
            age = _age_on(date_of_birth, on)
            if (minimum is not None and age < minimum) or (maximum is not None and age > maximum):
                out.append(f"{name} takes people {ages}; the person is {age}.")
    required = list(getattr(service, "required_conditions", None) or [])
    if required and not set(required) & set(conditions):
        out.append(
            f"{name} takes people with one of these long-term conditions: "
            f"{', '.join(condition_labels(required))}; none was confirmed for the person."
        )
    return out
