"""A co-production self-assessment through the real pages, on the demo accounts: the link-worker
team's manager fills one in with the team, saving a draft part-way and completing it; months
later starts the next from a copy of those answers, changes some and completes it; then sees the
change over time on the progress page (chart, and a table with both dates and the difference)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwell.coproduction.forms import answer_field_name
from linkwell.coproduction.models import Assessment, AssessmentStatus
from linkwell.coproduction.questions import CURRENT_VERSION, question_set
from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from tests.browser.conftest import describe, serious_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

MANAGER = "manager@demo.example.org"
TEAM = "Oswestry Community Wellbeing Service"


@pytest.fixture
def demo() -> None:
    demo_load(seed=42)


def _score_all(page: Any, value: int, *, prefix: str = "") -> None:
    for s in question_set(CURRENT_VERSION).statements:
        if s.key.startswith(prefix):
            page.locator(f'input[name="{answer_field_name(s.key)}"][value="{value}"]').check()


def test_a_team_assesses_itself_twice_and_sees_the_change(new_page: Any, demo: None) -> None:
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=180)
    page = new_page()
    # The first page of a session can be slow on a busy machine (the live server warming up).
    page.goto("/accounts/login/", timeout=60_000)
    sign_in(page, MANAGER, DEMO_PASSWORD)
    page.get_by_role("link", name="Co-production").first.click()
    expect(page.get_by_role("heading", name=TEAM)).to_be_visible()

    # The first self-assessment: started, saved as a draft part-way, then completed.
    page.get_by_label("Date the team met").fill(first_day.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Co-production self-assessment")).to_be_visible()
    page.get_by_label("How many staff took part").fill("4")
    page.get_by_label("How many people who use the service took part").fill("6")
    _score_all(page, 1, prefix="assets.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    # Completing with statements unanswered is refused, naming them.
    page.get_by_role("button", name="Save and complete").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("20 not answered yet")
    _score_all(page, 1)
    page.get_by_label("Evidence for networks").fill("Introductions are mostly to services.")
    page.get_by_role("button", name="Save and complete").click()
    expect(page.get_by_text("Self-assessment completed.")).to_be_visible()
    first = Assessment.objects.get(held_on=first_day)
    assert first.status == AssessmentStatus.COMPLETED
    assert first.scores["networks"] == 1.0

    # The second, months later, starts from the first one's answers; networks have grown.
    page.get_by_role("link", name=f"Back to {TEAM}").click()
    page.get_by_label("Date the team met").fill(today.strftime("%d/%m/%Y"))
    page.get_by_label("Start from the answers and evidence of the last completed").check()
    page.get_by_role("button", name="Start").click()
    networks_first = answer_field_name("networks.peer")
    expect(page.locator(f'input[name="{networks_first}"][value="1"]')).to_be_checked()
    expect(page.get_by_label("Evidence for networks")).to_have_value(
        "Introductions are mostly to services."
    )
    page.get_by_label("How many staff took part").fill("3")
    page.get_by_label("How many people who use the service took part").fill("5")
    _score_all(page, 3, prefix="networks.")
    page.get_by_role("button", name="Save and complete").click()
    expect(page.get_by_text("Self-assessment completed.")).to_be_visible()
    assert Assessment.objects.filter(status=AssessmentStatus.COMPLETED).count() == 2

    # Progress: both dates, and the difference, in the table beside the chart.
    page.get_by_role("link", name=f"Back to {TEAM}").click()
    page.get_by_role("link", name="See progress over time").click()
    table = page.get_by_test_id("progress-table")
    expect(table).to_contain_text(first_day.strftime("%-d %b %Y"))
    expect(table).to_contain_text(today.strftime("%-d %b %Y"))
    networks = table.get_by_role("row").filter(has_text="Networks")
    expect(networks).to_contain_text("1.0 (25)")
    expect(networks).to_contain_text("3.0 (75)")
    expect(networks.get_by_test_id("change")).to_have_text("+2.0")
    expect(
        table.get_by_role("row").filter(has_text="Assets").get_by_test_id("change")
    ).to_have_text("0.0")
    chart = page.get_by_role("img", name="Line chart of each principle's score")
    expect(chart).to_be_visible()
    assert page.evaluate("document.querySelector('img.app-report-chart').naturalWidth") > 0
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)
