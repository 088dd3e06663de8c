"""A community grant through the real pages, on the demo data: a member of the public applies
for a Try it award answering a recorded gap; a panel member declares a conflict and cannot
score it, another panel member scores it; the programme manager awards and pays it; the
grantee reports the new group through the emailed link; a moderator approves it and it is in
the public directory, and on the grant's page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.demo import grants as grants_demo
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.loader import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, demo_load
from linkwell.grants.models import Application, ApplicationStatus, Payment
from linkwell.grants.services.monitoring import report_token
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER = f"grants@{DEMO_EMAIL_DOMAIN}"
CONFLICTED = f"panel@{DEMO_EMAIL_DOMAIN}"
SCORER = f"linkworker@{DEMO_EMAIL_DOMAIN}"  # on the panel; also a community moderator
GROUP = "Whittington Tea Dance Club"


@pytest.fixture
def demo() -> None:
    demo_load(seed=42)
    volunteering_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN)
    grants_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN)


def test_a_public_idea_is_funded_and_its_group_enters_the_directory(
    new_page: Any, demo: None
) -> None:
    # The public applies, with no account.
    public = new_page()
    public.goto("/grants/apply/")
    public.get_by_role("link", name="Apply to Try it, Do it, Build it").click()
    public.get_by_label("Try it").check()
    public.get_by_label("How much are you asking for? (£)").fill("400")
    public.get_by_label("A short name for your idea").fill("Tea dances for people on their own")
    public.get_by_label("What will you do, and what is the money for?").fill(
        "A monthly tea dance in the village hall: hire, music and cake."
    )
    public.get_by_label("Where will it happen?").fill("Whittington")
    gap = public.locator("input[name=gaps]").first
    gap_label = public.locator(f"label[for={gap.get_attribute('id')}]").inner_text()
    gap.check()
    public.get_by_label("How many people will it reach?").fill("30")
    public.get_by_label("Who will it reach?").fill("Older people living alone")
    public.get_by_label("Your name").fill("Pat Dancer")
    public.get_by_label("Your email address").fill("pat@example.org")
    public.wait_for_timeout(5500)  # the form's "shown at" token wants a person's pace
    public.get_by_role("button", name="Send application").click()
    expect(public.get_by_role("heading", name="Application sent")).to_be_visible()
    app = Application.objects.get(applicant_email="pat@example.org")
    expect(public.get_by_text(app.reference)).to_be_visible()
    assert app.gaps.exists()

    # A panel member with an interest declares it and is not offered scoring.
    conflicted = new_page()
    sign_in(conflicted, CONFLICTED, DEMO_PASSWORD)
    conflicted.goto(f"/grants/applications/{app.uuid}/")
    expect(conflicted.get_by_text(gap_label)).to_be_visible()
    conflicted.get_by_text("Declare a conflict of interest").click()
    conflicted.get_by_label("What is your interest?").fill("Pat is my aunt.")
    conflicted.get_by_role("button", name="Declare conflict").click()
    expect(
        conflicted.get_by_text("You declared a conflict of interest in this application")
    ).to_be_visible()
    expect(conflicted.get_by_role("button", name="Save scores")).to_have_count(0)

    # Another panel member scores it.
    scorer = new_page()
    sign_in(scorer, SCORER, DEMO_PASSWORD)
    scorer.goto(f"/grants/applications/{app.uuid}/")
    for box in scorer.locator("input[name^=score_]").all():
        box.fill("4")
    scorer.locator("textarea[name^=comment_]").first.fill("A real gap for older people.")
    scorer.get_by_role("button", name="Save scores").click()
    expect(scorer.get_by_text("You scored this application")).to_be_visible()

    # The programme manager sees the weighted score, awards and pays.
    manager = new_page()
    sign_in(manager, MANAGER, DEMO_PASSWORD)
    manager.goto(f"/grants/rounds/{app.round.uuid}/")
    expect(manager.get_by_role("row").filter(has_text=app.reference)).to_contain_text("%")
    manager.get_by_role("link", name=app.reference).click()
    manager.get_by_label("Award", exact=True).check()
    manager.get_by_label("Amount to award (£)").fill("400")
    manager.get_by_label("The panel's reasons").fill("Strong on need; good value.")
    manager.get_by_role("button", name="Record decision").click()
    expect(manager.get_by_role("link", name="Offer letter", exact=True)).to_be_visible()
    manager.get_by_label("Amount paid (£)").fill("400")
    manager.get_by_label("Date paid").fill(manager.evaluate("new Date().toISOString().slice(0,10)"))
    manager.get_by_label("Payment reference").fill("BACS-TEA-1")
    manager.get_by_role("button", name="Record payment").click()
    expect(manager.get_by_text("£400.00 paid of £400.00")).to_be_visible()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.AWARDED
    assert Payment.objects.filter(application=app).count() == 1

    # The grantee reports the new group through the emailed link.
    grantee = new_page()
    grantee.goto(f"/grants/report/{report_token(app)}/")
    grantee.get_by_label("What happened?").fill("Six tea dances; a club formed.")
    grantee.get_by_label("How many people took part?").fill("34")
    grantee.get_by_label("It started a new group or activity").check()
    grantee.get_by_label("An informal group or club").check()
    grantee.get_by_label("Name of the group or activity").fill(GROUP)
    grantee.get_by_label("What happens there?").fill("Ballroom and sequence dancing, then tea.")
    grantee.get_by_label("Every week").check()
    grantee.locator("select[name=activity-day]").select_option("TH")
    grantee.get_by_label("At a place (a hall, café, park, library…)").check()
    grantee.locator("input[name=activity-address_1]").fill("Village Hall, Castle Street")
    grantee.locator("input[name=activity-town]").fill("Whittington")
    grantee.locator("input[name=activity-postcode]").fill("SY11 4DF")
    grantee.get_by_label("Free", exact=True).check()
    grantee.get_by_role("button", name="Send report").click()
    expect(grantee.get_by_role("heading", name="Thank you for your report")).to_be_visible()

    # A moderator approves it; it is listed in the directory and on the grant's page.
    scorer.goto("/community/moderation/")
    scorer.get_by_role("link", name=GROUP).click()
    scorer.get_by_role("button", name="Approve and list").click()
    manager.goto(f"/grants/applications/{app.uuid}/")
    manager.get_by_role("link", name=GROUP).click()
    expect(manager.get_by_role("heading", name=GROUP)).to_be_visible()
    public.goto(f"/find/?q={GROUP.replace(' ', '+')}")
    expect(public.get_by_text(GROUP).first).to_be_visible()
