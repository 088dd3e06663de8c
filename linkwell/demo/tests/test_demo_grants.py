"""The demo's grants: fast, deterministic, idempotent, and keeping the services' invariants."""

from __future__ import annotations

import time

import pytest
from django.db.models import Sum

from linkwell.community.models import SuggestionStatus
from linkwell.demo import grants as grants_demo
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.loader import DEMO_EMAIL_DOMAIN, demo_load, demo_reset
from linkwell.grants.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    MonitoringReport,
    Payment,
    Round,
    Score,
)
from linkwell.grants.services import round_state

# Loads the demo (seconds): `make test-slow`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_grants_load_fast_keep_the_invariants_and_reset() -> None:
    demo_load(seed=42)
    volunteering_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN)
    started = time.monotonic()
    counts = grants_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN)
    assert time.monotonic() - started < 3
    assert counts["awards"] > 0 and counts["reports"] > 0
    assert grants_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN) == {}  # idempotent
    states = sorted(round_state(r) for r in Round.objects.all())
    assert states == ["closed", "closed", "open"]
    for r in Round.objects.all():
        awarded = r.applications.filter(status=ApplicationStatus.AWARDED).aggregate(
            t=Sum("amount_awarded")
        )["t"]
        assert (awarded or 0) <= r.budget
    for payment in Payment.objects.select_related("application"):
        assert payment.amount <= (payment.application.amount_awarded or 0)
    for conflict in ConflictOfInterest.objects.all():
        assert not Score.objects.filter(
            application=conflict.application, panel_member=conflict.panel_member
        ).exists()
    for score in Score.objects.select_related("criterion"):
        assert 0 <= score.score <= score.criterion.max_score
    listing = MonitoringReport.objects.get(suggestion__isnull=False).suggestion
    assert listing is not None and listing.status == SuggestionStatus.APPROVED
    assert listing.service is not None
    assert Application.objects.filter(gaps__isnull=False).exists()
    demo_reset()
    assert not Application.objects.exists() and not Round.objects.exists()
