"""Course completion figures and the quarterly report's `course-completion` section, on data
whose right answers the test works out itself from what it recorded."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.analysis.filters import ReportFilter
from linkwell.casework.tests.factories import make_case
from linkwell.courses.models import Attendance, Course, Mark
from linkwell.courses.selectors import completion_figures
from linkwell.courses.services import course_complete, enrol, withdraw
from linkwell.courses.tests.factories import make_course
from linkwell.reports.quarterly.build import build_report
from linkwell.reports.quarterly.courses_section import course_completion_section
from tests.personas import Personas

pytestmark = pytest.mark.django_db

Q1 = ReportFilter(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))


def _published(n: int) -> Any:
    """The disclosure rule written out again: 1-7 withheld, else to the nearest 5."""
    if 1 <= n <= 7:
        return SUPPRESSED
    return (n + 2) // 5 * 5


def _run(
    personas: Personas,
    *,
    people: int,
    completed_on: dt.date,
    rng: random.Random,
    truth: list[dict[str, Any]],
    team: Any = None,
    worker: Any = None,
    withdraw_one: bool = False,
) -> Course:
    """A six-week course whose participants come to a random number of sessions; those who
    came to 3 or more complete. Each participant's truth goes into `truth`."""
    course = make_course(personas, capacity=20)
    team = team or personas.link_worker_service
    worker = worker or personas.link_worker
    enrolments = [
        enrol(actor=worker, case=make_case(service=team), course=course) for _ in range(people)
    ]
    if withdraw_one:
        extra = enrol(actor=worker, case=make_case(service=team), course=course)
        withdraw(actor=worker, enrolment=extra, reason="", expected_version=extra.version)
    sessions = list(course.sessions.all())
    done = []
    for enrolment in enrolments:
        came = rng.randint(0, 6)
        for session in sessions[:came]:
            Attendance.objects.create(session=session, enrolment=enrolment, mark=Mark.ATTENDED)
        for session in sessions[came:]:
            Attendance.objects.create(session=session, enrolment=enrolment, mark=Mark.ABSENT)
        if came >= 3:
            done.append(str(enrolment.uuid))
        truth.append(
            {
                "course": course.pk,
                "came": came,
                "completed": came >= 3,
                "on": completed_on,
                "team": team,
            }
        )
    course.refresh_from_db()
    course_complete(
        actor=personas.link_worker,
        course=course,
        completed=done,
        expected_version=course.version,
        on=completed_on,
    )
    return course


def _expected(truth: list[dict[str, Any]], *, team: Any = None) -> dict[str, Any]:
    rows = [
        t for t in truth if Q1.start <= t["on"] <= Q1.end and (team is None or t["team"] == team)
    ]
    enrolled = len(rows)
    completed = sum(1 for t in rows if t["completed"])
    return {
        "runs": len({t["course"] for t in rows}),
        "enrolled": enrolled,
        "completed": completed,
        "rate": round(100 * completed / enrolled, 1),
        "mean": round(sum(t["came"] for t in rows) / enrolled, 1),
    }


@pytest.fixture
def truth(personas: Personas) -> list[dict[str, Any]]:
    rng = random.Random(17)
    truth: list[dict[str, Any]] = []
    _run(
        personas,
        people=7,
        completed_on=dt.date(2026, 2, 11),
        rng=rng,
        truth=truth,
        withdraw_one=True,
    )
    _run(personas, people=6, completed_on=dt.date(2026, 3, 31), rng=rng, truth=truth)
    _run(personas, people=5, completed_on=dt.date(2026, 4, 1), rng=rng, truth=truth)  # next quarter
    _run(
        personas,
        people=4,
        completed_on=dt.date(2026, 3, 1),
        rng=rng,
        truth=truth,
        team=personas.other_team,
        worker=personas.other_team_link_worker,
    )
    # An open course counts for nothing until it is completed.
    open_course = make_course(personas)
    enrol(
        actor=personas.link_worker,
        case=make_case(service=personas.link_worker_service),
        course=open_course,
    )
    return truth


def test_the_figures_match_the_records(personas: Personas, truth: list[dict[str, Any]]) -> None:
    want = _expected(truth)
    got = completion_figures(user=personas.commissioner, filters=Q1)
    assert (got.runs, got.enrolled, got.completed) == (3, want["enrolled"], want["completed"])
    assert got.enrolled == 17  # 7 + 6 + 4: the withdrawal and the next quarter left out
    assert got.completion_rate == want["rate"]
    assert got.mean_sessions == want["mean"]


def test_a_team_manager_counts_only_their_teams_people(
    personas: Personas, truth: list[dict[str, Any]]
) -> None:
    want = _expected(truth, team=personas.link_worker_service)
    got = completion_figures(user=personas.team_manager, filters=Q1)
    assert (got.runs, got.enrolled, got.completed) == (2, want["enrolled"], want["completed"])
    narrowed = completion_figures(
        user=personas.commissioner,
        filters=ReportFilter(start=Q1.start, end=Q1.end, service=personas.other_team),
    )
    assert narrowed.enrolled == 4


def test_the_section_publishes_suppressed_figures(
    personas: Personas, truth: list[dict[str, Any]]
) -> None:
    want = _expected(truth)
    section = course_completion_section(user=personas.commissioner, filters=Q1, unsuppressed=False)
    (row,) = section.tables[0].rows
    not_completed = want["enrolled"] - want["completed"]
    assert row["runs"] == 3
    assert row["enrolled"] == _published(want["enrolled"])
    assert row["completed"] == _published(want["completed"])
    small = 1 <= want["completed"] <= 7 or 1 <= not_completed <= 7
    assert row["completion_rate"] == (SUPPRESSED if small else want["rate"])
    assert row["mean_sessions"] == want["mean"]
    raw = course_completion_section(user=personas.commissioner, filters=Q1, unsuppressed=True)
    assert raw.tables[0].rows[0]["enrolled"] == want["enrolled"]
    assert raw.tables[0].rows[0]["completion_rate"] == want["rate"]


def test_a_small_group_is_withheld(personas: Personas) -> None:
    rng = random.Random(3)
    truth: list[dict[str, Any]] = []
    _run(personas, people=5, completed_on=dt.date(2026, 2, 1), rng=rng, truth=truth)
    (row,) = (
        course_completion_section(user=personas.commissioner, filters=Q1, unsuppressed=False)
        .tables[0]
        .rows
    )
    assert row["enrolled"] == SUPPRESSED
    assert row["completion_rate"] == SUPPRESSED
    assert row["mean_sessions"] == SUPPRESSED


def test_the_quarterly_report_has_the_section(personas: Personas) -> None:
    report = build_report(user=personas.commissioner, filters=Q1, sections=["course-completion"])
    assert [s.id for s in report.sections] == ["course-completion"]
    assert report.table("course-completion") is not None
