"""Test data for volunteering: a coordinating organisation and its people, members at any stage.

`VolunteerCast` (the `cast` fixture in conftest.py) adds to the shared personas a befriending
service with a coordinator, a teammate coordinator, a read-only coordinator, a coordinator of
another organisation (the outsider) and two volunteers who sign in (`volunteer`, `other_volunteer`),
both active befrienders with every check and course done.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, Role, User
from linkwell.volunteering.models import (
    CheckKind,
    CheckRecord,
    CommunityMember,
    Course,
    DbsLevel,
    RoleKind,
    RoleStatus,
    VolunteerRole,
)
from tests.personas import Personas, make_user

_seq = itertools.count(1)

ALL_COURSES = tuple(Course.values)


def make_member(
    organisation: Organisation,
    *,
    user: User | None = None,
    roles: tuple[str, ...] = (RoleKind.BEFRIENDER,),
    status: str = RoleStatus.ACTIVE,
    dbs_level: str | None = DbsLevel.ENHANCED,
    dbs_on: dt.date | None = None,
    courses: tuple[str, ...] = ALL_COURSES,
    **fields: Any,
) -> CommunityMember:
    """A community member holding `roles` at `status`, with a DBS check (checked `dbs_on`, a year
    ago by default; none when `dbs_level` is None) and `courses` done."""
    n = next(_seq)
    defaults: dict[str, Any] = {
        "given_name": f"Sam{n}",
        "family_name": f"Volunteer{n}",
        "email": f"sam{n}@example.org",
        "postcode": "SY11 1AA",
        "interests": ["gardening"],
        "languages": ["en"],
        "travel": "car",
        "travel_radius_km": 10,
        "home_visits": True,
        "max_matches": 2,
        "consent_at": timezone.now(),
    }
    defaults.update(fields)
    member = CommunityMember.objects.create(organisation=organisation, user=user, **defaults)
    today = timezone.localdate()
    for kind in roles:
        VolunteerRole.objects.create(
            member=member,
            organisation=organisation,
            kind=kind,
            status=status,
            started_on=today - dt.timedelta(days=200),
        )
    if dbs_level is not None:
        CheckRecord.objects.create(
            member=member,
            kind=CheckKind.DBS,
            dbs_level=dbs_level,
            done_on=dbs_on or today - dt.timedelta(days=365),
        )
    for course in courses:
        CheckRecord.objects.create(
            member=member,
            kind=CheckKind.TRAINING,
            course=course,
            done_on=today - dt.timedelta(days=180),
        )
    return member


@dataclass
class VolunteerCast:
    service: Organisation
    other_service: Organisation
    coordinator: User
    teammate: User
    read_only: User
    outsider: User
    volunteer: User
    other_volunteer: User
    member: CommunityMember
    other_member: CommunityMember


def build_cast(personas: Personas) -> VolunteerCast:
    service = Organisation.objects.create(
        name="Oswestry Compassionate Communities",
        kind=OrganisationKind.VCSE_PROVIDER,
        area=personas.area,
    )
    other = Organisation.objects.create(
        name="Telford Befriending", kind=OrganisationKind.VCSE_PROVIDER, area=personas.area
    )
    coordinator = make_user("coordinator@example.org", service, Role.COORDINATOR)
    teammate = make_user("coordinator2@example.org", service, Role.COORDINATOR)
    read_only = make_user("coordinator-ro@example.org", service, Role.COORDINATOR, read_only=True)
    outsider = make_user("coordinator@telford.example.org", other, Role.COORDINATOR)
    volunteer = make_user("befriender@example.org", None, None)
    other_volunteer = make_user("befriender2@example.org", None, None)
    member = make_member(
        service, user=volunteer, given_name="Margaret", family_name="Owen", gender="female"
    )
    other_member = make_member(
        service,
        user=other_volunteer,
        given_name="Dilys",
        family_name="Pryce",
        gender="female",
        interests=["knitting", "baking"],
    )
    return VolunteerCast(
        service=service,
        other_service=other,
        coordinator=coordinator,
        teammate=teammate,
        read_only=read_only,
        outsider=outsider,
        volunteer=volunteer,
        other_volunteer=other_volunteer,
        member=member,
        other_member=other_member,
    )
