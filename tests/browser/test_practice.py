"""Per-practice work through the real pages: the team runs an MDT meeting (the list with its
reasons, someone added by the practice, each discussion recorded, the meeting closed as held);
the practice action plan and the roll-out checklist are worked through and pass axe."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkwell.casework.models import CaseNote
from linkwell.practice.models import MdtMeeting, RolloutTask
from linkwell.practice.services.rollouts import rollout_start
from linkwell.practice.tests.factories import concern, cover, follow_up_due, patient_case
from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, build_personas

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_the_team_runs_an_mdt_meeting(new_page: Any, tmp_path: Path) -> None:
    p = build_personas()
    cover(p)
    worried = patient_case(p)
    concern(worried, p)
    review = patient_case(p)
    follow_up_due(review, 3)
    by_hand = patient_case(p)
    MdtMeeting.objects.create(
        practice=p.practice, meeting_on=timezone.localdate() + dt.timedelta(days=1)
    )

    practice = new_page()
    sign_in(practice, p.referrer.email, PASSWORD)
    practice.goto("/practice/")
    practice.get_by_role("link", name=f"MDT list for {p.practice.name}").click()
    practice.get_by_label("Person").select_option(value=str(by_hand.uuid))
    practice.get_by_label("Why they should be discussed").fill("Lost her husband in May")
    practice.get_by_role("button", name="Add to the list").click()
    expect(practice.get_by_text("Added to the list.")).to_be_visible()

    team = new_page()
    sign_in(team, p.link_worker.email, PASSWORD)
    team.goto(f"/practice/{p.practice.uuid}/mdt/")
    rows = team.get_by_test_id("mdt-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(str(worried.person))
    expect(rows.nth(0)).to_contain_text("1 open safeguarding concern")
    expect(team.get_by_text("Lost her husband in May")).to_be_visible()
    expect(team.get_by_text("4-week review due")).to_be_visible()
    assert serious_axe_violations(team) == [], describe(serious_axe_violations(team))
    _shot(team, tmp_path, "mdt")

    for case, agreed in (
        (worried, "Refer to the safeguarding lead"),
        (by_hand, "Bereavement group"),
    ):
        row = team.get_by_test_id("mdt-row").filter(has_text=str(case.person))
        row.get_by_text(f"Record the discussion of {case.person}").click()
        row.get_by_label("Agreed actions").fill(agreed)
        row.get_by_label("Who will do it").fill("Sam")
        row.get_by_label("Next step").fill("Phone this week")
        row.get_by_role("button", name=f"Save the discussion of {case.person}").click()
        expect(team.get_by_text("Discussion recorded and added to the case notes.")).to_be_visible()
    expect(team.get_by_test_id("discussed")).to_have_count(2)

    team.get_by_label("Who attended").fill("Dr Patel (GP), Sam (link worker)")
    team.get_by_role("button", name="Close the meeting as held").click()
    record = team.get_by_test_id("meeting-record")
    expect(record).to_contain_text("Refer to the safeguarding lead")
    expect(record).to_contain_text("Bereavement group")
    expect(team.get_by_text("Dr Patel (GP), Sam (link worker)")).to_be_visible()
    _shot(team, tmp_path, "meeting")
    assert "Bereavement group" in CaseNote.objects.get(case=by_hand).text


def test_the_action_plan_and_the_roll_out_checklist(new_page: Any, tmp_path: Path) -> None:
    p = build_personas()
    cover(p)
    rollout = rollout_start(
        actor=p.admin, name="Roll-out: Whitchurch", organisation=p.link_worker_service
    )

    staff = new_page()
    sign_in(staff, p.referrer.email, PASSWORD)
    staff.goto(f"/practice/{p.practice.uuid}/plan/")
    staff.get_by_label("Action", exact=True).fill("Carers' clinic once a month")
    staff.get_by_label("Owner").fill("Practice manager")
    staff.get_by_label("Due date").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    staff.get_by_role("button", name="Add the action").click()
    expect(staff.get_by_text("Action added to the plan.")).to_be_visible()
    staff.get_by_text("Review this action").click()
    staff.get_by_label("Status").select_option(value="in_progress")
    staff.get_by_label("Review notes").fill("Room booked for Thursdays")
    staff.get_by_role("button", name="Record the review").click()
    expect(staff.get_by_test_id("reviews")).to_contain_text("Room booked for Thursdays")
    assert serious_axe_violations(staff) == [], describe(serious_axe_violations(staff))
    _shot(staff, tmp_path, "plan")

    manager = new_page()
    sign_in(manager, p.team_manager.email, PASSWORD)
    manager.goto("/practice/")
    expect(manager.get_by_test_id("rollouts")).to_contain_text("0 of ")
    _shot(manager, tmp_path, "home")
    manager.get_by_role("link", name="Roll-out: Whitchurch").click()
    first = RolloutTask.objects.filter(stage__rollout=rollout).order_by(
        "stage__number", "position"
    )[0]
    card = manager.get_by_test_id("task").filter(has_text=first.title)
    card.locator("summary").click()
    card.get_by_label("Evidence: note").fill("Area profile agreed")
    card.get_by_label("This task is done").check()
    card.get_by_role("button", name="Save").click()
    expect(manager.get_by_test_id("overall")).to_contain_text("1 of ")
    assert serious_axe_violations(manager) == [], describe(serious_axe_violations(manager))
    _shot(manager, tmp_path, "rollout")
