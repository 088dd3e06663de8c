from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_worker_signs_in_and_sees_their_organisation(page: Any, personas: Personas) -> None:
    sign_in(page, personas.link_worker.email, PASSWORD)
    assert "Shropshire Social Prescribing" in page.content()


def test_a_wrong_password_shows_an_error_summary_and_keeps_them_out(
    page: Any, personas: Personas
) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(personas.link_worker.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert "/accounts/login/" in page.url


def test_the_sign_in_page_has_no_serious_accessibility_problems(
    page: Any, live_server: Any
) -> None:
    page.goto("/accounts/login/")
    violations = serious_axe_violations(page)
    assert not violations, describe(violations)
