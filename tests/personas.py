"""Personas for tests (CONVENTIONS: owner, teammate, read-only member, outsider, anonymous).

The owner and teammate are provider staff of the same VCSE provider; the read-only member
belongs to it with a read-only membership; the outsider is provider staff elsewhere. A link
worker, a team manager, a commissioner and an administrator complete the cast.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkwell.accounts.models import Area, Membership, Organisation, OrganisationKind, Role, User

PASSWORD = "Correct-Horse-42!"


@dataclass
class Personas:
    area: Area
    provider_org: Organisation
    other_provider_org: Organisation
    link_worker_service: Organisation
    practice: Organisation
    commissioner_org: Organisation
    owner: User
    teammate: User
    read_only: User
    outsider: User
    link_worker: User
    team_manager: User
    commissioner: User
    admin: User
    # For the journey's access rules: a second link-worker team, a colleague of the link worker,
    # a read-only member of the team, and GP practice staff who refer.
    other_team: Organisation
    other_team_link_worker: User
    link_worker_teammate: User
    read_only_link_worker: User
    referrer: User


def make_user(
    email: str,
    org: Organisation | None,
    role: str | None,
    *,
    read_only: bool = False,
    **extra: object,
) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, full_name=email.split("@")[0].title(), **extra
    )
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role, read_only=read_only)
    return user


def build_personas() -> Personas:
    area = Area.objects.create(name="Oswestry and Borders")
    provider = Organisation.objects.create(
        name="Oswestry Men's Shed", kind=OrganisationKind.VCSE_PROVIDER, area=area
    )
    other = Organisation.objects.create(
        name="Whitchurch Walking Group", kind=OrganisationKind.VCSE_PROVIDER, area=area
    )
    lws = Organisation.objects.create(
        name="Shropshire Social Prescribing",
        kind=OrganisationKind.LINK_WORKER_SERVICE,
        area=area,
    )
    practice = Organisation.objects.create(
        name="Caxton Surgery", kind=OrganisationKind.GP_PRACTICE, area=area, ods_code="M82015"
    )
    commissioner_org = Organisation.objects.create(
        name="Shropshire ICB", kind=OrganisationKind.COMMISSIONER, area=area
    )
    other_team = Organisation.objects.create(
        name="Telford Community Connectors",
        kind=OrganisationKind.LINK_WORKER_SERVICE,
        area=area,
    )
    return Personas(
        area=area,
        provider_org=provider,
        other_provider_org=other,
        link_worker_service=lws,
        practice=practice,
        commissioner_org=commissioner_org,
        owner=make_user("owner@shed.example", provider, Role.PROVIDER_STAFF),
        teammate=make_user("teammate@shed.example", provider, Role.PROVIDER_STAFF),
        read_only=make_user("readonly@shed.example", provider, Role.PROVIDER_STAFF, read_only=True),
        outsider=make_user("outsider@walking.example", other, Role.PROVIDER_STAFF),
        link_worker=make_user("linkworker@sp.example", lws, Role.LINK_WORKER),
        team_manager=make_user("manager@sp.example", lws, Role.TEAM_MANAGER),
        commissioner=make_user("analyst@icb.example", commissioner_org, Role.COMMISSIONER),
        admin=make_user(
            "admin@linkwell.example", lws, Role.ADMINISTRATOR, is_staff=True, is_superuser=True
        ),
        other_team=other_team,
        other_team_link_worker=make_user("connector@telford.example", other_team, Role.LINK_WORKER),
        link_worker_teammate=make_user("colleague@sp.example", lws, Role.LINK_WORKER),
        read_only_link_worker=make_user(
            "student@sp.example", lws, Role.LINK_WORKER, read_only=True
        ),
        referrer=make_user("reception@caxton.example", practice, Role.REFERRER),
    )
