"""End to end through the real pages, on the demo data (`linkwell demo`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from linkwell.directory.models import Service
from tests.browser.conftest import describe, serious_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK_WORKER = "linkworker@demo.example.org"
PROVIDER = "provider@demo.example.org"
ADMIN = "admin@demo.example.org"


@pytest.fixture
def demo() -> None:
    demo_load(seed=42)


def test_a_link_worker_finds_a_mens_shed_near_a_postcode(page: Any, demo: None) -> None:
    sign_in(page, LINK_WORKER, DEMO_PASSWORD)
    page.goto("/directory/")
    page.get_by_label("Category").select_option(label="Men's sheds")
    page.get_by_label("Near postcode").fill("SY11 1AA")
    page.get_by_label("Within").select_option(label="5 miles")
    page.get_by_role("button", name="Search").click()

    expect(page.locator("#results-heading")).to_contain_text(re.compile(r"match(es)? your search"))
    shed = page.get_by_role("link", name="Oswestry Men's Shed open sessions")
    expect(shed).to_be_visible()
    # Towns 15 to 20 miles away are not in a 5-mile search (service names carry their town).
    far = re.compile("Whitchurch|Market Drayton|Wem|Shrewsbury")
    assert page.get_by_role("link", name=far).count() == 0

    shed.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oswestry Men's Shed open sessions")


def test_a_bad_postcode_is_explained_on_the_search_page(page: Any, demo: None) -> None:
    sign_in(page, LINK_WORKER, DEMO_PASSWORD)
    page.goto("/directory/")
    page.get_by_label("Near postcode").fill("SY99 ZZZ")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("postcode")


def test_provider_staff_edit_a_listing_and_the_audit_trail_shows_it(
    new_page: Any, demo: None
) -> None:
    service = Service.objects.get(name="Oswestry Men's Shed open sessions")
    provider = new_page()
    sign_in(provider, PROVIDER, DEMO_PASSWORD)
    provider.goto(f"/directory/services/{service.uuid}/")
    provider.get_by_role("link", name="Edit listing").click()
    provider.get_by_label("Service name").fill("Oswestry Men's Shed drop-in")
    provider.get_by_role("button", name="Save changes").click()
    expect(provider.get_by_role("heading", level=1)).to_contain_text("Oswestry Men's Shed drop-in")
    service.refresh_from_db()
    assert service.name == "Oswestry Men's Shed drop-in"

    admin = new_page()
    sign_in(admin, ADMIN, DEMO_PASSWORD)
    admin.goto("/audit/")
    row = admin.get_by_role("row").filter(has_text="Oswestry Men's Shed drop-in").first
    expect(row).to_contain_text(PROVIDER)
    expect(row).to_contain_text("Oswestry Men's Shed open sessions")  # the old name


def test_the_search_page_has_no_serious_accessibility_problems(page: Any, demo: None) -> None:
    sign_in(page, LINK_WORKER, DEMO_PASSWORD)
    page.goto("/directory/?q=walking&postcode=SY11+1AA&distance=10")
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)
