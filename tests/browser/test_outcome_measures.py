"""Outcome measures in the browser: a link worker records a PHQ-9 and is prompted at once on a
positive item 9; the person completes a measure on a phone through a self-completion link.
Both forms are checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.casework.tests.factories import referred_case
from linkwell.outcomes.models import MeasureAdministration
from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_positive_item_9_prompts_the_link_worker_at_once(page: Any, personas: Personas) -> None:
    case = referred_case(personas)
    sign_in(page, personas.link_worker.email, PASSWORD)
    page.goto(f"/outcomes/cases/{case.uuid}/")
    page.get_by_role("link", name="Patient Health Questionnaire (PHQ-9)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Patient Health Questionnaire (PHQ-9)"
    )
    violations = serious_axe_violations(page)
    assert violations == [], describe(violations)
    for n in range(1, 9):
        page.get_by_role("group", name=f"{n}. ").get_by_label("Not at all").check()
    page.get_by_role("group", name="9. Thoughts that you would be better off dead").get_by_label(
        "Several days"
    ).check()
    page.get_by_role("button", name="Save PHQ-9").click()
    expect(page.get_by_role("alert")).to_contain_text("call 999")
    expect(page.get_by_role("link", name="Escalate to the safeguarding lead")).to_be_visible()
    page.get_by_role("link", name="Go to the case").click()
    expect(page.get_by_text("Open safeguarding concern")).to_be_visible()


def test_the_person_completes_a_measure_on_a_phone(
    new_page: Any, browser: Any, live_server: Any, personas: Personas
) -> None:
    case = referred_case(personas)
    worker = new_page()
    sign_in(worker, personas.link_worker.email, PASSWORD)
    worker.goto(f"/outcomes/cases/{case.uuid}/")
    worker.get_by_label("Measure").select_option("ucla3")
    worker.get_by_label("When in the person's journey").select_option("week_4")
    worker.get_by_role("button", name="Make a link").click()
    url = worker.locator("code").inner_text()
    assert "/outcomes/m/" in url

    phone_context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    try:
        phone = phone_context.new_page()
        phone.goto(url)
        expect(phone.get_by_role("heading", level=1)).to_contain_text("UCLA")
        violations = serious_axe_violations(phone)
        assert violations == [], describe(violations)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, "the form must not scroll sideways on a phone"
        phone.get_by_role("group", name="1. How often do you feel that you lack").get_by_label(
            "Often"
        ).check()
        phone.get_by_role("group", name="2. How often do you feel left out?").get_by_label(
            "Some of the time"
        ).check()
        phone.get_by_role("group", name="3. How often do you feel isolated").get_by_label(
            "Hardly ever or never"
        ).check()
        phone.get_by_role("button", name="Send my answers").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
        phone.goto(url)
        expect(phone.get_by_text("already been completed")).to_be_visible()
    finally:
        phone_context.close()
    row = MeasureAdministration.objects.get()
    assert (row.score, row.completed_by) == (6, "self")
