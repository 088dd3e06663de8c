"""A link worker corrects a person's record after the referral: the change shows on the
person's page and in the team's audit trail, and a stale second tab cannot overwrite it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.casework.models import Case
from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from linkwell.people.models import Person
from tests.browser.conftest import describe, serious_axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK_WORKER = "linkworker@demo.example.org"
MANAGER = "manager@demo.example.org"


def test_a_link_worker_corrects_a_record_and_a_stale_tab_is_refused(new_page: Any) -> None:
    demo_load(seed=42)
    worker = User.objects.get(email=LINK_WORKER)
    case = Case.objects.filter(assigned_to=worker).select_related("person").order_by("pk").first()
    assert case is not None
    person = case.person
    assert person.registered_practice_id is not None
    practice = (
        Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
        .exclude(pk=person.registered_practice_id)
        .order_by("name")
        .first()
    )
    assert practice is not None
    edit = f"/people/{person.uuid}/edit/"
    sex, label = ("male", "Male") if person.sex == "female" else ("female", "Female")

    first = new_page()
    sign_in(first, LINK_WORKER, DEMO_PASSWORD)
    first.goto(f"/people/{person.uuid}/")
    first.get_by_role("link", name="Change their details").click()
    expect(first.get_by_role("heading", name="Change their details")).to_be_visible()
    assert serious_axe_violations(first) == [], describe(serious_axe_violations(first))

    # The same form, opened in a second tab before the first is saved.
    second = first.context.new_page()
    second.goto(edit)

    first.get_by_label("Postcode").fill("SY11 2SP")
    first.get_by_label(label, exact=True).check()
    first.get_by_label("Ethnicity").select_option(label="White - Irish")
    first.get_by_label("Registered GP practice").select_option(value=str(practice.pk))
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_text("details are saved")).to_be_visible()
    expect(first.get_by_text("SY11 2SP")).to_be_visible()
    expect(first.get_by_text("White - Irish")).to_be_visible()
    expect(first.get_by_text(practice.name)).to_be_visible()

    second.get_by_label("Phone number").fill("07700 900999")
    second.get_by_role("button", name="Save changes").click()
    expect(second.get_by_text("was changed by someone else after you opened it")).to_be_visible()
    person.refresh_from_db()
    assert person.postcode == "SY11 2SP" and person.phone != "07700 900999"
    assert person.sex == sex

    manager = new_page()
    sign_in(manager, MANAGER, DEMO_PASSWORD)
    manager.goto("/audit/")
    row = manager.get_by_test_id("audit-row").filter(has_text="people.person_updated").first
    expect(row).to_contain_text("SY11 2SP")
    expect(row).to_contain_text(f"→ {sex}")
    expect(row).to_contain_text(LINK_WORKER)
    assert Person.objects.get(pk=person.pk).registered_practice == practice
