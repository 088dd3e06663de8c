"""Writes for courses: each in one transaction with its audit event (README "What it owns")."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.idempotency import create_once
from linkwell.courses.access import TEAM_ROLES
from linkwell.courses.models import (
    MAX_WEEKS,
    MIN_WEEKS,
    Attendance,
    CoFacilitator,
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Mark,
    MovingForwardPlan,
    RegisterSave,
)
from linkwell.directory.models import Location, Service
from linkwell.volunteering.models import RoleKind, RoleStatus, VolunteerRole

# Volunteering roles from which a former participant may co-facilitate.
CO_FACILITATING_KINDS = (
    RoleKind.CO_FACILITATOR,
    RoleKind.PEER_SUPPORTER,
    RoleKind.WELLBEING_AMBASSADOR,
)


def session_dates(start: dt.date, weekday: int, weeks: int) -> list[dt.date]:
    """The first `weekday` (Monday 0) on or after `start`, then weekly, `weeks` times."""
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    return [first + dt.timedelta(weeks=i) for i in range(weeks)]


def default_threshold(weeks: int) -> int:
    """Attending at least half the sessions (rounded up) suggests completion."""
    return max(1, math.ceil(weeks / 2))


@dataclass(frozen=True)
class CourseInput:
    title: str
    description: str
    organisation: Organisation
    venue_location: Location | None
    venue_text: str
    capacity: int
    service: Service | None
    start_date: dt.date
    weekday: int
    session_time: dt.time
    weeks: int
    completion_threshold: int | None
    facilitators: Iterable[User]


def _validate_course(data: CourseInput, writable_orgs: Iterable[int]) -> list[User]:
    errors: dict[str, list[str]] = {}
    if data.organisation.pk not in set(writable_orgs):
        errors["organisation"] = ["Choose a team you run courses for."]
    if not MIN_WEEKS <= data.weeks <= MAX_WEEKS:
        errors["weeks"] = [f"A course runs for {MIN_WEEKS} to {MAX_WEEKS} weeks."]
    if data.capacity < 1:
        errors["capacity"] = ["A course needs at least 1 place."]
    if data.venue_location is None and not data.venue_text.strip():
        errors["venue_text"] = ["Choose a venue from the directory or type where it is."]
    threshold = data.completion_threshold
    if threshold is not None and not 1 <= threshold <= data.weeks:
        errors["completion_threshold"] = [f"Enter a number of sessions from 1 to {data.weeks}."]
    facilitators = list(data.facilitators)
    team = set(
        data.organisation.memberships.filter(
            is_active=True, read_only=False, role__in=TEAM_ROLES
        ).values_list("user_id", flat=True)
    )
    outside = [u for u in facilitators if u.pk not in team]
    if outside:
        names = ", ".join(str(u) for u in outside)
        errors["facilitators"] = [f"Facilitators must be staff of the running team: {names}."]
    if errors:
        raise ValidationFailed(errors)
    return facilitators


def course_create(
    *,
    actor: User,
    data: CourseInput,
    writable_orgs: Iterable[int],
    key: uuid.UUID | None = None,
) -> Course:
    facilitators = _validate_course(data, writable_orgs)

    def work() -> Course:
        course = Course.objects.create(
            title=data.title.strip(),
            description=data.description.strip(),
            organisation=data.organisation,
            venue_location=data.venue_location,
            venue_text=data.venue_text.strip(),
            capacity=data.capacity,
            service=data.service,
            start_date=data.start_date,
            session_time=data.session_time,
            weeks=data.weeks,
            completion_threshold=data.completion_threshold or default_threshold(data.weeks),
            created_by=actor,
        )
        course.facilitators.set(facilitators)
        dates = session_dates(data.start_date, data.weekday, data.weeks)
        CourseSession.objects.bulk_create(
            CourseSession(course=course, number=i, held_on=day, starts_at=data.session_time)
            for i, day in enumerate(dates, start=1)
        )
        audit_record(
            actor=actor,
            action=AuditAction.COURSES_COURSE_CREATED,
            obj=course,
            organisation=data.organisation,
            detail={"sessions": [d.isoformat() for d in dates]},
        )
        return course

    with transaction.atomic():
        course, _created = create_once(key, Course, user_id=actor.pk, work=work)
    return course


def session_reschedule(
    *,
    actor: User,
    session: CourseSession,
    held_on: dt.date,
    starts_at: dt.time,
    expected_version: int | None,
) -> CourseSession:
    course = session.course
    if course.status != CourseStatus.OPEN:
        raise ValidationFailed({"held_on": ["This course is finished: its dates cannot change."]})
    with transaction.atomic():
        current = lock_versioned(
            CourseSession, session.pk, expected_version=expected_version, what=str(session)
        )
        clash = (
            CourseSession.objects.filter(course=course, held_on=held_on)
            .exclude(pk=current.pk)
            .first()
        )
        if clash is not None:
            raise ValidationFailed({"held_on": [f"Session {clash.number} is already that day."]})
        before = {"held_on": current.held_on.isoformat(), "starts_at": str(current.starts_at)}
        current.held_on, current.starts_at = held_on, starts_at
        save_versioned(current, update_fields=["held_on", "starts_at"])
        audit_record(
            actor=actor,
            action=AuditAction.COURSES_SESSION_RESCHEDULED,
            obj=current,
            organisation=course.organisation,
            changes={
                "before": before,
                "after": {"held_on": held_on.isoformat(), "starts_at": str(starts_at)},
            },
        )
    return current


def completed_person_ids() -> set[int]:
    return set(
        Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED).values_list(
            "case__person_id", flat=True
        )
    )


def eligible_co_facilitator_roles(course: Course) -> list[VolunteerRole]:
    """Active co-facilitating roles of community members who completed a course (any run),
    not already on this one."""
    taken = course.co_facilitators.values_list("role_id", flat=True)
    return list(
        VolunteerRole.objects.filter(
            status=RoleStatus.ACTIVE,
            kind__in=CO_FACILITATING_KINDS,
            member__person_id__in=completed_person_ids(),
        )
        .exclude(pk__in=taken)
        .select_related("member")
        .order_by("member__given_name", "member__family_name")
    )


def co_facilitator_add(*, actor: User, course: Course, role: VolunteerRole) -> CoFacilitator:
    if role.status != RoleStatus.ACTIVE or role.kind not in CO_FACILITATING_KINDS:
        raise ValidationFailed(
            {
                "role": [
                    "Only an active co-facilitator, peer supporter or ambassador role can be added."
                ]
            }
        )
    if role.member.person_id is None or role.member.person_id not in completed_person_ids():
        raise ValidationFailed(
            {
                "role": [
                    "Co-facilitators are former participants: this person has not completed a course."
                ]
            }
        )
    with transaction.atomic():
        if CoFacilitator.objects.filter(course=course, role=role).exists():
            raise ValidationFailed({"role": ["They already co-facilitate this course."]})
        row = CoFacilitator.objects.create(course=course, role=role, added_by=actor)
        audit_record(
            actor=actor,
            action=AuditAction.COURSES_CO_FACILITATOR_ADDED,
            obj=row,
            organisation=course.organisation,
            detail={"course": str(course.uuid), "role": str(role.uuid)},
        )
    return row


def places_left(course: Course) -> int:
    taken = course.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()
    return max(0, course.capacity - taken)


def enrol(*, actor: User, case: Case, course: Course, key: uuid.UUID | None = None) -> Enrolment:
    """Put the person on the course from their case. A withdrawn enrolment is taken up again."""

    def work() -> Enrolment:
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status != CourseStatus.OPEN:
            raise ValidationFailed({"course": [f"{locked.title} is not taking enrolments."]})
        existing = Enrolment.objects.filter(course=locked, case=case).first()
        if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
            raise ValidationFailed(
                {"course": [f"{case.person.display_name} is already on {locked.title}."]}
            )
        if places_left(locked) < 1:
            raise ValidationFailed({"course": [f"{locked.title} is full."]})
        if existing is not None:
            existing.status = EnrolmentStatus.ENROLLED
            existing.withdrawn_reason = ""
            existing.enrolled_by = actor
            save_versioned(existing, update_fields=["status", "withdrawn_reason", "enrolled_by"])
            enrolment = existing
        else:
            enrolment = Enrolment.objects.create(course=locked, case=case, enrolled_by=actor)
        audit_record(
            actor=actor,
            action=AuditAction.COURSES_ENROLLED,
            obj=enrolment,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"course": str(locked.uuid), "case": str(case.uuid)},
        )
        return enrolment

    with transaction.atomic():
        enrolment, _created = create_once(key, Enrolment, user_id=actor.pk, work=work)
    return enrolment


def withdraw(
    *, actor: User, enrolment: Enrolment, reason: str, expected_version: int | None
) -> Enrolment:
    with transaction.atomic():
        current = lock_versioned(
            Enrolment, enrolment.pk, expected_version=expected_version, what="This enrolment"
        )
        if current.status != EnrolmentStatus.ENROLLED:
            raise ValidationFailed({"reason": ["Only someone still on the course can withdraw."]})
        current.status = EnrolmentStatus.WITHDRAWN
        current.withdrawn_reason = reason.strip()
        save_versioned(current, update_fields=["status", "withdrawn_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.COURSES_WITHDRAWN,
            obj=current,
            organisation=enrolment.course.organisation,
            person_id=str(enrolment.case.person.uuid),
            detail={"reason": current.withdrawn_reason},
        )
    return current


def register_save(
    *,
    actor: User,
    session: CourseSession,
    marks: Mapping[str, str],
    expected_version: int | None,
    key: uuid.UUID | None = None,
) -> RegisterSave:
    """Save the whole group's marks for one session at once. `marks` maps each enrolment's
    uuid to a `Mark`. A retry with the same key changes nothing; a colleague's save since the
    page was opened is refused (ConcurrentEditError)."""
    course = session.course
    if course.status != CourseStatus.OPEN:
        raise ValidationFailed("This course is finished: its registers cannot change.")
    rows = {
        str(e.uuid): e
        for e in course.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related(
            "case__person"
        )
    }
    errors: dict[str, list[str]] = {}
    for enrolment_id, enrolment in rows.items():
        mark = marks.get(enrolment_id, "")
        if mark not in Mark.values:
            errors[f"mark_{enrolment_id}"] = [
                f"Choose attended, absent or apologies for {enrolment.case.person.display_name}."
            ]
    unknown = set(marks) - set(rows)
    if unknown:
        errors["__all__"] = ["Someone on this register is no longer on the course: reload it."]
    if errors:
        raise ValidationFailed(errors)

    def work() -> RegisterSave:
        current = lock_versioned(
            CourseSession,
            session.pk,
            expected_version=expected_version,
            what=f"The register for session {session.number}",
            required=True,
        )
        before = dict(
            Attendance.objects.filter(session=current).values_list("enrolment__uuid", "mark")
        )
        for enrolment_id, enrolment in rows.items():
            Attendance.objects.update_or_create(
                session=current, enrolment=enrolment, defaults={"mark": marks[enrolment_id]}
            )
        current.register_taken_at = timezone.now()
        current.register_taken_by = actor
        save_versioned(current, update_fields=["register_taken_at", "register_taken_by"])
        saved = RegisterSave.objects.create(session=current, saved_by=actor, marks=dict(marks))
        for enrolment_id, enrolment in rows.items():
            was = before.get(enrolment.uuid)
            if was == marks[enrolment_id]:
                continue
            audit_record(
                actor=actor,
                action=AuditAction.COURSES_REGISTER_SAVED,
                obj=current,
                organisation=course.organisation,
                person_id=str(enrolment.case.person.uuid),
                changes={"mark": [was, marks[enrolment_id]]},
                detail={"enrolment": enrolment_id},
            )
        return saved

    with transaction.atomic():
        saved, _created = create_once(key, RegisterSave, user_id=actor.pk, work=work)
    return saved


def course_complete(
    *,
    actor: User,
    course: Course,
    completed: Iterable[str],
    expected_version: int | None,
    on: dt.date | None = None,
) -> Course:
    """Close the course: each participant still on it completed it (their enrolment uuid in
    `completed`) or did not."""
    done = set(completed)
    with transaction.atomic():
        current = lock_versioned(
            Course, course.pk, expected_version=expected_version, what=course.title, required=True
        )
        if current.status != CourseStatus.OPEN:
            raise ValidationFailed("This course is already completed.")
        enrolments = list(
            current.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related(
                "case__person"
            )
        )
        unknown = done - {str(e.uuid) for e in enrolments}
        if unknown:
            raise ValidationFailed("Someone ticked is no longer on the course: reload the page.")
        for enrolment in enrolments:
            enrolment.status = (
                EnrolmentStatus.COMPLETED
                if str(enrolment.uuid) in done
                else EnrolmentStatus.NOT_COMPLETED
            )
            save_versioned(enrolment, update_fields=["status"])
            audit_record(
                actor=actor,
                action=AuditAction.COURSES_COURSE_COMPLETED,
                obj=enrolment,
                organisation=current.organisation,
                person_id=str(enrolment.case.person.uuid),
                detail={"course": str(current.uuid), "outcome": enrolment.status},
            )
        current.status = CourseStatus.COMPLETED
        current.completed_on = on or timezone.localdate()
        save_versioned(current, update_fields=["status", "completed_on"])
        audit_record(
            actor=actor,
            action=AuditAction.COURSES_COURSE_COMPLETED,
            obj=current,
            organisation=current.organisation,
            detail={"completed": len(done), "participants": len(enrolments)},
        )
    return current


def moving_forward_save(
    *,
    actor: User,
    enrolment: Enrolment,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> MovingForwardPlan:
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationFailed({"keep_doing": ["They withdrew from the course."]})
    fields = {
        k: str(data.get(k) or "").strip() for k in ("keep_doing", "next_steps", "groups", "people")
    }
    if not fields["keep_doing"]:
        raise ValidationFailed({"keep_doing": ["Enter what they will keep doing."]})
    with transaction.atomic():
        plan = MovingForwardPlan.objects.filter(enrolment=enrolment).first()
        if plan is None:
            plan = MovingForwardPlan.objects.create(enrolment=enrolment, written_by=actor, **fields)
        else:
            plan = lock_versioned(
                MovingForwardPlan,
                plan.pk,
                expected_version=expected_version,
                what="This moving-forward plan",
                required=True,
            )
            for name, value in fields.items():
                setattr(plan, name, value)
            plan.written_by = actor
            save_versioned(plan, update_fields=[*fields, "written_by"])
        audit_record(
            actor=actor,
            action=AuditAction.COURSES_MOVING_FORWARD_SAVED,
            obj=plan,
            organisation=enrolment.course.organisation,
            person_id=str(enrolment.case.person.uuid),
            detail={"enrolment": str(enrolment.uuid)},
        )
    return plan
