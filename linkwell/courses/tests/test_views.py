"""Courses through their pages: the personas' access, enrolling from the case, the group
register, completion and the moving-forward plan shown on the case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.accounts.models import User
from linkwell.casework.tests.factories import case_for
from linkwell.courses.models import Attendance, CourseStatus, EnrolmentStatus, Mark
from linkwell.courses.services import course_complete
from linkwell.courses.tests.factories import enrol_people, make_course
from linkwell.volunteering.models import CommunityMember, RoleKind, RoleStatus, VolunteerRole
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def course(personas: Personas) -> Any:
    return make_course(personas)


def test_the_course_page_by_persona(personas: Personas, course: Any) -> None:
    enrol_people(personas, course, 2)
    url = reverse("courses:detail", kwargs={"course_id": course.uuid})
    page = client_for(personas.link_worker).get(url)
    assert page.status_code == 200
    assert b"Take the register for session" in page.content
    teammate = client_for(personas.link_worker_teammate).get(url)
    assert teammate.status_code == 200 and b"Complete the course" in teammate.content
    read_only = client_for(personas.read_only_link_worker).get(url)
    assert read_only.status_code == 200
    assert b"Take the register" not in read_only.content
    assert client_for(personas.other_team_link_worker).get(url).status_code == 404
    assert client_for(personas.outsider).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_changes_are_403_for_read_only_and_404_for_outsiders(
    personas: Personas, course: Any
) -> None:
    (enrolment,) = enrol_people(personas, course, 1)
    session = course.sessions.get(number=1)
    register = reverse(
        "courses:register", kwargs={"course_id": course.uuid, "session_id": session.uuid}
    )
    complete = reverse("courses:complete", kwargs={"course_id": course.uuid})
    plan = reverse("courses:moving_forward", kwargs={"enrolment_id": enrolment.uuid})
    post = {"version": "1", f"mark_{enrolment.uuid}": "attended"}
    for user, status in ((personas.read_only_link_worker, 403), (personas.outsider, 404)):
        client = client_for(user)
        assert client.post(register, post).status_code == status
        assert client.get(complete).status_code == status
        assert client.post(plan, {"keep_doing": "x"}).status_code == status
    assert not Attendance.objects.exists()
    assert client_for(personas.outsider).get(register).status_code == 404
    assert client_for(personas.read_only_link_worker).get(register).status_code == 200


def test_a_facilitator_from_outside_the_team_manages_their_course(personas: Personas) -> None:
    course = make_course(personas)
    course.facilitators.add(personas.owner)  # provider staff elsewhere, named as facilitator
    url = reverse("courses:complete", kwargs={"course_id": course.uuid})
    assert client_for(personas.owner).get(url).status_code == 200


def test_setting_up_a_course_generates_its_sessions(personas: Personas) -> None:
    client = client_for(personas.link_worker)
    assert client.get(reverse("courses:new")).status_code == 200
    response = client.post(
        reverse("courses:new"),
        {
            "title": "Sleep Well",
            "organisation": personas.link_worker_service.pk,
            "venue_text": "Halton Lea Library",
            "capacity": "10",
            "start_date": "2026-04-01",
            "weekday": "3",
            "session_time": "13:30",
            "weeks": "4",
            "facilitators": [personas.link_worker.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response["Location"])
    assert b"Thu 2 Apr 2026, 13:30" in page.content
    assert b"Thu 23 Apr 2026, 13:30" in page.content
    bad = client.post(reverse("courses:new"), {"title": "Too long", "weeks": "12"})
    assert bad.status_code == 400 and b"There is a problem" in bad.content
    # Practice staff who refer do not run courses.
    assert client_for(personas.referrer).get(reverse("courses:new")).status_code == 403


def test_enrolling_from_the_case_is_one_click(personas: Personas, course: Any) -> None:
    case = case_for(personas)
    client = client_for(personas.link_worker)
    case_page = client.get(reverse("casework:case_detail", kwargs={"case_id": case.uuid}))
    enrol_url = reverse("courses:case_enrol", kwargs={"case_id": case.uuid})
    assert enrol_url.encode() in case_page.content
    listing = client.get(enrol_url)
    assert b"Living Well" in listing.content
    key = listing.context["courses"][0][1]["submission_key"].value()
    data = {"course": str(course.uuid), "submission_key": str(key)}
    assert client.post(enrol_url, data).status_code == 302
    assert client.post(enrol_url, data).status_code == 302  # a retry: still one enrolment
    assert course.enrolments.get().case == case
    again = client.post(enrol_url, {"course": str(course.uuid)})
    assert again.status_code == 400 and b"already on Living Well" in again.content
    assert client_for(personas.read_only_link_worker).get(enrol_url).status_code == 403
    assert client_for(personas.other_team_link_worker).get(enrol_url).status_code == 404


def test_the_register_page_saves_everyone_and_counts_show_on_the_case(
    personas: Personas, course: Any
) -> None:
    a, b, c = enrol_people(personas, course, 3)
    session = course.sessions.get(number=1)
    url = reverse("courses:register", kwargs={"course_id": course.uuid, "session_id": session.uuid})
    client = client_for(personas.link_worker)
    missing = client.post(url, {"version": "1", f"mark_{a.uuid}": "attended"})
    assert missing.status_code == 400
    assert b"Choose attended, absent or apologies for" in missing.content
    response = client.post(
        url,
        {
            "version": "1",
            f"mark_{a.uuid}": "attended",
            f"mark_{b.uuid}": "attended",
            f"mark_{c.uuid}": "apologies",
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session, mark=Mark.ATTENDED).count() == 2
    stale = client_for(personas.link_worker_teammate).post(
        url,
        {
            "version": "1",
            f"mark_{a.uuid}": "absent",
            f"mark_{b.uuid}": "absent",
            f"mark_{c.uuid}": "absent",
        },
    )
    assert stale.status_code == 409
    case_page = client.get(reverse("casework:case_detail", kwargs={"case_id": a.case.uuid}))
    assert b"attended 1 of 6 sessions" in case_page.content


def test_completion_suggests_from_attendance_and_the_plan_reaches_the_case(
    personas: Personas, course: Any
) -> None:
    regular, rare = enrol_people(personas, course, 2)
    for session in course.sessions.filter(number__lte=3):
        Attendance.objects.create(session=session, enrolment=regular, mark=Mark.ATTENDED)
    Attendance.objects.create(
        session=course.sessions.get(number=1), enrolment=rare, mark=Mark.ATTENDED
    )
    client = client_for(personas.link_worker)
    url = reverse("courses:complete", kwargs={"course_id": course.uuid})
    form = client.get(url).context["form"]
    assert form.initial["completed"] == [str(regular.uuid)]  # 3 of 6 meets the rule; 1 does not
    # The facilitator overrides the rule for the person who came once.
    response = client.post(
        url, {"version": str(course.version), "completed": [str(regular.uuid), str(rare.uuid)]}
    )
    assert response.status_code == 302
    course.refresh_from_db()
    rare.refresh_from_db()
    assert course.status == CourseStatus.COMPLETED and rare.status == EnrolmentStatus.COMPLETED
    plan_url = reverse("courses:moving_forward", kwargs={"enrolment_id": rare.uuid})
    assert client.post(plan_url, {"keep_doing": ""}).status_code == 400
    saved = client.post(
        plan_url,
        {"keep_doing": "Singing with the choir", "groups": "Widnes Community Choir, Thursdays"},
    )
    assert saved.status_code == 302
    plan_page = client.get(reverse("casework:plan_detail", kwargs={"case_id": rare.case.uuid}))
    assert b"Singing with the choir" in plan_page.content
    assert b"Widnes Community Choir, Thursdays" in plan_page.content


def test_sessions_can_be_moved(personas: Personas, course: Any) -> None:
    session = course.sessions.get(number=2)
    url = reverse(
        "courses:session_edit", kwargs={"course_id": course.uuid, "session_id": session.uuid}
    )
    client = client_for(personas.link_worker)
    moved = client.post(url, {"version": "1", "held_on": "2026-03-12", "starts_at": "11:00"})
    assert moved.status_code == 302
    session.refresh_from_db()
    assert (session.held_on, session.starts_at) == (dt.date(2026, 3, 12), dt.time(11, 0))
    clash = client.post(url, {"version": "2", "held_on": "2026-03-04", "starts_at": "11:00"})
    assert clash.status_code == 400 and b"Session 1 is already that day" in clash.content


def test_the_course_and_register_pages_take_the_same_queries_for_any_group_size(
    personas: Personas,
) -> None:
    client = client_for(personas.link_worker)
    counts = []
    for size in (2, 9):
        course = make_course(personas, capacity=20)
        for enrolment in enrol_people(personas, course, size):
            for session in course.sessions.all():
                Attendance.objects.create(session=session, enrolment=enrolment, mark=Mark.ATTENDED)
        session = course.sessions.get(number=1)
        urls = [
            reverse("courses:detail", kwargs={"course_id": course.uuid}),
            reverse(
                "courses:register", kwargs={"course_id": course.uuid, "session_id": session.uuid}
            ),
        ]
        client.get(urls[0])  # the session and menu warm up
        with CaptureQueriesContext(connection) as captured:
            for url in urls:
                assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_withdrawing_frees_the_place_and_is_refused_to_read_only_members(
    personas: Personas,
) -> None:
    course = make_course(personas, capacity=1)
    (enrolment,) = enrol_people(personas, course, 1)
    url = reverse("courses:withdraw", kwargs={"enrolment_id": enrolment.uuid})
    data = {"version": str(enrolment.version), "reason": "Started work"}
    assert client_for(personas.read_only_link_worker).post(url, data).status_code == 403
    assert client_for(personas.other_team_link_worker).post(url, data).status_code == 404
    client = client_for(personas.link_worker)
    assert client.post(url, data).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    page = client.get(reverse("courses:detail", kwargs={"course_id": course.uuid}))
    assert b"Started work" in page.content and b"0 left" not in page.content
    # The course is open again to someone else, from their case.
    other = case_for(personas)
    listing = client.get(reverse("courses:case_enrol", kwargs={"case_id": other.uuid}))
    assert b"Enrol" in listing.content and b"Living Well" in listing.content


def test_a_completed_course_cannot_be_completed_again(personas: Personas, course: Any) -> None:
    enrol_people(personas, course, 1)
    client = client_for(personas.link_worker)
    url = reverse("courses:complete", kwargs={"course_id": course.uuid})
    assert client.post(url, {"version": str(course.version)}).status_code == 302
    again = client.get(url, follow=True)
    assert b"already completed" in again.content


def test_a_former_participant_is_added_as_co_facilitator_from_the_course_page(
    personas: Personas,
) -> None:
    earlier = make_course(personas, title="Stress Less")
    (graduate,) = enrol_people(personas, earlier, 1)
    course_complete(
        actor=personas.link_worker,
        course=earlier,
        completed=[str(graduate.uuid)],
        expected_version=earlier.version,
    )
    member = CommunityMember.objects.create(
        organisation=personas.link_worker_service,
        given_name="Yvonne",
        family_name="Ashby",
        person=graduate.case.person,
    )
    role = VolunteerRole.objects.create(
        member=member,
        organisation=personas.link_worker_service,
        kind=RoleKind.CO_FACILITATOR,
        status=RoleStatus.ACTIVE,
        started_on=dt.date(2026, 1, 5),
    )
    course = make_course(personas)
    client = client_for(personas.link_worker)
    url = reverse("courses:detail", kwargs={"course_id": course.uuid})
    assert b"Yvonne Ashby (Course co-facilitator)" in client.get(url).content
    add = reverse("courses:co_facilitator_new", kwargs={"course_id": course.uuid})
    assert (
        client_for(personas.read_only_link_worker).post(add, {"role": role.pk}).status_code == 403
    )
    assert client.post(add, {"role": role.pk}).status_code == 302
    page = client.get(url).content.decode()
    assert "Yvonne Ashby (Course co-facilitator)" in page
    assert course.co_facilitators.get().role == role
