"""The time bank through the real pages, on the demo data: a member records an hour they gave
and the other member confirms it; a broker matches an offer to a request, with reasons, and
records the exchange when the help is given."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.demo import timebank as timebank_demo
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.loader import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, demo_load
from linkwell.timebank.models import Exchange, ExchangeStatus, ListingMatch, TimebankMember
from linkwell.timebank.selectors.ledger import ledger_check
from tests.browser.conftest import describe, serious_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ANN = f"timebank.ann@{DEMO_EMAIL_DOMAIN}"
BOB = f"timebank.bob@{DEMO_EMAIL_DOMAIN}"
COORDINATOR = f"coordinator@{DEMO_EMAIL_DOMAIN}"


@pytest.fixture
def demo() -> None:
    demo_load(seed=42)
    volunteering_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN)
    timebank_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN, password=DEMO_PASSWORD)


def test_a_member_records_an_exchange_and_the_other_side_confirms_it(
    new_page: Any, demo: None
) -> None:
    bob_account = TimebankMember.objects.get(user__email=BOB).accounts.get()
    before = bob_account.balance

    ann = new_page()
    sign_in(ann, ANN, DEMO_PASSWORD)
    ann.goto("/timebank/")
    expect(ann.get_by_role("heading", name="My time bank")).to_be_visible()
    ann.get_by_label("I gave time").check()
    ann.get_by_label("The other member's account").fill(bob_account.reference)
    ann.get_by_label("Hours").fill("1.5")
    ann.get_by_label("Kind of help").select_option(value="gardening")
    ann.get_by_label("Note (optional)").fill("Cut the hedge")
    ann.get_by_role("button", name="Record the exchange").click()
    expect(ann.get_by_text("it counts once the other member confirms it")).to_be_visible()
    exchange = Exchange.objects.get(note="Cut the hedge")
    assert exchange.status == ExchangeStatus.PENDING
    assert serious_axe_violations(ann) == [], describe(serious_axe_violations(ann))

    bob = new_page()
    sign_in(bob, BOB, DEMO_PASSWORD)
    bob.goto("/timebank/")
    bob.get_by_role(
        "button", name=re.compile(r"Confirm 1\.50? hours recorded by Ann Timebank")
    ).click()
    expect(bob.get_by_text("Exchange confirmed.")).to_be_visible()
    bob_account.refresh_from_db()
    # Ann gave Bob her time: she earns the credits and Bob pays them.
    assert bob_account.balance == before - Decimal("1.5")
    assert Exchange.objects.get(pk=exchange.pk).status == ExchangeStatus.CONFIRMED
    assert ledger_check().ok


def test_a_broker_matches_an_offer_to_a_request(new_page: Any, demo: None) -> None:
    broker = new_page()
    sign_in(broker, COORDINATOR, DEMO_PASSWORD)
    broker.goto("/timebank/broker/")
    request = broker.get_by_test_id("request").filter(has_text="lift to the hospital").first
    expect(request.get_by_test_id("suggestion").first).to_be_visible()
    expect(request.get_by_test_id("suggestion").first.locator("li").first).to_be_visible()
    request.get_by_role("button", name="Match").first.click()
    expect(broker.get_by_test_id("open-match").first).to_be_visible()
    match = ListingMatch.objects.get()
    assert match.reasons
    row = broker.get_by_test_id("open-match").first
    row.get_by_label("Hours given").fill("2")
    row.get_by_role("button", name="Record the exchange").click()
    expect(broker.get_by_text("2 hours recorded for the match.")).to_be_visible()
    match.refresh_from_db()
    assert match.exchange is not None and match.exchange.hours == 2
    assert ledger_check().ok
