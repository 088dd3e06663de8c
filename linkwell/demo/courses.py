"""Demo social prescribing courses (`linkwell demo`), run by the demo link-worker service with
the demo link worker facilitating:

- **Living Well** (4 weeks), finished two months ago: eight people enrolled from their plans,
  every register taken, completion by the attendance rule, and moving-forward plans for those
  who completed;
- **Stress Less** (6 weeks), half way through: seven people, the registers so far, and a former
  Living Well participant co-facilitating through an active volunteering role;
- **Sleep Well** (5 weeks), starting in a fortnight, with three people enrolled.

Everything goes through the courses services, so it is audited and keeps their rules.
Reproducible for a seed, idempotent, and `reset()` removes what it made.
"""

from __future__ import annotations

import datetime as dt
from random import Random

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.casework.models import Case
from linkwell.courses.models import Course, Enrolment, EnrolmentStatus, Mark
from linkwell.courses.services import (
    CourseInput,
    co_facilitator_add,
    course_complete,
    course_create,
    enrol,
    moving_forward_save,
    register_save,
)
from linkwell.demo.catalogue import ACCOUNTS_ORGS
from linkwell.demo.directory import demo_uuid
from linkwell.volunteering.models import CommunityMember, RoleKind, RoleStatus, VolunteerRole

LIVING_WELL = "Living Well"
STRESS_LESS = "Stress Less"
SLEEP_WELL = "Sleep Well"
TITLES = (LIVING_WELL, STRESS_LESS, SLEEP_WELL)
CO_FACILITATOR_REASON = "Demo: a former Living Well participant who co-facilitates courses."

PLANS = (
    ("A walk every morning and the breathing exercise", "Runcorn Walking for Health, Tuesdays"),
    ("Writing down three good things each evening", "The library's reading group"),
    ("Phoning my sister on Sundays", "The community choir, Thursdays"),
    ("Gardening at the allotment twice a week", "The allotment society"),
    ("Cooking a proper meal most days", "The cookery course at the college"),
)


def _team() -> Organisation | None:
    index = next(i for i, spec in enumerate(ACCOUNTS_ORGS) if spec.kind == "link_worker_service")
    return Organisation.objects.filter(uuid=demo_uuid("accounts_organisation", index)).first()


def is_loaded() -> bool:
    team = _team()
    return team is not None and Course.objects.filter(organisation=team, title__in=TITLES).exists()


def _course(
    team: Organisation, worker: User, title: str, *, start: dt.date, weeks: int, text: str
) -> Course:
    return course_create(
        actor=worker,
        data=CourseInput(
            title=title,
            description=text,
            organisation=team,
            venue_location=None,
            venue_text="Oswestry Community Centre, Room 2",
            capacity=12,
            service=None,
            start_date=start,
            weekday=start.weekday(),
            session_time=dt.time(10, 30),
            weeks=weeks,
            completion_threshold=None,
            facilitators=[worker],
        ),
        writable_orgs=[team.pk],
    )


def _registers(rng: Random, worker: User, course: Course, today: dt.date) -> None:
    """Registers for every session held by `today`; each person has their own likelihood."""
    enrolments = list(course.enrolments.filter(status=EnrolmentStatus.ENROLLED))
    keen = {e.pk: rng.choice((0.5, 0.75, 0.9, 0.95)) for e in enrolments}
    for session in course.sessions.filter(held_on__lte=today).order_by("number"):
        marks = {}
        for e in enrolments:
            draw = rng.random()
            marks[str(e.uuid)] = (
                Mark.ATTENDED
                if draw < keen[e.pk]
                else (Mark.APOLOGIES if draw < keen[e.pk] + 0.05 else Mark.ABSENT)
            )
        register_save(actor=worker, session=session, marks=marks, expected_version=session.version)


def load(*, seed: int = 42, domain: str, now: dt.datetime | None = None) -> dict[str, int]:
    team = _team()
    worker = User.objects.filter(email=f"linkworker@{domain}").first()
    if team is None or worker is None or is_loaded():
        return {}
    rng = Random(seed)
    today = timezone.localdate(now)
    cases = list(
        Case.objects.filter(link_worker_service=team, plan__isnull=False, person__merged_into=None)
        .select_related("person")
        .order_by("pk")[:60]
    )
    if len(cases) < 18:
        return {}
    chosen = rng.sample(cases, 18)
    with transaction.atomic():
        living = _course(
            team,
            worker,
            LIVING_WELL,
            start=today - dt.timedelta(weeks=12),
            weeks=4,
            text="Four weeks for people living with a long-term condition: sharing what helps, "
            "self-care, goals and the Five Ways to Wellbeing.",
        )
        for case in chosen[:8]:
            enrol(actor=worker, case=case, course=living)
        _registers(rng, worker, living, today)
        living.refresh_from_db()
        threshold = living.completion_threshold
        done = [
            str(e.uuid)
            for e in living.enrolments.all()
            if e.marks.filter(mark=Mark.ATTENDED).count() >= threshold
        ]
        course_complete(
            actor=worker,
            course=living,
            completed=done,
            expected_version=living.version,
            on=living.sessions.order_by("-number").first().held_on,  # type: ignore[union-attr]
        )
        completed = list(
            Enrolment.objects.filter(course=living, status=EnrolmentStatus.COMPLETED)
            .select_related("case__person", "course")
            .order_by("pk")
        )
        for i, enrolment in enumerate(completed):
            keep, group = PLANS[i % len(PLANS)]
            moving_forward_save(
                actor=worker,
                enrolment=enrolment,
                data={
                    "keep_doing": keep,
                    "next_steps": "Check in with the link worker in a month.",
                    "groups": group,
                },
                expected_version=None,
            )

        stress = _course(
            team,
            worker,
            STRESS_LESS,
            start=today - dt.timedelta(weeks=3, days=1),
            weeks=6,
            text="Six weeks of practical ways to manage stress: sleep, relaxation, problem "
            "solving and small goals.",
        )
        for case in chosen[8:15]:
            enrol(actor=worker, case=case, course=stress)
        _registers(rng, worker, stress, today)
        if completed:
            graduate = completed[0].case.person
            member = CommunityMember.objects.create(
                organisation=team,
                given_name=graduate.given_name,
                family_name=graduate.family_name,
                person=graduate,
                person_link_consent_at=timezone.now(),
                person_link_reason=CO_FACILITATOR_REASON,
            )
            role = VolunteerRole.objects.create(
                member=member,
                organisation=team,
                kind=RoleKind.CO_FACILITATOR,
                status=RoleStatus.ACTIVE,
                started_on=today - dt.timedelta(weeks=4),
            )
            co_facilitator_add(actor=worker, course=stress, role=role)

        sleep = _course(
            team,
            worker,
            SLEEP_WELL,
            start=today + dt.timedelta(weeks=2),
            weeks=5,
            text="Five weeks on sleeping better: routines, worry time and relaxation.",
        )
        for case in chosen[15:18]:
            enrol(actor=worker, case=case, course=sleep)
    return {"courses": 3, "course_enrolments": 18}


def reset() -> dict[str, int]:
    team = _team()
    if team is None:
        return {}
    courses = Course.objects.filter(organisation=team, title__in=TITLES)
    removed = {"courses": courses.count()}
    with transaction.atomic():
        members = CommunityMember.objects.filter(
            organisation=team, person_link_reason=CO_FACILITATOR_REASON
        )
        for course in courses:
            course.co_facilitators.all().delete()
        Enrolment.objects.filter(course__in=courses).delete()
        courses.delete()
        members.delete()
    return removed
