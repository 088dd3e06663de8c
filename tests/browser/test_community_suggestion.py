"""A member of the public suggests a new group; a link worker approves it from the moderation
queue; the group is then found in the directory search."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.community import abuse
from linkwell.community.models import Suggestion, SuggestionStatus
from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from linkwell.directory.models import Service
from tests.browser.conftest import describe, serious_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK_WORKER = "linkworker@demo.example.org"
GROUP = "Gobowen Ukulele Strummers"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    demo_load(seed=42)
    # The form refuses answers sent within seconds of being shown (a spam defence); a test
    # types faster than a person, and must not wait on the clock.
    monkeypatch.setattr(abuse, "FORM_TOKEN", dataclasses.replace(abuse.FORM_TOKEN, min_seconds=0))


def test_a_suggested_group_is_approved_by_a_link_worker_and_then_found(
    new_page: Any, demo: None
) -> None:
    public = new_page()
    public.goto("/community/suggest/")
    expect(public.get_by_role("heading", level=1)).to_have_text("Suggest a group or activity")
    assert serious_axe_violations(public) == [], describe(serious_axe_violations(public))

    # Sending it half filled in shows the error summary, and keeps what was typed.
    public.get_by_label("Name of the group or activity").fill(GROUP)
    public.get_by_role("button", name="Send suggestion").click()
    expect(public.get_by_role("alert")).to_contain_text("Select what you are suggesting")
    expect(public.get_by_label("Name of the group or activity")).to_have_value(GROUP)

    public.get_by_label("An informal group or club").check()
    public.get_by_label("What happens there?").fill(
        "Learn the ukulele from scratch with friendly people. Ukuleles to borrow."
    )
    public.get_by_label("Every week", exact=True).check()
    public.get_by_label("Day", exact=True).select_option(label="Wednesday")
    public.get_by_label("Starts at (optional)").fill("14:00")
    public.get_by_label("Ends at (optional)").fill("15:30")
    public.get_by_label("At a place (a hall, café, park, library…)").check()
    public.get_by_label("Name of the place (optional)").fill("Gobowen Village Hall")
    public.get_by_label("Address", exact=True).fill("Station Road")
    public.get_by_label("Town or area").fill("Gobowen")
    public.get_by_label("Postcode").fill("SY11 3JS")
    public.get_by_label("Free", exact=True).check()
    public.get_by_label("Contact name (optional)").fill("Bob Hughes")
    public.get_by_label("Contact email address (optional)").fill("bob@example.org")
    public.get_by_label("Your email address (optional)").fill("friend@example.org")
    public.get_by_role("button", name="Send suggestion").click()
    expect(public.get_by_role("heading", level=1)).to_have_text(
        "Thank you: we have your suggestion"
    )
    assert serious_axe_violations(public) == [], describe(serious_axe_violations(public))
    suggestion = Suggestion.objects.get(name=GROUP)
    assert suggestion.status == SuggestionStatus.PENDING
    assert not Service.objects.filter(name=GROUP).exists()

    worker = new_page()
    sign_in(worker, LINK_WORKER, DEMO_PASSWORD)
    worker.get_by_role("link", name="Community listings to check").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Community suggestions")
    worker.get_by_role("link", name=GROUP).click()
    expect(worker.get_by_role("heading", level=1)).to_have_text(GROUP)
    assert serious_axe_violations(worker) == [], describe(serious_axe_violations(worker))
    worker.get_by_role("button", name="Approve and list").click()

    expect(worker.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(worker.get_by_text("is now in the directory")).to_be_visible()
    expect(worker.get_by_text("Suggested by a community member")).to_be_visible()
    # Bob has not agreed to his details being published yet.
    expect(worker.get_by_text("Ask a link worker for contact details.")).to_be_visible()
    assert worker.get_by_text("bob@example.org").count() == 0

    worker.goto("/directory/")
    worker.get_by_label("Search for").fill("ukulele")
    worker.get_by_role("button", name="Search").click()
    expect(worker.get_by_role("link", name=GROUP)).to_be_visible()
