"""The demo's courses: loaded through the services, idempotent, and removed by the reset."""

from __future__ import annotations

import pytest

from linkwell.courses.models import (
    Attendance,
    CoFacilitator,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    MovingForwardPlan,
)
from linkwell.demo import courses as courses_demo
from linkwell.demo.loader import DEMO_EMAIL_DOMAIN, demo_load, demo_reset

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_courses_load_once_and_reset() -> None:
    demo_load(seed=42)
    counts = courses_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN)
    assert counts == {"courses": 3, "course_enrolments": 18}
    assert courses_demo.load(seed=42, domain=DEMO_EMAIL_DOMAIN) == {}  # idempotent
    living = Course.objects.get(title=courses_demo.LIVING_WELL)
    assert living.status == CourseStatus.COMPLETED
    # Every participant has a mark for every session, and the rule decided completion.
    assert Attendance.objects.filter(session__course=living).count() == 8 * 4
    for e in living.enrolments.all():
        attended = e.marks.filter(mark="attended").count()
        completed = attended >= living.completion_threshold
        assert e.status == (
            EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.NOT_COMPLETED
        )
    completers = living.enrolments.filter(status=EnrolmentStatus.COMPLETED).count()
    assert MovingForwardPlan.objects.count() == completers
    stress = Course.objects.get(title=courses_demo.STRESS_LESS)
    assert stress.status == CourseStatus.OPEN
    assert stress.sessions.filter(register_taken_at__isnull=False).exists()
    assert completers > 0
    co = CoFacilitator.objects.get(course=stress)
    assert co.role.member.person_id in set(
        living.enrolments.filter(status=EnrolmentStatus.COMPLETED).values_list(
            "case__person_id", flat=True
        )
    )
    demo_reset()
    assert not Course.objects.exists() and not Enrolment.objects.exists()
