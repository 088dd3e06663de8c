"""The demo time bank: built the same for a seed, balanced, and removed by the reset."""

from __future__ import annotations

import pytest

from linkwell.demo import timebank as timebank_demo
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.loader import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, demo_load
from linkwell.timebank.models import (
    Account,
    AccountKind,
    CreditedActivity,
    Exchange,
    PartnerOffer,
    SupportPackage,
    TimebankMember,
)
from linkwell.timebank.selectors.ledger import ledger_check

# Loads the demo (seconds): `make test-slow`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _snapshot() -> list[tuple[str, str, str, str]]:
    return [
        (e.from_account.reference, e.to_account.reference, str(e.hours), e.category)
        for e in Exchange.objects.select_related("from_account", "to_account").order_by("id")
    ]


def test_the_demo_time_bank_is_balanced_deterministic_and_reset() -> None:
    demo_load(seed=42)
    volunteering_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN)
    counts = timebank_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN, password=DEMO_PASSWORD)
    assert counts["timebank_members"] == 100
    # 100 members, and the volunteers whose logged hours were credited joined as they were.
    assert Account.objects.filter(kind=AccountKind.MEMBER).count() >= 100
    assert Account.objects.filter(kind=AccountKind.ISSUING).count() == 1
    assert PartnerOffer.objects.count() == 3
    assert Exchange.objects.values("category").distinct().count() == 9
    assert TimebankMember.objects.filter(community_member__isnull=False).exists()
    assert SupportPackage.objects.exists()
    assert CreditedActivity.objects.exists()
    assert ledger_check().ok
    first = _snapshot()

    assert timebank_demo.reset()["timebank_members"] > 100
    assert not Exchange.objects.exists() and not Account.objects.exists()
    timebank_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN, password=DEMO_PASSWORD)
    assert _snapshot() == first
