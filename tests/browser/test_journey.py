"""The whole social prescribing journey through the real pages, on the demo data: a GP referral,
triage, booking, the wellbeing review and the plan, the onward referral to a provider, the
provider accepting and recording attendance, the 4-week review goal by goal and the GP reading
the day's letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwell.accounts.models import User
from linkwell.casework.models import (
    Case,
    FollowUp,
    FollowUpKind,
    Goal,
    MessageBack,
    Strength,
    WellbeingReview,
)
from linkwell.connections.models import Attendance, Connection, ConnectionStatus
from linkwell.demo.loader import DEMO_PASSWORD, demo_load
from linkwell.directory.models import ReferralMode, Service, ServiceStatus
from tests.browser.conftest import sign_in, triage_row

pytestmark = pytest.mark.django_db(transaction=True)

REFERRER = "referrer@demo.example.org"  # GP receptionist at Castle Fields Surgery
LINK_WORKER = "linkworker@demo.example.org"
PROVIDER = "provider@demo.example.org"  # staff of Oswestry Men's Shed


@pytest.fixture
def demo() -> None:
    demo_load(seed=42)


def test_a_gp_referral_goes_all_the_way_to_the_message_back(new_page: Any, demo: None) -> None:
    # A GP receptionist refers, with the short form.
    gp = new_page()
    sign_in(gp, REFERRER, DEMO_PASSWORD)
    gp.goto("/refer/")
    gp.get_by_label("First name").fill("Bronwen")
    gp.get_by_label("Last name").fill("Tregarthen")
    gp.get_by_role("textbox", name="Day").fill("2")
    gp.get_by_role("textbox", name="Month").fill("11")
    gp.get_by_role("textbox", name="Year").fill("1944")
    gp.get_by_label("Postcode").fill("SY11 1PS")
    gp.get_by_label("Phone number").fill("01632 960555")
    gp.get_by_label("Loneliness").check()
    gp.get_by_label("Anything the link worker should know").fill(
        "Widowed in the spring; plays the ukulele but has stopped going out."
    )
    gp.get_by_label("The person agrees to be contacted by a link worker").check()
    gp.get_by_label("The person agrees to their information being shared").check()
    gp.get_by_label("Who it may be shared with").fill("The link-worker team and their services")
    gp.get_by_role("button", name="Send referral").click()
    expect(gp.get_by_role("heading", level=1)).to_have_text("Referrals you have sent")

    # The link worker triages: accepts, allocates to herself, sets complexity.
    worker = new_page()
    sign_in(worker, LINK_WORKER, DEMO_PASSWORD)
    triage_row(worker, "Bronwen Tregarthen").get_by_role("link", name="Bronwen Tregarthen").click()
    lead = User.objects.get(email=LINK_WORKER)
    worker.get_by_label("Allocate to").select_option(value=str(lead.uuid))
    worker.get_by_label("Moderate").check()
    worker.get_by_role("button", name="Accept and open case").click()
    case = Case.objects.get(person__family_name="Tregarthen")
    assert case.assigned_to is not None and case.assigned_to.email == LINK_WORKER
    assert case.complexity == "moderate"

    # Books the wellbeing review.
    worker.goto(f"/cases/{case.uuid}/")
    worker.get_by_role("link", name="Book a contact").click()
    worker.get_by_label("Kind of contact").select_option(label="Wellbeing review")
    worker.get_by_label("Date").fill(str(timezone.localdate() + dt.timedelta(days=7)))
    worker.get_by_label("Time").fill("10:30")
    worker.get_by_label("Venue").fill("Oswestry Library, meeting room 2")
    worker.get_by_role("button", name="Book").click()
    expect(worker.get_by_role("heading", level=1)).to_contain_text("Bronwen Tregarthen")
    expect(worker.get_by_text("Wellbeing review").first).to_be_visible()

    # Records the review with strengths.
    worker.get_by_role("link", name="Record a wellbeing review").click()
    worker.get_by_label("What matters to me").fill("Getting back to playing music with people.")
    first = worker.get_by_role("group", name="Strength 1")
    first.get_by_label("Kind of strength").select_option(index=1)
    first.get_by_label("Strength or asset").fill("Plays the ukulele")
    second = worker.get_by_role("group", name="Strength 2")
    second.get_by_label("Kind of strength").select_option(index=2)
    second.get_by_label("Strength or asset").fill("Neighbour checks in daily")
    worker.get_by_role("button", name="Save the review").click()
    review = WellbeingReview.objects.get(case=case)
    assert set(Strength.objects.filter(review=review).values_list("description", flat=True)) == {
        "Plays the ukulele",
        "Neighbour checks in daily",
    }

    # Agrees a plan with two goals.
    worker.goto(f"/cases/{case.uuid}/plan/edit/")
    worker.get_by_role("group", name="Goal 1").get_by_label("Goal, in the person's words").fill(
        "Join a ukulele group"
    )
    worker.get_by_role("group", name="Goal 2").get_by_label("Goal, in the person's words").fill(
        "Go into town once a week"
    )
    worker.get_by_role("button", name="Save the plan").click()
    assert set(Goal.objects.filter(plan__case=case).values_list("text", flat=True)) == {
        "Join a ukulele group",
        "Go into town once a week",
    }

    # Refers the person on to a service run by the provider persona's organisation.
    service = (
        Service.objects.filter(
            organization__owner__memberships__user__email=PROVIDER,
            referral_mode=ReferralMode.ACCEPTS_REFERRALS,
            status=ServiceStatus.ACTIVE,
        )
        .order_by("name")
        .first()
    )
    assert service is not None, "the demo must give the provider a service that takes referrals"
    worker.goto(f"/cases/{case.uuid}/")
    worker.get_by_role("link", name="Find a service to signpost or refer to").click()
    worker.get_by_label("Search for").fill(service.name)
    worker.get_by_role("button", name="Search").click()
    worker.get_by_role("link", name=f"Connect Bronwen Tregarthen to {service.name}").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text(f"Connect to {service.name}")
    expect(worker.get_by_text("Cannot refer")).to_have_count(0)
    worker.get_by_label("Referral to the provider").check()
    worker.get_by_label("Message to the provider (optional)").fill(
        "Bronwen plays the ukulele and would love some company; she may be nervous at first."
    )
    worker.get_by_role("button", name="Save").click()
    expect(worker.get_by_text(f"Referral sent to {service.name}")).to_be_visible()
    connection = Connection.objects.get(case=case, service=service)
    assert connection.status == ConnectionStatus.REQUESTED

    # Provider staff accept it and record a session, seeing only what was shared.
    provider = new_page()
    sign_in(provider, PROVIDER, DEMO_PASSWORD)
    provider.goto("/provider/referrals/")
    provider.get_by_role("row").filter(has_text=service.name).get_by_role(
        "link", name="Bronwen"
    ).click()
    expect(provider.get_by_role("heading", level=1)).to_have_text("Referral for Bronwen")
    expect(provider.get_by_text("Tregarthen")).to_have_count(0)
    provider.get_by_role("button", name="Accept").click()
    expect(provider.get_by_text("You have accepted the referral.")).to_be_visible()
    provider.get_by_label("Session date").fill(str(timezone.localdate()))
    provider.get_by_label("Did they attend?").select_option(label="Attended")
    provider.get_by_role("button", name="Record session").click()
    expect(provider.get_by_text("The session has been recorded.")).to_be_visible()
    connection.refresh_from_db()
    assert connection.status in (ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS)
    assert Attendance.objects.filter(connection=connection, attended=True).count() == 1

    # The link worker agrees the plan (which schedules the follow-ups) and records the
    # 4-week review.
    worker.goto(f"/cases/{case.uuid}/plan/")
    worker.get_by_label("Date the person agreed the plan").fill(str(timezone.localdate()))
    worker.get_by_role("button", name="Record that the plan is agreed").click()
    expect(worker.get_by_text("Agreed", exact=False).first).to_be_visible()
    worker.get_by_role("link", name="Record the 4-week review").click()
    worker.get_by_label("Date of the conversation").fill(str(timezone.localdate()))
    # Goal by goal: how it is going, in her words.
    ukulele = worker.get_by_role("group", name="Goal 1: Join a ukulele group")
    ukulele.get_by_label("How it is going").select_option(label="In progress")
    ukulele.get_by_label("In their own words").fill("I've been to the shed once and loved it")
    town = worker.get_by_role("group", name="Goal 2: Go into town once a week")
    town.get_by_label("How it is going").select_option(label="Achieved")
    worker.get_by_label("What you talked about and how things are going").fill(
        "Has been to the shed once and enjoyed it; wants to keep going on Tuesdays."
    )
    # What changes in the plan, and the next contact (the 3-month check-in is offered).
    worker.get_by_label("New action 1", exact=True).fill("Ask the shed about a lift")
    worker.get_by_label("New action 1: who will do it").fill("Bronwen")
    expect(worker.get_by_label("Next contact", exact=True)).to_have_value("checkin_3m")
    worker.get_by_role("button", name="Save the 4-week review").click()
    expect(worker.get_by_text("The 4-week review has been recorded.")).to_be_visible()
    expect(worker.get_by_text("Action added: Ask the shed about a lift")).to_be_visible()
    review_4w = FollowUp.objects.get(case=case, kind=FollowUpKind.REVIEW_4_WEEKS)
    assert review_4w.completed_at is not None
    assert {(p.goal_text, p.status) for p in review_4w.goal_progress.all()} == {
        ("Join a ukulele group", "in_progress"),
        ("Go into town once a week", "achieved"),
    }

    # The GP receptionist reads the message back about the person she referred.
    stages = set(MessageBack.objects.filter(case=case).values_list("stage", flat=True))
    assert stages == {
        MessageBack.Stage.SEEN,
        MessageBack.Stage.PLAN_AGREED,
        MessageBack.Stage.CONNECTED,
        MessageBack.Stage.OUTCOME,
    }
    # Everything happened today: one letter listing the four stages, not four letters.
    gp.goto("/messages-back/")
    rows = gp.get_by_role("row").filter(has_text="Bronwen Tregarthen")
    expect(rows).to_have_count(1)
    outcome = rows.filter(has_text="Outcome")
    outcome.get_by_role("link", name="Bronwen Tregarthen").click()
    expect(gp.get_by_role("heading", level=1)).to_have_text(
        "Social prescribing: seen, connected, plan agreed and outcome"
    )
    expect(gp.get_by_text("Bronwen Tregarthen").first).to_be_visible()
    expect(gp.get_by_text("Join a ukulele group: in progress.", exact=False)).to_be_visible()
