"""Reads for courses: lists, a course's page, registers, a case's courses, report figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.casework.models import Case
from linkwell.courses.access import visible_course_ids
from linkwell.courses.models import (
    Attendance,
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Mark,
)
from linkwell.evidence.selectors.common import scoped_cases

ON_COURSE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)


def courses_for_user(user: User) -> QuerySet[Course]:
    return (
        Course.objects.filter(pk__in=visible_course_ids(user))
        .select_related("organisation", "venue_location")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status__in=ON_COURSE), distinct=True)
        )
        .order_by("-status", "start_date", "title")
    )


def open_courses_with_places() -> list[Course]:
    """Open courses still taking people, for enrolling someone from their plan."""
    rows = (
        Course.objects.filter(status=CourseStatus.OPEN)
        .select_related("organisation", "venue_location")
        .annotate(
            taken=Count(
                "enrolments",
                filter=~Q(enrolments__status=EnrolmentStatus.WITHDRAWN),
                distinct=True,
            )
        )
        .order_by("start_date", "title")
    )
    return [c for c in rows if c.taken < c.capacity]


def attended_counts(enrolment_ids: list[int]) -> Counter[int]:
    return Counter(
        dict(
            Attendance.objects.filter(enrolment_id__in=enrolment_ids, mark=Mark.ATTENDED)
            .values("enrolment_id")
            .annotate(n=Count("id"))
            .values_list("enrolment_id", "n")
        )
    )


@dataclass
class Participant:
    enrolment: Enrolment
    attended: int
    marks: list[str] = field(default_factory=list)

    @property
    def person(self) -> object:
        return self.enrolment.case.person

    @property
    def plan(self) -> object | None:
        return getattr(self.enrolment, "moving_forward", None)


@dataclass
class SessionRow:
    session: CourseSession
    attended: int
    absent: int
    apologies: int


@dataclass
class CoursePage:
    course: Course
    sessions: list[SessionRow]
    participants: list[Participant]
    withdrawn: list[Enrolment]
    places_left: int


def course_page(course: Course) -> CoursePage:
    sessions = list(course.sessions.order_by("number"))
    enrolments = list(
        course.enrolments.select_related("case__person", "moving_forward").order_by(
            "case__person__family_name", "case__person__given_name"
        )
    )
    active = [e for e in enrolments if e.status != EnrolmentStatus.WITHDRAWN]
    marks = {
        (a.session_id, a.enrolment_id): a.mark
        for a in Attendance.objects.filter(session__course=course)
    }
    tally: dict[int, Counter[str]] = {s.pk: Counter() for s in sessions}
    for (session_id, enrolment_id), mark in marks.items():
        if any(e.pk == enrolment_id for e in active):
            tally[session_id][mark] += 1
    participants = [
        Participant(
            enrolment=e,
            attended=sum(1 for s in sessions if marks.get((s.pk, e.pk)) == Mark.ATTENDED),
            marks=[marks.get((s.pk, e.pk), "") for s in sessions],
        )
        for e in active
    ]
    return CoursePage(
        course=course,
        sessions=[
            SessionRow(
                s, tally[s.pk][Mark.ATTENDED], tally[s.pk][Mark.ABSENT], tally[s.pk][Mark.APOLOGIES]
            )
            for s in sessions
        ],
        participants=participants,
        withdrawn=[e for e in enrolments if e.status == EnrolmentStatus.WITHDRAWN],
        places_left=max(0, course.capacity - len(active)),
    )


@dataclass
class RegisterRow:
    enrolment: Enrolment
    mark: str


def register_rows(session: CourseSession) -> list[RegisterRow]:
    """Everyone still on the course, with their mark for the session ('' if none yet)."""
    marks = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "mark"))
    enrolments = session.course.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related(
        "case__person"
    )
    return [
        RegisterRow(enrolment=e, mark=marks.get(e.pk, ""))
        for e in enrolments.order_by("case__person__family_name", "case__person__given_name")
    ]


def case_courses(case: Case) -> list[Participant]:
    """The person's courses from this case, with sessions attended and any moving-forward plan."""
    enrolments = list(
        Enrolment.objects.filter(case=case)
        .select_related("course", "course__venue_location", "moving_forward")
        .annotate(sessions=Count("course__sessions", distinct=True))
        .order_by("-created_at")
    )
    counts = attended_counts([e.pk for e in enrolments])
    return [Participant(enrolment=e, attended=counts.get(e.pk, 0)) for e in enrolments]


# --- Report figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionFigures:
    """Raw figures (before disclosure control) for courses completed in a period."""

    runs: int
    enrolled: int
    completed: int
    sessions_attended: int

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.enrolled, 1) if self.enrolled else None

    @property
    def mean_sessions(self) -> float | None:
        return round(self.sessions_attended / self.enrolled, 1) if self.enrolled else None


def completion_figures(
    *, user: User | AnonymousUser | None, filters: ReportFilter
) -> CompletionFigures:
    """Courses completed in the period (by `completed_on`) and the people on them whose cases
    the user may count, narrowed by area, practice and service like every report figure.
    Withdrawn people are not counted as enrolled. 3 queries."""
    period = Q()
    if filters.start is not None:
        period &= Q(course__completed_on__gte=filters.start)
    if filters.end is not None:
        period &= Q(course__completed_on__lte=filters.end)
    enrolments = list(
        Enrolment.objects.filter(
            period,
            course__status=CourseStatus.COMPLETED,
            status__in=(EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED),
            case__in=scoped_cases(user=user, filters=filters),
        ).values_list("pk", "course_id", "status")
    )
    counts = attended_counts([pk for pk, _c, _s in enrolments])
    return CompletionFigures(
        runs=len({course for _pk, course, _s in enrolments}),
        enrolled=len(enrolments),
        completed=sum(1 for _pk, _c, s in enrolments if s == EnrolmentStatus.COMPLETED),
        sessions_attended=sum(counts.values()),
    )


def sessions_this_week(course: Course, today: dt.date) -> CourseSession | None:
    """The session to take the register for: today's, else the latest past one, else the next."""
    sessions = list(course.sessions.order_by("number"))
    past = [s for s in sessions if s.held_on <= today]
    return past[-1] if past else (sessions[0] if sessions else None)
