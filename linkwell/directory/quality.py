"""Provider quality assurance status (only quality-assured providers get referrals, as in the
Shropshire social prescribing business case).

assured  — every required check (safeguarding policy, insurance, DBS checks) is in date;
expiring — all in date, but one expires within settings.DIRECTORY_QA_EXPIRING_DAYS;
lapsed   — a required check is missing or expired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkwell.directory.models import REQUIRED_QUALITY_CHECKS, QualityCheck


class QAStatus(models.TextChoices):
    ASSURED = "assured", "Quality assured"
    EXPIRING = "expiring", "Assurance expiring soon"
    LAPSED = "lapsed", "Assurance lapsed"


@dataclass(frozen=True)
class QualitySummary:
    status: QAStatus
    assured_date: dt.date | None  # latest date on which all required checks were in place
    missing: tuple[str, ...]
    expired: tuple[str, ...]
    expiring: tuple[str, ...]
    next_expiry: dt.date | None


def quality_summary(
    checks: Iterable[QualityCheck], *, today: dt.date | None = None
) -> QualitySummary:
    """Status from a provider's checks (pass prefetched `organization.quality_checks.all()`)."""
    today = today or timezone.localdate()
    warn_by = today + dt.timedelta(days=settings.DIRECTORY_QA_EXPIRING_DAYS)
    latest: dict[str, QualityCheck] = {}
    for check in checks:
        current = latest.get(check.kind)
        if current is None or check.expires_on > current.expires_on:
            latest[check.kind] = check
    missing = tuple(k for k in REQUIRED_QUALITY_CHECKS if k not in latest)
    expired = tuple(k for k, c in latest.items() if c.expires_on < today)
    expiring = tuple(
        k for k, c in latest.items() if today <= c.expires_on <= warn_by and k not in expired
    )
    if missing or expired:
        status = QAStatus.LAPSED
    elif expiring:
        status = QAStatus.EXPIRING
    else:
        status = QAStatus.ASSURED
    assured_date = max(c.checked_on for c in latest.values()) if status != QAStatus.LAPSED else None
    required = [latest[k] for k in REQUIRED_QUALITY_CHECKS if k in latest]
    next_expiry = min((c.expires_on for c in required), default=None)
    return QualitySummary(status, assured_date, missing, expired, expiring, next_expiry)
