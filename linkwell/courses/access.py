"""Who may see and change courses: one helper per entity.

A course belongs to the team running it (`Course.organisation`). Its staff with a course role
(`TEAM_ROLES`: link workers, team managers, administrators, provider staff and volunteer
coordinators) and the course's named facilitators manage it: registers, enrolments, completion
and moving-forward plans. A read-only membership looks only (403 on every change). Anyone else
gets 404, so a course and its participants are not revealed. Sessions, enrolments and
moving-forward plans follow their course.

Enrolling someone starts from their case: whoever may change the case (casework's access
helper) may put the person on any open course with places, as a link worker connects someone
to a service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import Role, User
from linkwell.accounts.selectors import memberships_for_user
from linkwell.courses.models import Course, CourseSession, Enrolment

TEAM_ROLES = (
    Role.LINK_WORKER,
    Role.TEAM_MANAGER,
    Role.ADMINISTRATOR,
    Role.PROVIDER_STAFF,
    Role.COORDINATOR,
)


def team_org_ids(user: User | AnonymousUser | None, *, write: bool = False) -> list[int]:
    """Organisations whose courses `user` works on (writable ones when `write`)."""
    rows = memberships_for_user(user=user).filter(role__in=TEAM_ROLES)
    if write:
        rows = rows.filter(read_only=False)
    return sorted(set(rows.values_list("organisation_id", flat=True)))


@dataclass(frozen=True)
class CourseAccess:
    sees: bool
    writable: bool


def course_access(user: User | AnonymousUser | None, course: Course) -> CourseAccess:
    if user is None or not user.is_authenticated:
        return CourseAccess(sees=False, writable=False)
    facilitator = course.facilitators.filter(pk=user.pk).exists()
    member = course.organisation_id in team_org_ids(user)
    writable_member = member and course.organisation_id in team_org_ids(user, write=True)
    return CourseAccess(sees=member or facilitator, writable=writable_member or facilitator)


def visible_course_ids(user: User | AnonymousUser | None) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    ids = set(
        Course.objects.filter(organisation_id__in=team_org_ids(user)).values_list("pk", flat=True)
    )
    ids |= set(Course.objects.filter(facilitators=user).values_list("pk", flat=True))
    return ids


def _check(user: User, course: Course, *, write: bool, what: str) -> None:
    access = course_access(user, course)
    if not access.sees:
        raise Http404(f"No such {what}")
    if write and not access.writable:
        raise PermissionDenied(f"You have read-only access to this {what}.")


def get_course_for_user(user: User, course_id: uuid.UUID, *, write: bool = False) -> Course:
    course = (
        Course.objects.select_related("organisation", "venue_location", "service")
        .filter(uuid=course_id)
        .first()
    )
    if course is None:
        raise Http404("No such course")
    _check(user, course, write=write, what="course")
    return course


def get_session_for_user(
    user: User, course_id: uuid.UUID, session_id: uuid.UUID, *, write: bool = False
) -> CourseSession:
    course = get_course_for_user(user, course_id, write=write)
    session = CourseSession.objects.filter(course=course, uuid=session_id).first()
    if session is None:
        raise Http404("No such session")
    session.course = course
    return session


def get_enrolment_for_user(
    user: User, enrolment_id: uuid.UUID, *, write: bool = False
) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("course__organisation", "case__person")
        .filter(uuid=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment")
    _check(user, enrolment.course, write=write, what="enrolment")
    return enrolment
