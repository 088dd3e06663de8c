"""Checks every grants service shares: text lengths, money, whole numbers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from linkwell.grants.models import Round

MAX_PEOPLE = 100_000
PENNY = Decimal("0.01")


class Errors(dict[str, list[str]]):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)


def clean_text(
    errors: Errors, key: str, value: Any, *, limit: int, required: str | None = None, label: str
) -> str:
    text = str(value or "").strip()
    if not text and required:
        errors.add(key, required)
    elif len(text) > limit:
        errors.add(key, f"{label} must be {limit} characters or fewer")
    return text


def clean_money(errors: Errors, key: str, value: Any, *, required: str) -> Decimal | None:
    if value in (None, ""):
        errors.add(key, required)
        return None
    try:
        amount = Decimal(str(value).replace("£", "").replace(",", "").strip())
    except InvalidOperation:
        errors.add(key, "Enter an amount in pounds, like 500 or 1250.50")
        return None
    if not amount.is_finite() or amount != amount.quantize(PENNY) or amount <= 0:
        errors.add(key, "Enter an amount in pounds of more than £0, like 500 or 1250.50")
        return None
    return amount


def clean_count(errors: Errors, key: str, value: Any, *, label: str, minimum: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.add(key, f"Enter {label} as a whole number, like 25")
        return None
    if not minimum <= number <= MAX_PEOPLE:
        errors.add(key, f"Enter {label} from {minimum} to {MAX_PEOPLE:,}")
        return None
    return number


def money(amount: Decimal | None) -> str:
    """£500, £1,250.50."""
    if amount is None:
        return "£0"
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


def lock_round(round_: Round) -> Round:
    """Lock the round's row for the rest of the caller's atomic block: every write that spends
    the round's budget (awards, payments) takes this lock first, then the application's, so two
    at once are serialised and the second sees the first's money (on SQLite, write transactions
    already run one at a time)."""
    assert transaction.get_connection().in_atomic_block
    return Round.objects.select_for_update().get(pk=round_.pk)
