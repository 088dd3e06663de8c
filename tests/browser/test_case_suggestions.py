"""A link worker opens the suggestions from the plan screen, refers with one click, and confirms
a referral to a full service; axe-core finds no serious problems on the page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.connections.models import Connection
from linkwell.matching.models import DecisionAction, MatchDecision
from linkwell.matching.tests.factories import directory, reviewed_case
from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_worker_refers_from_the_suggestions_on_the_plan_screen(
    page: Any, personas: Personas
) -> None:
    case = reviewed_case(personas)
    services = directory(personas)
    sign_in(page, personas.link_worker.email, PASSWORD)
    page.goto(f"/cases/{case.uuid}/plan/")
    page.get_by_role("link", name="Suggested services, with reasons").click()
    first = page.locator("#suggestion-1")
    expect(first).to_contain_text("Community garden club")
    expect(first).to_contain_text("matches 'Gardening'")
    first.get_by_role("button", name="Refer to Community garden club").click()
    expect(page.get_by_role("status").first).to_contain_text("Referral sent to Community garden")
    # The full choir: refused without the tick, sent with it.
    choir = page.locator("li", has_text="Singing for lung health").first
    choir.get_by_role("button", name="Join waiting list / refer anyway").click()
    expect(page.get_by_role("status").first).to_contain_text("no places at the moment")
    choir = page.locator("li", has_text="Singing for lung health").first
    choir.get_by_label("Singing for lung health is full.").check()
    choir.get_by_role("button", name="Join waiting list / refer anyway").click()
    expect(page.get_by_role("status").first).to_contain_text("Referral sent to Singing")
    assert {c.service_id for c in Connection.objects.filter(case=case)} == {
        services["garden"].pk,
        services["choir"].pk,
    }
    assert MatchDecision.objects.filter(action=DecisionAction.REFERRED).count() == 2


def test_the_suggestions_page_has_no_serious_accessibility_problems(
    page: Any, personas: Personas
) -> None:
    case = reviewed_case(personas)
    directory(personas)
    sign_in(page, personas.link_worker.email, PASSWORD)
    page.goto(f"/matching/cases/{case.uuid}/suggestions/")
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)
    # And on a phone, where the header's menu folds into "More".
    page.set_viewport_size({"width": 375, "height": 667})
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
