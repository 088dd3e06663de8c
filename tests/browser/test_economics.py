"""A commissioner uses an economic model in the browser: defaults, a change, an error, axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_commissioner_adjusts_the_falls_model_and_corrects_a_mistake(
    page: Any, personas: Personas
) -> None:
    sign_in(page, personas.commissioner.email, PASSWORD)
    page.get_by_role("link", name="Economics").first.click()
    page.get_by_role("link", name="Falls prevention").click()
    outputs = page.get_by_test_id("economics-outputs")
    expect(outputs).to_contain_text("£438,500")
    page.get_by_label("Reduction in admissions achieved").fill("twenty")
    page.get_by_role("button", name="Work it out").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("'twenty' is not a number")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Reduction in admissions achieved")).to_be_focused()
    page.get_by_label("Reduction in admissions achieved").fill("20")
    page.get_by_role("button", name="Work it out").click()
    # 1,254 x 20% = 250.8, rounded to 251 admissions, x £3,508.
    expect(page.get_by_test_id("economics-outputs")).to_contain_text("£880,508")
    expect(page.get_by_test_id("economics-caveats")).to_contain_text("count the same saving twice")


def test_the_model_page_has_no_serious_accessibility_problems(
    page: Any, personas: Personas
) -> None:
    sign_in(page, personas.commissioner.email, PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/economics/structured-education/?people_per_month=")
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)
