"""A social prescribing course through the real pages: the link worker enrols three people from
their plans, takes the weekly register for the whole group at once, completes the course
(overriding the attendance rule for one person) and writes a moving-forward plan, which then
shows on the person's case."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from linkwell.casework.tests.factories import case_for
from linkwell.courses.models import Attendance, CourseStatus, EnrolmentStatus, Mark
from linkwell.courses.tests.factories import make_course
from tests.browser.conftest import describe, serious_axe_violations, sign_in
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_course_is_run_from_enrolment_to_moving_forward_plans(
    page: Any, personas: Personas
) -> None:
    course = make_course(personas, title="Living Well", weeks=4)
    people = [case_for(personas) for _ in range(3)]
    names = [c.person.display_name for c in people]
    page.set_default_timeout(30_000)  # the live server answers one request at a time
    sign_in(page, personas.link_worker.email, PASSWORD)

    # Enrol each person from their plan, one click on the course.
    for case in people:
        page.goto(reverse("casework:plan_detail", kwargs={"case_id": case.uuid}))
        page.get_by_role("link", name="Enrol on a course").click()
        page.get_by_role("button", name=f"Enrol {case.person.display_name} on Living Well").click()
        expect(
            page.get_by_text(f"{case.person.display_name} enrolled on Living Well.")
        ).to_be_visible()
    assert course.enrolments.filter(status=EnrolmentStatus.ENROLLED).count() == 3

    # The weekly register for the whole group, saved at once.
    page.goto(reverse("courses:detail", kwargs={"course_id": course.uuid}))
    session = course.sessions.get(number=1)
    page.get_by_role("link", name="Take the register for session 1").click()
    expect(page.get_by_role("heading", name="Register for session 1")).to_be_visible()
    violations = serious_axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_role("radio", name=f"Attended ({names[0]})").check()
    page.get_by_role("radio", name=f"Attended ({names[1]})").check()
    page.get_by_role("radio", name=f"Apologies ({names[2]})").check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Register saved for session 1.")).to_be_visible()
    marks = dict(
        Attendance.objects.filter(session=session).values_list("enrolment__case__uuid", "mark")
    )
    assert marks == {
        people[0].uuid: Mark.ATTENDED,
        people[1].uuid: Mark.ATTENDED,
        people[2].uuid: Mark.APOLOGIES,
    }
    sessions = page.get_by_test_id("sessions")
    expect(sessions.get_by_role("row").nth(1)).to_contain_text("Register taken")

    # Session 2: only the first person comes.
    page.get_by_role("link", name="Take the register for session 2").click()
    page.get_by_role("radio", name=f"Attended ({names[0]})").check()
    page.get_by_role("radio", name=f"Absent ({names[1]})").check()
    page.get_by_role("radio", name=f"Absent ({names[2]})").check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Register saved for session 2.")).to_be_visible()

    # Complete: the rule (2 of 4 sessions) ticks the first person only; the facilitator also
    # ticks the second, who came once but did the work at home.
    page.get_by_role("link", name="Complete the course").click()
    expect(page.get_by_label(names[0])).to_be_checked()
    expect(page.get_by_label(names[1])).not_to_be_checked()
    page.get_by_label(names[1]).check()
    page.get_by_role("button", name="Complete the course").click()
    expect(page.get_by_text("Course completed.")).to_be_visible()
    course.refresh_from_db()
    assert course.status == CourseStatus.COMPLETED
    statuses = dict(course.enrolments.values_list("case__uuid", "status"))
    assert statuses == {
        people[0].uuid: EnrolmentStatus.COMPLETED,
        people[1].uuid: EnrolmentStatus.COMPLETED,
        people[2].uuid: EnrolmentStatus.NOT_COMPLETED,
    }

    # The moving-forward plan, written at the end, shows on the person's case.
    page.get_by_role("link", name=f"Write the plan for {names[0]}").click()
    page.get_by_label("What they will keep doing").fill("A daily walk and the breathing exercise")
    page.get_by_label("Next steps").fill("Volunteer at the community café")
    page.get_by_label("Groups and places to join").fill("Runcorn Walking for Health, Tuesdays")
    page.get_by_label("People who will help them keep going").fill("Their neighbour Pat")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Moving-forward plan saved")).to_be_visible()
    page.goto(reverse("casework:case_detail", kwargs={"case_id": people[0].uuid}))
    card = page.get_by_test_id("case-course")
    expect(card).to_contain_text("Completed · attended 2 of 4 sessions")
    expect(card).to_contain_text("Runcorn Walking for Health, Tuesdays")
