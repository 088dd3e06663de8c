"""Self-referral from the public page (no sign-in), then the referral in the triage queue."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from linkwell.referrals.models import Referral, ReferralSource, ReferralStatus
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK_WORKER = "linkworker@demo.example.org"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    demo_load(seed=42)
    # The page refuses forms sent within 3 seconds of being shown (a spam defence); a test
    # types faster than a person, and must not wait on the clock.
    monkeypatch.setattr("linkwell.referrals.views.SELF_REFERRAL_MIN_SECONDS", 0)


def test_a_person_refers_themself_and_a_link_worker_sees_it_in_triage(
    new_page: Any, demo: None
) -> None:
    public = new_page()
    public.goto("/self-referral/")
    expect(public.get_by_role("heading", level=1)).to_have_text("Ask for help from a link worker")
    public.get_by_label("Your first name").fill("Gwendolyn")
    public.get_by_label("Your last name").fill("Ashcombe")
    public.get_by_label("Day").fill("14")
    public.get_by_label("Month").fill("3")
    public.get_by_label("Year").fill("1948")
    public.get_by_label("Your postcode").fill("SY11 1PJ")
    public.get_by_label("Your phone number").fill("07700 900123")
    public.get_by_label("Loneliness").check()
    public.get_by_label("Tell us a bit more (optional)").fill(
        "Since my husband died I hardly see anyone. I used to love singing."
    )
    public.get_by_label("I agree to a link worker contacting me").check()
    public.get_by_label("I agree to my information being shared").check()
    public.get_by_role("button", name="Send").click()

    confirmation = public.get_by_role("heading", level=1)
    expect(confirmation).to_have_text("Thank you: we have your request")
    referral = Referral.objects.get(person__family_name="Ashcombe")
    expect(public.get_by_text(referral.reference).first).to_be_visible()
    expect(public.get_by_text("What happens next")).to_be_visible()
    assert referral.source == ReferralSource.SELF
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.consent_to_contact and referral.consent_to_share

    worker = new_page()
    sign_in(worker, LINK_WORKER, DEMO_PASSWORD)
    worker.goto("/triage/")
    expect(worker.get_by_role("heading", level=1)).to_have_text("New referrals")
    row = worker.get_by_role("row").filter(has_text="Gwendolyn Ashcombe")
    expect(row).to_contain_text("Self-referral")
    expect(row).to_contain_text("Loneliness")
    row.get_by_role("link", name="Gwendolyn Ashcombe").click()
    expect(worker.get_by_role("heading", level=1)).to_contain_text("Gwendolyn Ashcombe")
