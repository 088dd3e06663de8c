"""The courses pages (/courses/): list, new course, a course, its registers, completion,
moving-forward plans, and enrolling someone from their case. Thin: access helper -> service or
selector -> render. Every page showing participants logs the read (audit)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Organisation, User
from linkwell.audit.access_log import log_access, log_list_access
from linkwell.casework.access import get_case_for_user
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import run_form
from linkwell.courses.access import (
    TEAM_ROLES,
    course_access,
    get_course_for_user,
    get_enrolment_for_user,
    get_session_for_user,
    team_org_ids,
)
from linkwell.courses.forms import (
    CoFacilitatorForm,
    CompleteForm,
    CourseForm,
    EnrolForm,
    MovingForwardForm,
    RegisterForm,
    SessionForm,
    WithdrawForm,
)
from linkwell.courses.models import (
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    MovingForwardPlan,
)
from linkwell.courses.selectors import (
    case_courses,
    course_page,
    courses_for_user,
    open_courses_with_places,
    register_rows,
    sessions_this_week,
)
from linkwell.courses.services import (
    CourseInput,
    co_facilitator_add,
    course_complete,
    course_create,
    eligible_co_facilitator_roles,
    enrol,
    moving_forward_save,
    register_save,
    session_reschedule,
    withdraw,
)
from linkwell.volunteering.models import VolunteerRole


def _person_id(enrolment: Enrolment) -> str:
    return str(enrolment.case.person.uuid)


@login_required
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "courses/list.html",
        {
            "courses": list(courses_for_user(request.user)),
            "can_create": bool(team_org_ids(request.user, write=True)),
        },
    )


def _course_form(request: AuthenticatedHttpRequest, data: Any = None) -> CourseForm:
    orgs = team_org_ids(request.user, write=True)
    staff = (
        User.objects.filter(
            memberships__organisation_id__in=orgs,
            memberships__is_active=True,
            memberships__read_only=False,
            memberships__role__in=TEAM_ROLES,
        )
        .distinct()
        .order_by("full_name", "email")
    )
    return CourseForm(
        data,
        organisations=Organisation.objects.filter(pk__in=orgs).order_by("name"),
        staff=staff,
        initial={"weeks": 6, "facilitators": [request.user.pk]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    orgs = team_org_ids(request.user, write=True)
    if not orgs:
        raise PermissionDenied("Only staff of a team running courses can set one up.")
    form = _course_form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        done = run_form(
            form,
            lambda d: course_create(
                actor=request.user,
                data=CourseInput(
                    title=d["title"],
                    description=d["description"],
                    organisation=d["organisation"],
                    venue_location=d["venue_location"],
                    venue_text=d["venue_text"],
                    capacity=d["capacity"],
                    service=d["service"],
                    start_date=d["start_date"],
                    weekday=d["weekday"],
                    session_time=d["session_time"],
                    weeks=d["weeks"],
                    completion_threshold=d["completion_threshold"],
                    facilitators=d["facilitators"],
                ),
                writable_orgs=orgs,
                key=d.get("submission_key"),
            ),
        )
        if done.ok and done.result is not None:
            messages.success(request, "Course set up with its weekly sessions.")
            return redirect("courses:detail", course_id=done.result.uuid)
        status = done.status
    return render(request, "courses/course_form.html", {"form": form}, status=status)


def _detail_context(request: AuthenticatedHttpRequest, course: Course) -> dict[str, Any]:
    page = course_page(course)
    log_list_access(
        request,
        [p.enrolment for p in page.participants] + page.withdrawn,
        list_name="course_participants",
        person_id=_person_id,
        object_repr=lambda e: f"Enrolment {e.uuid}",
    )
    access = course_access(request.user, course)
    roles = eligible_co_facilitator_roles(course) if access.writable else []
    return {
        "page": page,
        "course": course,
        "can_write": access.writable,
        "is_open": course.status == CourseStatus.OPEN,
        "this_week": sessions_this_week(course, timezone.localdate()),
        "facilitators": list(course.facilitators.order_by("full_name")),
        "co_facilitators": list(course.co_facilitators.select_related("role__member")),
        "co_form": CoFacilitatorForm(
            roles=VolunteerRole.objects.filter(pk__in=[r.pk for r in roles]).select_related(
                "member"
            )
        )
        if roles
        else None,
    }


@login_required
def course_detail(request: AuthenticatedHttpRequest, course_id: uuid.UUID) -> HttpResponse:
    course = get_course_for_user(request.user, course_id)
    return render(request, "courses/detail.html", _detail_context(request, course))


@login_required
@require_POST
def co_facilitator_new(request: AuthenticatedHttpRequest, course_id: uuid.UUID) -> HttpResponse:
    course = get_course_for_user(request.user, course_id, write=True)
    roles = VolunteerRole.objects.filter(
        pk__in=[r.pk for r in eligible_co_facilitator_roles(course)]
    ).select_related("member")
    form = CoFacilitatorForm(request.POST, roles=roles)
    done = run_form(
        form, lambda d: co_facilitator_add(actor=request.user, course=course, role=d["role"])
    )
    if done.ok:
        messages.success(request, "Co-facilitator added.")
        return redirect("courses:detail", course_id=course.uuid)
    context = _detail_context(request, course)
    context["co_form"] = form
    return render(request, "courses/detail.html", context, status=done.status)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(
    request: AuthenticatedHttpRequest, course_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    session = get_session_for_user(request.user, course_id, session_id, write=True)
    status = 200
    if request.method == "POST":
        form = SessionForm(request.POST)
        done = run_form(
            form,
            lambda d: session_reschedule(
                actor=request.user,
                session=session,
                held_on=d["held_on"],
                starts_at=d["starts_at"],
                expected_version=d["version"],
            ),
        )
        if done.ok:
            messages.success(request, f"Session {session.number} moved.")
            return redirect("courses:detail", course_id=session.course.uuid)
        status = done.status
    else:
        form = SessionForm(
            initial={
                "version": session.version,
                "held_on": session.held_on,
                "starts_at": session.starts_at,
            }
        )
    return render(
        request, "courses/session_form.html", {"session": session, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(
    request: AuthenticatedHttpRequest, course_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    write = request.method == "POST"
    session = get_session_for_user(request.user, course_id, session_id, write=write)
    rows = register_rows(session)
    log_list_access(
        request,
        [r.enrolment for r in rows],
        list_name="course_register",
        person_id=_person_id,
        object_repr=lambda e: f"Enrolment {e.uuid}",
    )
    status = 200
    if write:
        form = RegisterForm(request.POST, rows=rows)
        done = run_form(
            form,
            lambda d: register_save(
                actor=request.user,
                session=session,
                marks=form.marks(),
                expected_version=d["version"],
                key=d.get("submission_key"),
            ),
        )
        if done.ok:
            messages.success(request, f"Register saved for session {session.number}.")
            return redirect("courses:detail", course_id=session.course.uuid)
        status = done.status
    else:
        form = RegisterForm(rows=rows, initial={"version": session.version})
    fields = [(row, form[f"mark_{row.enrolment.uuid}"]) for row in rows]
    return render(
        request,
        "courses/register.html",
        {
            "session": session,
            "course": session.course,
            "form": form,
            "fields": fields,
            "can_write": course_access(request.user, session.course).writable,
            "is_open": session.course.status == CourseStatus.OPEN,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def complete(request: AuthenticatedHttpRequest, course_id: uuid.UUID) -> HttpResponse:
    course = get_course_for_user(request.user, course_id, write=True)
    if course.status != CourseStatus.OPEN:
        messages.info(request, "This course is already completed.")
        return redirect("courses:detail", course_id=course.uuid)
    page = course_page(course)
    log_list_access(
        request,
        [p.enrolment for p in page.participants],
        list_name="course_completion",
        person_id=_person_id,
        object_repr=lambda e: f"Enrolment {e.uuid}",
    )
    on_course = [p for p in page.participants if p.enrolment.status == EnrolmentStatus.ENROLLED]
    choices = [(str(p.enrolment.uuid), p.enrolment.case.person.display_name) for p in on_course]
    status = 200
    if request.method == "POST":
        form = CompleteForm(request.POST, choices=choices)
        done = run_form(
            form,
            lambda d: course_complete(
                actor=request.user,
                course=course,
                completed=d["completed"],
                expected_version=d["version"],
            ),
        )
        if done.ok:
            messages.success(request, "Course completed. Now write each moving-forward plan.")
            return redirect("courses:detail", course_id=course.uuid)
        status = done.status
    else:
        form = CompleteForm(
            choices=choices,
            initial={
                "version": course.version,
                "completed": [
                    str(p.enrolment.uuid)
                    for p in on_course
                    if p.attended >= course.completion_threshold
                ],
            },
        )
    return render(
        request,
        "courses/complete.html",
        {"course": course, "form": form, "participants": on_course, "sessions": len(page.sessions)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def moving_forward(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    write = request.method == "POST"
    enrolment = get_enrolment_for_user(request.user, enrolment_id, write=write)
    plan = MovingForwardPlan.objects.filter(enrolment=enrolment).first()
    log_list_access(
        request,
        [enrolment],
        list_name="course_moving_forward",
        person_id=_person_id,
        object_repr=lambda e: f"Enrolment {e.uuid}",
    )
    status = 200
    if write:
        form = MovingForwardForm(request.POST)
        done = run_form(
            form,
            lambda d: moving_forward_save(
                actor=request.user,
                enrolment=enrolment,
                data=d,
                expected_version=d.get("version"),
            ),
        )
        if done.ok:
            messages.success(request, "Moving-forward plan saved: it shows on their case.")
            return redirect("courses:detail", course_id=enrolment.course.uuid)
        status = done.status
    else:
        initial: dict[str, Any] = {"version": plan.version if plan else None}
        if plan is not None:
            initial.update(
                keep_doing=plan.keep_doing,
                next_steps=plan.next_steps,
                groups=plan.groups,
                people=plan.people,
            )
        form = MovingForwardForm(initial=initial)
    return render(
        request,
        "courses/moving_forward.html",
        {
            "enrolment": enrolment,
            "person": enrolment.case.person,
            "course": enrolment.course,
            "form": form,
            "can_write": course_access(request.user, enrolment.course).writable,
        },
        status=status,
    )


@login_required
@require_POST
def enrolment_withdraw(request: AuthenticatedHttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    enrolment = get_enrolment_for_user(request.user, enrolment_id, write=True)
    form = WithdrawForm(request.POST)
    done = run_form(
        form,
        lambda d: withdraw(
            actor=request.user,
            enrolment=enrolment,
            reason=d["reason"],
            expected_version=d["version"],
        ),
    )
    if done.ok:
        messages.success(request, f"{enrolment.case.person.display_name} withdrawn.")
    else:
        errors = [str(e) for e in form.non_field_errors()] + [
            str(e) for field in form.errors.values() for e in field
        ]
        messages.error(request, " ".join(errors) or "Could not withdraw them.")
    return redirect("courses:detail", course_id=enrolment.course.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def case_enrol(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Enrol the person on a course from their case or plan: one click per course."""
    case = get_case_for_user(request.user, case_id, write=True)
    log_access(request, case, person_id=str(case.person.uuid))
    status = 200
    failed: EnrolForm | None = None
    if request.method == "POST":
        form = EnrolForm(request.POST)

        def _enrol(d: dict[str, Any]) -> Enrolment:
            course = Course.objects.filter(uuid=d["course"]).first()
            if course is None:
                raise ValidationFailed({"course": ["That course no longer exists."]})
            return enrol(actor=request.user, case=case, course=course, key=d.get("submission_key"))

        done = run_form(form, _enrol)
        if done.ok and done.result is not None:
            messages.success(
                request, f"{case.person.display_name} enrolled on {done.result.course.title}."
            )
            return redirect("casework:case_detail", case_id=case.uuid)
        failed, status = form, done.status
    current = case_courses(case)
    on = {r.enrolment.course_id for r in current if r.enrolment.status != EnrolmentStatus.WITHDRAWN}
    courses = [
        (c, EnrolForm(initial={"course": c.uuid}))
        for c in open_courses_with_places()
        if c.pk not in on
    ]
    return render(
        request,
        "courses/case_enrol.html",
        {
            "case": case,
            "person": case.person,
            "courses": courses,
            "current": current,
            "failed": failed,
            "case_url": reverse("casework:case_detail", kwargs={"case_id": case.uuid}),
        },
        status=status,
    )
