"""The rules a listing edit must satisfy: normalising the form's values and every check on them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from linkwell.directory.eligibility import LongTermCondition
from linkwell.directory.models import ReferralMode, ServiceStatus
from linkwell.directory.services.edit_state import _DAY_ORDER, COST_FREE, COST_PAID, COST_UNKNOWN

MAX_AGE = 120
# Capacity columns are 32-bit integers; no group has anywhere near this many places.
MAX_PLACES = 100_000
# Column sizes (models.Service): checked here so a long value is a message, not a database error.
MAX_URL_LENGTH = 500
MAX_EMAIL_LENGTH = 254
_PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")


_TEXT_FIELDS = {
    "name",
    "description",
    "url",
    "email",
    "application_process",
    "fees_description",
    "eligibility_description",
    "phone",
    "accessibility",
    "cost",
}


def _normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if key in ("minimum_age", "maximum_age", "capacity_available", "capacity_maximum"):
                value = int(value) if value else None
        if key in _TEXT_FIELDS and value is None:
            value = ""
        if key == "cost_amount" and value not in (None, ""):
            value = Decimal(str(value)).quantize(Decimal("0.01"))
        elif key == "cost_amount":
            value = None
        if key == "required_conditions":
            value = sorted({str(v) for v in value or []})
        if key in ("languages", "eligibility_conditions"):
            value = [str(v).strip() for v in value or [] if str(v).strip()]
        if key == "schedule":
            # Kept in the caller's order so error keys (schedule.<i>) point at the caller's
            # rows; sorted after validation.
            value = [
                {
                    "day": r.get("day", ""),
                    "opens_at": r.get("opens_at"),
                    "closes_at": r.get("closes_at"),
                }
                for r in value or []
            ]
        out[key] = value
    return out


def _validate_age(state: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    for key, label in (("minimum_age", "Minimum age"), ("maximum_age", "Maximum age")):
        age = state.get(key)
        if age is not None and not 0 <= age <= MAX_AGE:
            errors.setdefault(key, []).append(f"{label} must be between 0 and {MAX_AGE}")
    low, high = state.get("minimum_age"), state.get("maximum_age")
    if low is not None and high is not None and "minimum_age" not in errors and low >= high:
        errors.setdefault("minimum_age", []).append(
            "Minimum age must be lower than the maximum age"
        )


def _validate_capacity(
    available: int | None, maximum: int | None, errors: dict[str, list[str]]
) -> None:
    for key, value in (("capacity_available", available), ("capacity_maximum", maximum)):
        if value is not None and value < 0:
            errors.setdefault(key, []).append("Places must be 0 or more")
        elif value is not None and value > MAX_PLACES:
            errors.setdefault(key, []).append(f"Places must be {MAX_PLACES:,} or fewer")
    if available is not None and maximum is not None and 0 <= maximum < available:
        errors.setdefault("capacity_available", []).append(
            "Places available cannot be more than the maximum number of places"
        )


def _validate(state: Mapping[str, Any], *, has_location: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not state.get("name"):
        add("name", "Enter the name of the service")
    elif len(state["name"]) > 255:
        add("name", "Service name must be 255 characters or fewer")
    if state.get("email") and len(state["email"]) > MAX_EMAIL_LENGTH:
        add("email", f"Email address must be {MAX_EMAIL_LENGTH} characters or fewer")
    elif state.get("email"):
        try:
            EmailValidator()(state["email"])
        except ValidationError:
            add("email", "Enter an email address in the correct format, like name@example.com")
    if state.get("url") and len(state["url"]) > MAX_URL_LENGTH:
        add("url", f"Website address must be {MAX_URL_LENGTH} characters or fewer")
    elif state.get("url"):
        try:
            URLValidator(schemes=["http", "https"])(state["url"])
        except ValidationError:
            add(
                "url", "Enter a website address in the correct format, like https://www.example.org"
            )
    if state.get("phone") and not _PHONE_RE.match(state["phone"]):
        add("phone", "Enter a telephone number, like 01632 960 001 or +44 7700 900 982")
    if state.get("status") not in ServiceStatus.values:
        add("status", "Select whether the service is running")
    if state.get("referral_mode") not in ReferralMode.values:
        add("referral_mode", "Select whether the service accepts referrals or is signposting only")
    _validate_age(state, errors)
    unknown = sorted(set(state.get("required_conditions") or []) - set(LongTermCondition.values))
    if unknown:
        add("required_conditions", f"Choose conditions from the list (not {', '.join(unknown)})")
    _validate_capacity(state.get("capacity_available"), state.get("capacity_maximum"), errors)

    cost = state.get("cost", COST_UNKNOWN)
    if cost not in (COST_FREE, COST_PAID, COST_UNKNOWN):
        add("cost", "Select whether the service is free or paid for")
    if cost == COST_PAID:
        amount = state.get("cost_amount")
        if amount is None:
            add("cost_amount", "Enter how much it costs, for example 3.50")
        elif not Decimal("0") < Decimal(amount) < Decimal("100000"):
            add("cost_amount", "The cost must be more than £0 and less than £100,000")

    for i, row in enumerate(state.get("schedule") or []):
        prefix = f"schedule.{i}"
        if row["day"] not in _DAY_ORDER:
            add(f"{prefix}.day", "Select the day of the session")
        if row["opens_at"] is None:
            add(f"{prefix}.opens_at", "Enter the opening time")
        if row["closes_at"] is None:
            add(f"{prefix}.closes_at", "Enter the closing time")
        if (
            row["opens_at"] is not None
            and row["closes_at"] is not None
            and row["closes_at"] <= row["opens_at"]
        ):
            add(f"{prefix}.closes_at", "Closing time must be after opening time")

    if any(len(name) > 100 for name in state.get("languages") or []):
        add("languages", "Each language must be 100 characters or fewer")
    if state.get("accessibility") and not has_location:
        add(
            "accessibility",
            "Access information belongs to a venue, and this service has no venue of its own yet",
        )
    return errors
