"""Invite lists in headless Chromium: upload, ask the practice, confirm; axe on every page.

Lives in tests/browser so it shares that directory's one session-wide browser: a second
session fixture imported into another module would start a second Playwright while the first
still runs, and every later browser test would fail to start."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.population.models import InviteEntry, InviteStatus
from linkwell.population.tests.factories import (
    TEST_KEY,
    csv_file,
    csv_row,
    nhs_numbers,
    pid,
)
from linkwell.referrals.models import Referral, ReferralSource
from linkwell.referrals.tests.factories import needs
from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cohort_becomes_a_referral_in_triage(
    new_page: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.PSEUDONYM_KEY = TEST_KEY
    personas = build_personas()
    needs()
    chosen, other = nhs_numbers(2)
    cohort = tmp_path / "care-needs.csv"
    cohort.write_bytes(csv_file(csv_row(1, pid(chosen)), csv_row(2, pid(other))))

    lw = new_page()
    sign_in(lw, personas.link_worker.email, PASSWORD)
    lw.goto("/triage/")
    lw.get_by_role("link", name="Invite lists from proactive case finding").click()
    lw.get_by_role("link", name="Upload a cohort file").click()
    assert serious_axe_violations(lw) == [], describe(serious_axe_violations(lw))
    lw.get_by_label("Cohort file").set_input_files(str(cohort))
    lw.get_by_role("button", name="Upload").click()
    expect(lw.get_by_role("heading", level=1)).to_contain_text("potential-care-needs")
    assert serious_axe_violations(lw) == [], describe(serious_axe_violations(lw))
    lw.get_by_label("Choose rank 1").check()
    lw.get_by_role("button", name="Ask the practice to confirm").click()
    expect(lw.get_by_text("Asked the practice to confirm 1 person.")).to_be_visible()
    entry = InviteEntry.objects.get(rank=1)
    assert entry.status == InviteStatus.REQUESTED

    gp = new_page()
    sign_in(gp, personas.referrer.email, PASSWORD)
    gp.goto("/refer/sent/")
    gp.get_by_role("link", name="Invites from link-worker teams to confirm").click()
    assert serious_axe_violations(gp) == [], describe(serious_axe_violations(gp))
    gp.get_by_role("link", name="(rank 1)").click()
    expect(gp.get_by_text("outside Linkwell")).to_be_visible()
    assert serious_axe_violations(gp) == [], describe(serious_axe_violations(gp))
    gp.get_by_label("NHS number").fill(other)  # the wrong patient
    gp.get_by_label("First name").fill("Edith")
    gp.get_by_label("Last name").fill("Morgan")
    gp.get_by_role("textbox", name="Day").fill("2")
    gp.get_by_role("textbox", name="Month").fill("5")
    gp.get_by_role("textbox", name="Year").fill("1940")
    gp.get_by_label("Postcode").fill("SY11 2SP")
    gp.get_by_label("The person agrees to be contacted by a link worker").check()
    gp.get_by_role("button", name="Confirm and refer").click()
    expect(gp.locator(".nhsuk-error-summary")).to_contain_text("not the one behind this invite")
    assert serious_axe_violations(gp) == [], describe(serious_axe_violations(gp))
    gp.get_by_label("NHS number").fill(chosen)
    gp.get_by_label("The person agrees to be contacted by a link worker").check()
    gp.get_by_role("button", name="Confirm and refer").click()
    expect(gp.get_by_text("Identity confirmed.")).to_be_visible()

    referral = Referral.objects.get()
    assert referral.source == ReferralSource.PROACTIVE
    lw.goto("/triage/")
    expect(lw.get_by_role("link", name="Edith Morgan")).to_be_visible()
