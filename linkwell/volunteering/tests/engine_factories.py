"""Test data for volunteering: a coordinating organisation and its people, members at any stage;
and, for the engine's tests, a volunteer who may be introduced to anyone (`volunteer`), a person
and a fixed date.

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
from linkwell.matching.profile import Availability, Profile
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
from linkwell.volunteering.profile import SupportWanted, VolunteerProfile
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


# --- the engine's tests: profiles without the database ---------------------------------

HOME = (52.85935, -3.05602)  # Oswestry
AT = dt.date(2026, 12, 1)
KM_PER_DEGREE_LAT = 111.2
EVERY_TRAINING = frozenset(
    {"induction", "safeguarding_adults", "befriending", "connector_coaching", "lone_working"}
)


def north(km: float) -> dict[str, Any]:
    return {"latitude": HOME[0] + km / KM_PER_DEGREE_LAT, "longitude": HOME[1]}


def volunteer(vid: str = "v1", **fields: Any) -> VolunteerProfile:
    base: dict[str, Any] = {
        "id": vid,
        "status": "active",
        "roles": frozenset({"befriender", "telephone_befriender", "connector", "peer_supporter"}),
        "dbs_level": "enhanced",
        "dbs_checked_on": dt.date(2025, 6, 1),
        "training": EVERY_TRAINING,
        "home_visits": True,
        "travel_radius_km": 10.0,
        **north(1),
    }
    base.update(fields)
    return VolunteerProfile(**base)


def person(pid: str = "p1", **fields: Any) -> Profile:
    base: dict[str, Any] = {"id": pid, "latitude": HOME[0], "longitude": HOME[1]}
    base.update(fields)
    return Profile(**base)


def wanted(**fields: Any) -> SupportWanted:
    return SupportWanted(**fields)


def slot(day: str, start: int | None = None, end: int | None = None) -> Availability:
    return Availability(
        day,
        dt.time(start) if start is not None else None,
        dt.time(end) if end is not None else None,
    )
