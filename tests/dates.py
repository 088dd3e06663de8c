"""Dates relative to today that are read when a test runs, not when it is collected.

A `pytest.mark.parametrize` argument is evaluated once, at collection. A run that starts
before midnight and reaches the test after it would then compare against yesterday.
Parametrize with `FromToday(days)` and pass the data through `on_the_day` in the test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class FromToday:
    days: int

    def date(self) -> dt.date:
        return timezone.localdate() + dt.timedelta(days=self.days)


def on_the_day(data: dict[str, Any]) -> dict[str, Any]:
    """The data with each `FromToday` replaced by the date it stands for, now."""
    return {k: v.date() if isinstance(v, FromToday) else v for k, v in data.items()}
