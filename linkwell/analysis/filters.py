"""The one filter every evidence selector, the quarterly report and the stories pages take
(`ReportFilter`).

Shared by linkwell/evidence and linkwell/reports: keep its fields stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from linkwell.accounts.models import Area, Organisation


@dataclass(frozen=True)
class ReportFilter:
    """Which records a figure is about. Every field is optional; None means "no restriction".

    - `start`/`end`: the period, both dates **inclusive** (UK dates). What the period applies
      to is stated by each selector (referral received date, baseline measure date, ...).
    - `area`: organisations' `Area` — the person's registered practice's area, or the
      link-worker service's area where the person has no practice.
    - `practice`: the person's registered GP practice (an `Organisation` of kind gp_practice).
    - `service`: the link-worker service (an `Organisation` of kind link_worker_service).

    The acting user's scope is applied on top by every selector (a team manager sees their own
    services only), so a filter can narrow what a user sees but never widen it.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    area: Area | None = None
    practice: Organisation | None = None
    service: Organisation | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError("The period's start is after its end.")

    def describe(self) -> str:
        parts: list[str] = []
        if self.start or self.end:
            start = f"{self.start:%-d %b %Y}" if self.start else "the beginning"
            end = f"{self.end:%-d %b %Y}" if self.end else "today"
            parts.append(f"{start} to {end}")
        if self.area:
            parts.append(f"area {self.area.name}")
        if self.practice:
            parts.append(f"practice {self.practice.name}")
        if self.service:
            parts.append(f"service {self.service.name}")
        return ", ".join(parts) or "all records"
