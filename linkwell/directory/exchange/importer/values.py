"""HSDS JSON values as the model fields hold them, and the comparisons that make a re-import
write nothing."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils import timezone

from linkwell.directory.exchange import hsds
from linkwell.directory.exchange.importer.report import RecordRejected

# --- value conversion ---------------------------------------------------------------------

LONDON = zoneinfo.ZoneInfo("Europe/London")
_URL = URLValidator()
_EMAIL = EmailValidator()


def _convert(f: Any, raw: Any, path: str) -> Any:
    """A JSON value as the model field holds it; RecordRejected with a specific reason."""
    if raw is None:
        return (
            None
            if f.null
            else ("" if isinstance(f, models.CharField | models.TextField) else f.get_default())
        )
    try:
        if isinstance(f, models.DateTimeField):
            value = dt.datetime.fromisoformat(str(raw))
            # A time without a zone is UK time (readers.quirks warns about it first).
            return value if timezone.is_aware(value) else value.replace(tzinfo=LONDON)
        if isinstance(f, models.DateField):
            return dt.date.fromisoformat(str(raw))
        if isinstance(f, models.TimeField):
            return dt.time.fromisoformat(str(raw)).replace(tzinfo=None)
        if isinstance(f, models.UUIDField):
            return uuid.UUID(str(raw))
    except ValueError:
        kind = type(f).__name__.removesuffix("Field").lower() or "value"
        raise RecordRejected([f"{path} {raw!r} is not a valid {kind}"]) from None
    if isinstance(f, models.IntegerField):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw):
            raise RecordRejected([f"{path} {raw!r} is not a whole number"])
        if int(raw) < 0 and isinstance(
            f, models.PositiveIntegerField | models.PositiveSmallIntegerField
        ):
            raise RecordRejected([f"{path} {raw!r} must not be negative"])
        return int(raw)
    if isinstance(f, models.FloatField):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise RecordRejected([f"{path} {raw!r} is not a number"])
        return float(raw)
    if isinstance(f, models.DecimalField):
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise RecordRejected([f"{path} {raw!r} is not a number"])
        try:
            amount = decimal.Decimal(str(raw))
        except decimal.InvalidOperation:
            raise RecordRejected([f"{path} {raw!r} is not a number"]) from None
        limit = decimal.Decimal(10) ** ((f.max_digits or 10) - (f.decimal_places or 0))
        if not amount.is_finite() or abs(amount) >= limit:
            raise RecordRejected([f"{path} {raw!r} is too large"])
        return amount.quantize(decimal.Decimal(1).scaleb(-(f.decimal_places or 0)))
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise RecordRejected([f"{path} must be text, not {type(raw).__name__}"])
    text = str(raw) if not isinstance(raw, float) or raw != int(raw) else str(int(raw))
    if f.max_length and len(text) > f.max_length:
        raise RecordRejected([f"{path} is longer than {f.max_length} characters"])
    if text and isinstance(f, models.URLField):
        try:
            _URL(text)
        except DjangoValidationError:
            raise RecordRejected([f"{path} {text!r} is not a valid web address"]) from None
    if text and isinstance(f, models.EmailField):
        try:
            _EMAIL(text)
        except DjangoValidationError:
            raise RecordRejected([f"{path} {text!r} is not a valid email address"]) from None
    return text


def _to_ms(value: dt.datetime) -> dt.datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
        try:
            return a is not None and b is not None and decimal.Decimal(a) == decimal.Decimal(b)
        except (decimal.InvalidOperation, TypeError):
            return False
    return bool(a == b)


def _referral_mode(item: Any) -> str | None:
    """The ReferralMode an attribute stands for, if it is Linkwell's referral-mode attribute."""
    if not isinstance(item, dict):
        return None
    term = item.get("taxonomy_term")
    term_id = term.get("id") if isinstance(term, dict) else item.get("taxonomy_term_id")
    return hsds.REFERRAL_MODE_BY_TERM_ID.get(str(term_id))
