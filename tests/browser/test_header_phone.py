"""The shared header on a phone (375px wide): nothing scrolls sideways, every menu item can be
reached (on the bar or through NHS.UK frontend's "More" menu) and axe-core finds nothing serious,
for staff with long menus and for visitors who are not signed in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _local_only, describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 375
LINK_WORKER_MENU = [
    "Home",
    "Directory",
    "Triage",
    "Caseload",
    "Courses",
    "Community listings to check",
    "Practices",
]
TEAM_MANAGER_MENU = [
    "Home",
    "Directory",
    "Triage",
    "Team",
    "Gaps",
    "Courses",
    "Economics",
    "Evidence",
    "Community listings to check",
    "Co-production",
    "Grants",
    "Practices",
    "Audit",
]
VISITOR_MENU = ["Find groups", "What could help me?"]


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page in its own phone-sized browser context."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDTH, "height": 667},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    context.route("**/*", _local_only)
    yield context.new_page()
    context.close()


def menu(page: Any) -> Any:
    return page.get_by_role("navigation", name="Menu")


def assert_no_sideways_scrolling(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width}px wide on a {WIDTH}px phone"


def assert_every_item_reachable(page: Any, labels: list[str]) -> None:
    """Each item is on the bar, or in the "More" menu once that is opened; none is both."""
    nav = menu(page)
    on_bar = [
        label for label in labels if nav.get_by_role("link", name=label, exact=True).is_visible()
    ]
    rest = [label for label in labels if label not in on_bar]
    more = nav.get_by_role("button", name="Browse More")
    if not rest:
        expect(more).to_be_hidden()
        return
    assert len(on_bar) >= 1, "at least the first menu item stays on the bar"
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    for label in rest:
        # A long "More" list runs below a phone's fold; the person scrolls down to it.
        link = nav.get_by_role("link", name=label, exact=True)
        link.scroll_into_view_if_needed()
        expect(link).to_be_in_viewport()
    assert_no_sideways_scrolling(page)
    page.keyboard.press("Escape")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name=rest[-1], exact=True)).to_be_hidden()


def assert_no_serious_problems(page: Any, path: str) -> None:
    page.goto(path)
    assert_no_sideways_scrolling(page)
    violations = serious_axe_violations(page)
    assert violations == [], f"{path}: {describe(violations)}"


def test_a_link_worker_reaches_every_menu_item_on_a_phone(phone: Any, personas: Personas) -> None:
    sign_in(phone, personas.link_worker.email, PASSWORD)
    phone.goto("/")
    assert_no_sideways_scrolling(phone)
    assert_every_item_reachable(phone, LINK_WORKER_MENU)
    for path in ("/", "/caseload/", "/directory/?q=walking"):
        assert_no_serious_problems(phone, path)


def test_a_team_manager_finds_the_overflow_in_the_more_menu(phone: Any, personas: Personas) -> None:
    sign_in(phone, personas.team_manager.email, PASSWORD)
    phone.goto("/")
    assert_no_sideways_scrolling(phone)
    # Nine items cannot all fit on a phone: some must be in the "More" menu.
    expect(menu(phone).get_by_role("button", name="Browse More")).to_be_visible()
    assert_every_item_reachable(phone, TEAM_MANAGER_MENU)
    # From the "More" menu to a page.
    menu(phone).get_by_role("button", name="Browse More").click()
    menu(phone).get_by_role("link", name="Audit", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Audit")
    for path in ("/", "/team/", "/directory/?q=walking"):
        assert_no_serious_problems(phone, path)


def test_administrators_and_commissioners_reach_their_menus(phone: Any, personas: Personas) -> None:
    sign_in(phone, personas.commissioner.email, PASSWORD)
    phone.goto("/")
    assert_no_sideways_scrolling(phone)
    assert_every_item_reachable(phone, ["Home", "Directory", "Economics", "Evidence"])
    phone.get_by_role("button", name="Sign out").click()
    sign_in(phone, personas.admin.email, PASSWORD)
    phone.goto("/")
    assert_no_sideways_scrolling(phone)
    assert_every_item_reachable(
        phone,
        ["Home", "Directory", "Economics", "Evidence", "Community listings to check", "Audit"],
    )
    assert_no_serious_problems(phone, "/")


def test_a_visitor_sees_the_public_menu_on_a_phone(phone: Any) -> None:
    phone.goto("/")
    assert_no_sideways_scrolling(phone)
    assert_every_item_reachable(phone, VISITOR_MENU)
    for path in ("/", "/find/", "/find/?q=walking"):
        assert_no_serious_problems(phone, path)
