"""Test data for courses: a six-week course run by the personas' link-worker service, with its
link worker facilitating, and people enrolled from cases there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from linkwell.accounts.models import User
from linkwell.casework.models import Case
from linkwell.casework.tests.factories import case_for
from linkwell.courses.models import Course, Enrolment
from linkwell.courses.services import CourseInput, course_create, enrol
from tests.personas import Personas

MONDAY = dt.date(2026, 3, 2)


def make_course(personas: Personas, *, by: User | None = None, **overrides: Any) -> Course:
    fields: dict[str, Any] = {
        "title": "Living Well",
        "description": "Four to eight weeks of self-care, goals and the Five Ways to Wellbeing.",
        "organisation": personas.link_worker_service,
        "venue_location": None,
        "venue_text": "Brook Street Community Centre",
        "capacity": 12,
        "service": None,
        "start_date": MONDAY,
        "weekday": 2,  # Wednesday
        "session_time": dt.time(10, 0),
        "weeks": 6,
        "completion_threshold": None,
        "facilitators": [personas.link_worker],
    }
    fields.update(overrides)
    actor = by or personas.link_worker
    return course_create(
        actor=actor, data=CourseInput(**fields), writable_orgs=[personas.link_worker_service.pk]
    )


def enrol_people(personas: Personas, course: Course, n: int) -> list[Enrolment]:
    cases: list[Case] = [case_for(personas) for _ in range(n)]
    return [enrol(actor=personas.link_worker, case=c, course=course) for c in cases]
