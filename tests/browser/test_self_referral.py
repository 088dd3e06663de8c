"""Self-referral from the public page (no sign-in), then the referral in the triage queue."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from linkwell.directory.models import Phone
from linkwell.directory.tests.factories import make_organization
from linkwell.referrals import views as referral_views
from linkwell.referrals.models import Referral, ReferralSource, ReferralStatus
from linkwell.referrals.tests.factories import needs
from tests.browser.conftest import describe, serious_axe_violations, sign_in, triage_row
from tests.personas import PASSWORD, build_personas

pytestmark = pytest.mark.django_db(transaction=True)

LINK_WORKER = "linkworker@demo.example.org"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    demo_load(seed=42)
    # The page refuses forms sent within 3 seconds of being shown (a spam defence); a test
    # types faster than a person, and must not wait on the clock.
    monkeypatch.setattr(
        referral_views,
        "SELF_REFERRAL_TOKEN",
        dataclasses.replace(referral_views.SELF_REFERRAL_TOKEN, min_seconds=0),
    )


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
    # The public are offered reasons in plain words, not the taxonomy's terms.
    public.get_by_label("Feeling lonely or cut off from people").check()
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
    row = triage_row(worker, "Gwendolyn Ashcombe")
    expect(worker.get_by_role("heading", level=1)).to_have_text("New referrals")
    expect(row).to_contain_text("Self-referral")
    expect(row).to_contain_text("Loneliness")
    row.get_by_role("link", name="Gwendolyn Ashcombe").click()
    expect(worker.get_by_role("heading", level=1)).to_contain_text("Gwendolyn Ashcombe")


def test_a_person_corrects_one_mistake_and_is_accepted_straight_away(new_page: Any) -> None:
    """No demo and no clock trick: the form waits the real 3 seconds once, and the correction
    sent at once afterwards is not mistaken for a script."""
    personas = build_personas()
    personas.other_team.is_active = False
    personas.other_team.save()
    listing = make_organization("Shropshire Social Prescribing", owner=personas.link_worker_service)
    Phone.objects.create(organization=listing, number="01691 555 123")
    needs()
    public = new_page()
    public.goto("/self-referral/")
    public.get_by_label("Your first name").fill("Gwendolyn")
    public.get_by_label("Your last name").fill("Ashcombe")
    public.get_by_label("Day").fill("14")
    public.get_by_label("Month").fill("3")
    public.get_by_label("Year").fill("1948")
    public.get_by_label("Your postcode").fill("SY11 1PJ")
    public.get_by_label("Your phone number").fill("07700 900123")
    public.get_by_label("Your NHS number (optional)").fill("123 456 7890")
    public.get_by_label("I agree to a link worker contacting me").check()
    public.wait_for_timeout(3100)
    public.get_by_role("button", name="Send").click()

    # Both problems at once: the NHS number (the service's rule) and no reason given.
    summary = public.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("NHS number")
    expect(summary).to_contain_text("Choose at least one reason")
    assert serious_axe_violations(public) == [], describe(serious_axe_violations(public))
    public.get_by_label("Your NHS number (optional)").fill("")
    public.get_by_label("Feeling lonely or cut off from people").check()
    public.get_by_role("button", name="Send").click()

    expect(public.get_by_role("heading", level=1)).to_have_text("Thank you: we have your request")
    expect(public.get_by_role("link", name="01691 555 123")).to_be_visible()
    expect(public.get_by_text("Get help from NHS 111 if:")).to_be_visible()
    expect(public.get_by_text("Call 999 or go to A&E if:")).to_be_visible()
    assert serious_axe_violations(public) == [], describe(serious_axe_violations(public))
    assert Referral.objects.get().reasons.get().code == "loneliness"


def test_a_forbidden_page_says_why_in_the_nhs_layout(new_page: Any) -> None:
    personas = build_personas()
    page = new_page()
    sign_in(page, personas.commissioner.email, PASSWORD)
    page.goto("/triage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    expect(page.get_by_text("Triage is for link-worker teams.")).to_be_visible()
    expect(page.get_by_role("link", name="Reports")).to_be_visible()
    assert serious_axe_violations(page) == [], describe(serious_axe_violations(page))
