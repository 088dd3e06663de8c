"""Course services: session dates, enrolment, the group register, completion, co-facilitators."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.casework.tests.factories import case_for
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.courses.models import (
    Attendance,
    CoFacilitator,
    CourseStatus,
    EnrolmentStatus,
    Mark,
    RegisterSave,
)
from linkwell.courses.services import (
    co_facilitator_add,
    course_complete,
    eligible_co_facilitator_roles,
    enrol,
    moving_forward_save,
    register_save,
    session_dates,
    withdraw,
)
from linkwell.courses.tests.factories import MONDAY, enrol_people, make_course
from linkwell.volunteering.models import CommunityMember, RoleKind, RoleStatus, VolunteerRole
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_session_dates_start_on_the_first_chosen_weekday_and_run_weekly() -> None:
    # 2 March 2026 is a Monday: the first Wednesday on or after it is 4 March.
    assert session_dates(MONDAY, 2, 4) == [
        dt.date(2026, 3, 4),
        dt.date(2026, 3, 11),
        dt.date(2026, 3, 18),
        dt.date(2026, 3, 25),
    ]
    assert session_dates(MONDAY, 0, 1) == [MONDAY]


def test_a_course_gets_its_weekly_sessions_and_a_default_completion_rule(
    personas: Personas,
) -> None:
    course = make_course(personas, weeks=5)
    sessions = list(course.sessions.order_by("number"))
    assert [s.held_on for s in sessions] == session_dates(MONDAY, 2, 5)
    assert {s.starts_at for s in sessions} == {dt.time(10, 0)}
    assert course.completion_threshold == 3
    assert AuditEvent.objects.filter(action=AuditAction.COURSES_COURSE_CREATED).count() == 1


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"weeks": 3}, "weeks"),
        ({"weeks": 9}, "weeks"),
        ({"venue_text": ""}, "venue_text"),
        ({"completion_threshold": 7}, "completion_threshold"),
    ],
)
def test_a_course_outside_the_rules_is_refused_with_a_reason(
    personas: Personas, override: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        make_course(personas, **override)
    assert field in exc.value.errors


def test_facilitators_must_be_staff_of_the_running_team(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as exc:
        make_course(personas, facilitators=[personas.outsider])
    assert "Outsider" in exc.value.errors["facilitators"][0]


def test_enrolment_is_once_per_person_and_stops_when_the_course_is_full(
    personas: Personas,
) -> None:
    course = make_course(personas, capacity=2)
    first, second = enrol_people(personas, course, 2)
    with pytest.raises(ValidationFailed, match="already on Living Well"):
        enrol(actor=personas.link_worker, case=first.case, course=course)
    with pytest.raises(ValidationFailed, match="is full"):
        enrol(actor=personas.link_worker, case=case_for(personas), course=course)
    # Withdrawing frees the place, and the person can be enrolled again.
    withdraw(actor=personas.link_worker, enrolment=second, reason="Moved away", expected_version=1)
    again = enrol(actor=personas.link_worker, case=second.case, course=course)
    assert again.pk == second.pk and again.status == EnrolmentStatus.ENROLLED
    event = AuditEvent.objects.filter(action=AuditAction.COURSES_ENROLLED).first()
    assert event is not None and event.person_id == str(first.case.person.uuid)


def test_a_retried_enrolment_with_the_same_key_enrols_once(personas: Personas) -> None:
    course = make_course(personas)
    case = case_for(personas)
    key = uuid.uuid4()
    a = enrol(actor=personas.link_worker, case=case, course=course, key=key)
    b = enrol(actor=personas.link_worker, case=case, course=course, key=key)
    assert a.pk == b.pk
    assert course.enrolments.count() == 1


def test_the_register_saves_the_whole_group_in_one_go(personas: Personas) -> None:
    course = make_course(personas)
    a, b, c = enrol_people(personas, course, 3)
    session = course.sessions.get(number=1)
    marks = {str(a.uuid): Mark.ATTENDED, str(b.uuid): Mark.ABSENT, str(c.uuid): Mark.APOLOGIES}
    register_save(actor=personas.link_worker, session=session, marks=marks, expected_version=1)
    got = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "mark"))
    assert got == {a.pk: "attended", b.pk: "absent", c.pk: "apologies"}
    events = AuditEvent.objects.filter(action=AuditAction.COURSES_REGISTER_SAVED)
    assert {e.person_id for e in events} == {str(x.case.person.uuid) for x in (a, b, c)}


def test_a_register_missing_someone_changes_nothing(personas: Personas) -> None:
    course = make_course(personas)
    a, b = enrol_people(personas, course, 2)
    session = course.sessions.get(number=1)
    with pytest.raises(ValidationFailed) as exc:
        register_save(
            actor=personas.link_worker,
            session=session,
            marks={str(a.uuid): Mark.ATTENDED},
            expected_version=1,
        )
    assert f"mark_{b.uuid}" in exc.value.errors
    assert not Attendance.objects.exists()


def test_a_retried_register_post_is_saved_once_and_a_colleagues_stale_copy_is_refused(
    personas: Personas,
) -> None:
    course = make_course(personas)
    (a,) = enrol_people(personas, course, 1)
    session = course.sessions.get(number=1)
    key = uuid.uuid4()
    marks = {str(a.uuid): Mark.ATTENDED}
    first = register_save(
        actor=personas.link_worker, session=session, marks=marks, expected_version=1, key=key
    )
    retry = register_save(
        actor=personas.link_worker, session=session, marks=marks, expected_version=1, key=key
    )
    assert first.pk == retry.pk
    assert RegisterSave.objects.count() == 1
    # A second facilitator who opened the register before the first saved is refused.
    with pytest.raises(ConcurrentEditError):
        register_save(
            actor=personas.link_worker_teammate,
            session=session,
            marks={str(a.uuid): Mark.ABSENT},
            expected_version=1,
            key=uuid.uuid4(),
        )
    assert Attendance.objects.get().mark == Mark.ATTENDED


def test_completing_records_each_outcome_and_closes_the_registers(personas: Personas) -> None:
    course = make_course(personas)
    a, b = enrol_people(personas, course, 2)
    course_complete(
        actor=personas.link_worker,
        course=course,
        completed=[str(a.uuid)],
        expected_version=course.version,
    )
    a.refresh_from_db()
    b.refresh_from_db()
    course.refresh_from_db()
    assert (a.status, b.status) == (EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)
    assert course.status == CourseStatus.COMPLETED
    with pytest.raises(ValidationFailed, match="finished"):
        register_save(
            actor=personas.link_worker,
            session=course.sessions.get(number=1),
            marks={str(a.uuid): Mark.ATTENDED},
            expected_version=1,
        )
    with pytest.raises(ValidationFailed, match="not taking enrolments"):
        enrol(actor=personas.link_worker, case=case_for(personas), course=course)


def test_a_moving_forward_plan_needs_what_they_will_keep_doing(personas: Personas) -> None:
    course = make_course(personas)
    (a,) = enrol_people(personas, course, 1)
    with pytest.raises(ValidationFailed) as exc:
        moving_forward_save(
            actor=personas.link_worker, enrolment=a, data={"keep_doing": " "}, expected_version=None
        )
    assert "keep_doing" in exc.value.errors
    plan = moving_forward_save(
        actor=personas.link_worker,
        enrolment=a,
        data={"keep_doing": "Walking on Tuesdays", "groups": "Runcorn walking group"},
        expected_version=None,
    )
    updated = moving_forward_save(
        actor=personas.link_worker,
        enrolment=a,
        data={"keep_doing": "Walking twice a week"},
        expected_version=plan.version,
    )
    assert updated.pk == plan.pk and updated.keep_doing == "Walking twice a week"
    with pytest.raises(ConcurrentEditError):
        moving_forward_save(
            actor=personas.link_worker,
            enrolment=a,
            data={"keep_doing": "Stale"},
            expected_version=plan.version,
        )


def test_only_former_participants_with_an_active_role_can_co_facilitate(
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
    never = case_for(personas)
    course = make_course(personas)

    def role(person_id: int, status: str = RoleStatus.ACTIVE) -> VolunteerRole:
        member = CommunityMember.objects.create(
            organisation=personas.link_worker_service,
            given_name="Yvonne",
            family_name=f"P{person_id}",
            person_id=person_id,
        )
        return VolunteerRole.objects.create(
            member=member,
            organisation=personas.link_worker_service,
            kind=RoleKind.CO_FACILITATOR,
            status=status,
            started_on=MONDAY,
        )

    good = role(graduate.case.person_id)
    not_a_graduate = role(never.person_id)
    paused = role(graduate.case.person_id, RoleStatus.PAUSED)
    assert eligible_co_facilitator_roles(course) == [good]
    co_facilitator_add(actor=personas.link_worker, course=course, role=good)
    assert CoFacilitator.objects.filter(course=course, role=good).exists()
    with pytest.raises(ValidationFailed, match="not completed a course"):
        co_facilitator_add(actor=personas.link_worker, course=course, role=not_a_graduate)
    with pytest.raises(ValidationFailed, match="active"):
        co_facilitator_add(actor=personas.link_worker, course=course, role=paused)
