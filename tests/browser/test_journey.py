"""The social prescribing journey through the real pages, on the demo data: a GP referral,
triage, booking, the wellbeing review and the plan. Still to add: the onward referral, the
provider accepting and recording attendance, the 4-week review and the GP reading the message back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwell.accounts.models import User
from linkwell.casework.models import Case, Goal, Strength, WellbeingReview
from linkwell.web.demo import DEMO_PASSWORD, demo_load
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

REFERRER = "referrer@demo.example.org"  # GP receptionist at Castle Fields Surgery
LINK_WORKER = "linkworker@demo.example.org"


@pytest.fixture
def demo() -> None:
    demo_load(seed=42)


def test_a_gp_referral_is_triaged_reviewed_and_planned(new_page: Any, demo: None) -> None:
    # A GP receptionist refers, with the short form.
    gp = new_page()
    sign_in(gp, REFERRER, DEMO_PASSWORD)
    gp.goto("/refer/")
    gp.get_by_label("First name").fill("Bronwen")
    gp.get_by_label("Last name").fill("Tregarthen")
    gp.get_by_role("textbox", name="Day").fill("2")
    gp.get_by_role("textbox", name="Month").fill("11")
    gp.get_by_role("textbox", name="Year").fill("1944")
    gp.get_by_label("Postcode").fill("SY11 1PS")
    gp.get_by_label("Phone number").fill("01632 960555")
    gp.get_by_label("Loneliness").check()
    gp.get_by_label("Anything the link worker should know").fill(
        "Widowed in the spring; plays the ukulele but has stopped going out."
    )
    gp.get_by_label("The person agrees to be contacted by a link worker").check()
    gp.get_by_label("The person agrees to their information being shared").check()
    gp.get_by_label("Who it may be shared with").fill("The link-worker team and their services")
    gp.get_by_role("button", name="Send referral").click()
    expect(gp.get_by_role("heading", level=1)).to_have_text("Referrals you have sent")

    # The link worker triages: accepts, allocates to herself, sets complexity.
    worker = new_page()
    sign_in(worker, LINK_WORKER, DEMO_PASSWORD)
    worker.goto("/triage/")
    worker.get_by_role("row").filter(has_text="Bronwen Tregarthen").get_by_role(
        "link", name="Bronwen Tregarthen"
    ).click()
    lead = User.objects.get(email=LINK_WORKER)
    worker.get_by_label("Allocate to").select_option(value=str(lead.uuid))
    worker.get_by_label("Moderate").check()
    worker.get_by_role("button", name="Accept and open case").click()
    case = Case.objects.get(person__family_name="Tregarthen")
    assert case.assigned_to is not None and case.assigned_to.email == LINK_WORKER
    assert case.complexity == "moderate"

    # Books the wellbeing review.
    worker.goto(f"/cases/{case.uuid}/")
    worker.get_by_role("link", name="Book a contact").click()
    worker.get_by_label("Kind of contact").select_option(label="Wellbeing review")
    worker.get_by_label("Date").fill(str(timezone.localdate() + dt.timedelta(days=7)))
    worker.get_by_label("Time").fill("10:30")
    worker.get_by_label("Venue").fill("Oswestry Library, meeting room 2")
    worker.get_by_role("button", name="Book").click()
    expect(worker.get_by_role("heading", level=1)).to_contain_text("Bronwen Tregarthen")
    expect(worker.get_by_text("Wellbeing review").first).to_be_visible()

    # Records the review with strengths.
    worker.get_by_role("link", name="Record a wellbeing review").click()
    worker.get_by_label("What matters to me").fill("Getting back to playing music with people.")
    first = worker.get_by_role("group", name="Strength 1")
    first.get_by_label("Kind of strength").select_option(index=1)
    first.get_by_label("Strength or asset").fill("Plays the ukulele")
    second = worker.get_by_role("group", name="Strength 2")
    second.get_by_label("Kind of strength").select_option(index=2)
    second.get_by_label("Strength or asset").fill("Neighbour checks in daily")
    worker.get_by_role("button", name="Save the review").click()
    review = WellbeingReview.objects.get(case=case)
    assert set(Strength.objects.filter(review=review).values_list("description", flat=True)) == {
        "Plays the ukulele",
        "Neighbour checks in daily",
    }

    # Agrees a plan with two goals.
    worker.goto(f"/cases/{case.uuid}/plan/edit/")
    worker.get_by_role("group", name="Goal 1").get_by_label("Goal, in the person's words").fill(
        "Join a ukulele group"
    )
    worker.get_by_role("group", name="Goal 2").get_by_label("Goal, in the person's words").fill(
        "Go into town once a week"
    )
    worker.get_by_role("button", name="Save the plan").click()
    assert set(Goal.objects.filter(plan__case=case).values_list("text", flat=True)) == {
        "Join a ukulele group",
        "Go into town once a week",
    }
