"""A member of the public, with no account, uses the directory at /find/."""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from linkwell.demo.loader import demo_load
from linkwell.directory.models import Service
from linkwell.matching import cache as matcher_cache
from linkwell.referrals import views as referral_views
from linkwell.referrals.models import Referral, ReferralSource
from tests.browser.conftest import describe, serious_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

GROUP = "Walk and talk (Oswestry)"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    demo_load(seed=42)
    # "What could help me?" without the sentence encoder: embedding the whole demo directory takes
    # tens of seconds on a busy machine; semantic matching is tested in linkwell/public/tests.
    # The live server runs in this process, so the setting reaches it.
    monkeypatch.setattr(matcher_cache, "MATCHER_ENCODER", None)
    matcher_cache.clear_cache()
    # The self-referral refuses forms sent within seconds of being shown (a spam defence).
    monkeypatch.setattr(
        referral_views,
        "SELF_REFERRAL_TOKEN",
        dataclasses.replace(referral_views.SELF_REFERRAL_TOKEN, min_seconds=0),
    )


def serious_axe_violations_after_post(page: Any) -> list[dict[str, Any]]:
    """Like conftest.serious_axe_violations, for a page that answered a POST: reloading it would
    send the form again, so axe must already be in the page (that helper's init script, added
    earlier on this page object, runs in every later document)."""
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa', 'wcag22aa', 'best-practice']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def search_tuesday_mornings_near(page: Any, postcode: str) -> None:
    page.goto("/find/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find local groups and support")
    page.get_by_label("What are you looking for?").fill("walk")
    page.get_by_label("Your postcode").fill(postcode)
    page.get_by_label("Within").select_option(label="3 km (about 2 miles)")
    page.get_by_label("Day", exact=True).select_option(label="Tuesday")
    page.get_by_label("Time of day").select_option(label="Morning (before 12pm)")
    page.get_by_label("Free", exact=True).check()
    page.get_by_role("button", name="Search").click()


def test_a_person_finds_a_free_tuesday_morning_group_nearby_and_asks_for_help(
    page: Any, demo: None
) -> None:
    search_tuesday_mornings_near(page, "SY11 1AA")
    expect(page.locator("#results-heading")).to_contain_text(re.compile(r"match(es)? your search"))
    result = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=GROUP))
    expect(result).to_contain_text("Tuesday")
    expect(result).to_contain_text("Free")
    expect(result).to_contain_text(re.compile(r"0\.\d km"))
    # Towns 15 to 20 miles away are beyond 3 km (service names carry their town).
    far = re.compile("Whitchurch|Market Drayton|Wem|Shrewsbury")
    assert page.get_by_role("link", name=far).count() == 0

    page.get_by_role("link", name=GROUP).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(page.get_by_text(re.compile(r"Tuesday.*10:00"))).to_be_visible()
    expect(page.get_by_text("Who to contact")).to_be_visible()
    expect(page.get_by_text(re.compile("last checked or updated on"))).to_be_visible()
    # Never anything private, even on a service that has staff notes.
    service = Service.objects.get(name=GROUP)
    Service.objects.filter(pk=service.pk).update(staff_notes="Leader is away in March")
    page.reload()
    expect(page.get_by_text("Leader is away in March")).to_have_count(0)

    page.get_by_role("link", name="Ask for help from a link worker").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for help from a link worker")
    page.get_by_label("Your first name").fill("Olwen")
    page.get_by_label("Your last name").fill("Prydderch")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("1951")
    page.get_by_label("Your postcode").fill("SY11 1AA")
    page.get_by_label("Your phone number").fill("07700 900456")
    page.get_by_label("Feeling lonely or cut off from people").check()
    page.get_by_label("Tell us a bit more (optional)").fill(
        f"I found {GROUP} and would like company."
    )
    page.get_by_label("I agree to a link worker contacting me").check()
    page.get_by_label("I agree to my information being shared").check()
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we have your request")
    referral = Referral.objects.get(person__family_name="Prydderch")
    assert referral.source == ReferralSource.SELF
    expect(page.get_by_text(referral.reference).first).to_be_visible()


def test_the_public_search_and_service_page_have_no_serious_accessibility_problems(
    page: Any, demo: None
) -> None:
    search_tuesday_mornings_near(page, "SY11 1AA")
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)

    page.goto("/find/?postcode=SY99+ZZZ&time=morning")  # the error summary too
    expect(page.get_by_role("alert")).to_contain_text("postcode")
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)

    service = Service.objects.get(name=GROUP)
    page.goto(f"/find/services/{service.uuid}/")
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)


def test_the_public_pages_work_on_a_phone(new_page: Any, demo: None) -> None:
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    search_tuesday_mornings_near(page, "SY11 1AA")
    link = page.get_by_role("link", name=GROUP)
    expect(link).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling to read a result.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    link.click()
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_what_could_help_me_suggests_groups_without_keeping_the_answers(
    page: Any, demo: None
) -> None:
    page.goto("/find/")
    page.get_by_role("link", name="What could help me?").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What could help me?")
    expect(page.get_by_text("we do not keep them")).to_be_visible()
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("button", name="Show suggestions").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Tell us something you enjoy")
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_label("What do you enjoy, or would like to try?").fill("walking, chatting")
    page.get_by_label("What matters to you at the moment?").fill("I feel lonely since I retired")
    page.get_by_label("Your postcode (optional)").fill("SY11 1AA")
    page.get_by_label("I walk").check()
    page.get_by_label("Tuesday").check()
    page.get_by_label("Mornings").check()
    page.get_by_label("Only show things that are free").check()
    page.get_by_role("button", name="Show suggestions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Suggestions for you")
    assert urlsplit(page.url).path == "/find/help/" and not urlsplit(page.url).query  # no answers
    expect(page.get_by_role("link", name=GROUP)).to_be_visible()
    expect(page.get_by_text("Why we suggest it").first).to_be_visible()
    violations = serious_axe_violations_after_post(page)
    assert not violations, describe(violations)
    page.get_by_role("link", name="Ask for help from a link worker").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for help from a link worker")


def test_a_lonely_person_finds_befriending_and_social_groups(page: Any, demo: None) -> None:
    """The public search understands what matching understands: no service in the demo says
    "lonely", yet befriending and social groups are what a lonely person is looking for."""
    page.goto("/find/?q=lonely")
    expect(page.locator("#results-heading")).to_contain_text(re.compile(r"match(es)? your search"))
    results = page.locator("#results-heading ~ *").all_inner_texts()
    text = " ".join(results).lower()
    assert "befriend" in text, text[:2000]
    assert "social" in text or "lunch club" in text or "coffee morning" in text, text[:2000]
