"""Command-line option parsing shared by the evidence app's commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def date_option(value: str | None, option: str) -> dt.date | None:
    """The ISO date given to `option`, or None when it was left out; a bad date is a
    CommandError naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None
