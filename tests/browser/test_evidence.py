"""A commissioner reads the evidence pages in the browser: filters, the funnel plot image under
the CSP, the error summary, and axe on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.connections.models import ConnectionStatus
from linkwell.directory.tests.factories import make_organization, make_service
from linkwell.evidence.tests.factories import at, connect, journey, measure
from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date(2025, 5, 1)


def _data(personas: Personas) -> None:
    shed = make_service("Shed", organization=make_organization("Men's Shed Trust"))
    for i in range(10):
        j = journey(service=personas.link_worker_service, received=D, practice=personas.practice)
        measure(j.case, "phq9", "baseline", D, 16)
        measure(j.case, "phq9", "week_4", D + dt.timedelta(days=30), 9 + i % 3)
        connect(
            j,
            shed,
            status=ConnectionStatus.ACCEPTED,
            sent=at(D),
            answered_after=dt.timedelta(hours=5),
        )


def test_a_commissioner_reads_outcomes_and_the_funnel_plot(page: Any, personas: Personas) -> None:
    _data(personas)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, personas.commissioner.email, PASSWORD)
    page.get_by_role("link", name="Evidence").first.click()
    page.get_by_role("link", name="Outcomes before and after").click()
    page.get_by_label("Measure").select_option("phq9")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_test_id("outcome-rows")).to_contain_text("All")
    expect(page.get_by_test_id("outcome-rows")).to_contain_text("10")
    page.goto("/evidence/providers/")
    image = page.get_by_role("img", name="Funnel plot of acceptance rate")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") > 0
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_evidence_pages_have_no_serious_accessibility_problems(
    page: Any, personas: Personas
) -> None:
    _data(personas)
    sign_in(page, personas.commissioner.email, PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    for url in [
        "/evidence/",
        "/evidence/outcomes/?instrument=phq9&by=sex",
        "/evidence/service-use/?months_before=0",
        "/evidence/equity/?by=age_band",
        "/evidence/providers/",
        "/evidence/unit-costs/",
        "/evidence/unit-costs/gp_appointment/",
    ]:
        page.goto(url)
        violations = serious_axe_violations(page)
        assert not violations, f"{url}: {describe(violations)}"
