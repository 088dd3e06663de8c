"""A link worker narrows the demo caseload (173 open cases) to the people they need: a search by
name, a filter, another sort, the next page, and back to the whole list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.accounts.models import User
from linkwell.casework.models import Case, CaseStatus
from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from tests.browser.conftest import describe, serious_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK_WORKER = "linkworker@demo.example.org"


def test_a_link_worker_searches_filters_sorts_and_pages_through_the_caseload(
    page: Any,
) -> None:
    demo_load(seed=42)
    worker = User.objects.get(email=LINK_WORKER)
    open_cases = (
        Case.objects.filter(assigned_to=worker)
        .exclude(status=CaseStatus.DORMANT)
        .select_related("person")
    )
    total = open_cases.count()
    assert total > 50
    first = open_cases.order_by("pk").first()
    assert first is not None
    person = first.person
    same_family = open_cases.filter(person__family_name=person.family_name).count()

    sign_in(page, LINK_WORKER, DEMO_PASSWORD)
    page.goto("/caseload/")
    count = page.get_by_test_id("caseload-count")
    expect(count).to_have_text(f"Showing 1\N{EN DASH}25 of {total} cases")
    expect(page.locator("table tbody tr")).to_have_count(25)
    assert serious_axe_violations(page) == [], describe(serious_axe_violations(page))

    # Part of the family name, in capitals.
    page.get_by_label("Name or NHS number").fill(person.family_name[:5].upper())
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("link", name=person.display_name).first).to_be_visible()
    assert page.locator("table tbody tr").count() >= same_family

    # Another filter on top, then nothing matches: the page says what to remove.
    page.get_by_label("Flag").select_option(label="Interpreter needed")
    page.get_by_label("Name or NHS number").fill("nobody-is-called-this")
    page.get_by_role("button", name="Apply").click()
    empty = page.get_by_test_id("caseload-empty")
    expect(empty).to_contain_text("No open cases match your search and filters together")
    empty.get_by_role("link", name=re.compile("the search")).click()
    expect(page.get_by_label("Flag")).to_have_value("interpreter")
    expect(page.get_by_label("Name or NHS number")).to_have_value("")
    expect(count).to_contain_text("filtered from")

    # Clear, sort by name, and go to page 2: the sort stays in the page links.
    page.get_by_test_id("clear-filters").click()
    page.get_by_label("Sort by").select_option(label="Name (A to Z)")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="Next page").click()
    expect(count).to_have_text(f"Showing 26\N{EN DASH}50 of {total} cases")
    expect(page.get_by_label("Sort by")).to_have_value("name")
    assert "sort=name" in page.url and "page=2" in page.url
    names = page.locator("table tbody tr td:first-child a").all_inner_texts()
    families = [name.split()[-1].lower() for name in names]
    assert families == sorted(families)
