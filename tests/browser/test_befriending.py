"""Befriending through the real pages, on the demo data: a link worker refers a person for
befriending from the case; the coordinator sees ranked volunteers with reasons and introduces
one; the volunteer, on a phone-sized window, accepts, logs a visit and raises a concern; the
safeguarding lead sees the concern; the coordinator records the review, and the link worker sees
it on the case."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwell.accounts.models import User
from linkwell.casework.models import Case, CaseStatus
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.loader import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, demo_load
from linkwell.volunteering.models import Activity, Match, MatchStatus, SupportRequest
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK_WORKER = "linkworker@demo.example.org"
MANAGER = "manager@demo.example.org"  # the link-worker team's manager: its safeguarding lead
COORDINATOR = "coordinator@demo.example.org"  # Oswestry Compassionate Communities
SERVICE = "Oswestry Compassionate Communities"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo() -> None:
    demo_load(seed=42)
    volunteering_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN)


def _a_case_with_no_volunteer_support() -> Case:
    case = (
        Case.objects.filter(
            assigned_to__email=LINK_WORKER,
            status__in=[CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP],
            support_requests__isnull=True,
        )
        .select_related("person")
        .order_by("opened_at")
        .first()
    )
    assert case is not None, "the demo has an open case of the link worker's to refer"
    return case


def test_a_person_is_befriended_from_the_plan_to_the_review(new_page: Any, demo: None) -> None:
    case = _a_case_with_no_volunteer_support()
    person = case.person

    # The link worker refers the person for befriending from the case.
    worker = new_page()
    sign_in(worker, LINK_WORKER, DEMO_PASSWORD)
    worker.goto(f"/cases/{case.uuid}/")
    expect(worker.get_by_role("heading", name="Volunteer support")).to_be_visible()
    worker.get_by_role("link", name="Refer for befriending or a connector").click()
    worker.get_by_label("Volunteer service").select_option(label=SERVICE)
    worker.get_by_label("What kind of support").select_option(value="befriender")
    worker.get_by_label("How they would like to be in touch").select_option(value="meet_out")
    worker.get_by_label("What they enjoy").fill("Gardening, a cup of tea and a chat about birds.")
    worker.get_by_role("button", name="Refer").click()
    expect(worker.get_by_text(f"Befriending with {SERVICE}")).to_be_visible()
    request = SupportRequest.objects.get(case=case)
    assert request.source == "plan" and request.status == "waiting"

    # The coordinator sees the request, ranked volunteers with reasons, and introduces the first.
    coordinator = new_page()
    sign_in(coordinator, COORDINATOR, DEMO_PASSWORD)
    coordinator.goto("/volunteering/requests/")
    coordinator.get_by_role("link", name=person.display_name).first.click()
    expect(coordinator.get_by_role("heading", name="Suggested volunteers")).to_be_visible()
    first = coordinator.locator(".nhsuk-card").filter(has_text="1. ").first
    expect(first.locator("li").first).to_be_visible()  # at least one reason, in words
    button = first.get_by_role("button", name="Introduce")
    name = button.inner_text().removeprefix("Introduce ").split(" to ")[0].strip()
    button.click()
    match = Match.objects.get(request=request)
    assert match.status == MatchStatus.INTRODUCED and match.member.given_name == name
    assert match.reasons, "the reasons shown are kept with the decision"

    # The volunteer signs in (a sign-in for this member) on a phone and accepts.
    volunteer_email = f"{name.lower()}.volunteer@demo.example.org"
    user = User.objects.create_user(
        email=volunteer_email, password=DEMO_PASSWORD, full_name=str(match.member)
    )
    match.member.user = user
    match.member.save(update_fields=["user"])
    phone = new_page()
    phone.set_viewport_size(PHONE)
    sign_in(phone, volunteer_email, DEMO_PASSWORD)
    expect(phone).to_have_url("/volunteering/me/", timeout=10_000)
    phone.get_by_role("link", name="Accept or decline").first.click()
    phone.get_by_role("button", name="Yes, accept").click()
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE

    # Logs a visit and raises a concern.
    phone.goto(f"/volunteering/me/matches/{match.uuid}/")
    phone.get_by_label("Met out").check()
    # The date is today unless changed.
    expect(phone.get_by_label("Date", exact=True)).to_have_value(str(timezone.localdate()))
    phone.get_by_label("How long, in minutes").fill("90")
    phone.get_by_label("How did it go? (optional)").fill("Walked to the park and fed the ducks.")
    phone.get_by_label("Did anything worry you?").fill(
        "The house was very cold and there was little food in the fridge."
    )
    phone.get_by_role("button", name="Log it").click()
    expect(phone.get_by_text("minutes logged.")).to_be_visible()
    activity = Activity.objects.get(match=match)
    assert activity.minutes == 90 and activity.safeguarding_concern is not None
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The safeguarding lead sees the concern in the safeguarding list.
    lead = new_page()
    sign_in(lead, MANAGER, DEMO_PASSWORD)
    lead.goto("/safeguarding/")
    expect(lead.get_by_text(person.display_name).first).to_be_visible()
    concern = activity.safeguarding_concern
    assert concern is not None
    assert concern.lead is not None and concern.lead.email == MANAGER

    # The coordinator records the review.
    coordinator.goto(f"/volunteering/matches/{match.uuid}/")
    coordinator.get_by_label("How is it going?").fill("Getting on well; weekly walks to the park.")
    coordinator.get_by_role("button", name="Record the review").click()
    review = match.reviews.get()
    assert review.held_on == timezone.localdate()

    # The link worker sees the volunteer's first name and the review on the case.
    worker.goto(f"/cases/{case.uuid}/")
    section = worker.locator("#volunteer-support").locator("xpath=..")
    expect(section).to_contain_text(f"Volunteer: {name}")
    expect(section).to_contain_text("weekly walks to the park")
