"""Reads of member records for coordinators: the volunteers list with flags, and one member.

Both are scoped to the organisations the user coordinates (`access.coordinator_org_ids`) and
read in a fixed number of queries, however many volunteers there are (tests assert it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.volunteering.access import coordinator_org_ids
from linkwell.volunteering.checks import CheckState, check_state
from linkwell.volunteering.models import (
    LIVE_MATCH_STATUSES,
    Activity,
    CheckKind,
    CheckRecord,
    CommunityMember,
    Match,
    RoleStatus,
    RoleStatusChange,
    Supervision,
    VolunteerRole,
)
from linkwell.volunteering.services.roles import REQUIRED_COURSES

FLAGS = {
    "lapsed": "DBS check lapsed or missing",
    "expiring": "DBS check lapses soon",
    "missing_training": "Induction or safeguarding training not done",
}


@dataclass
class MemberRow:
    member: CommunityMember
    roles: list[VolunteerRole]
    state: CheckState
    live_matches: int

    @property
    def flags(self) -> tuple[str, ...]:
        return self.state.flags

    @property
    def flag_kinds(self) -> set[str]:
        return member_flag_kinds(self.state)


def member_flag_kinds(state: CheckState) -> set[str]:
    """Which of FLAGS a member's check state raises."""
    kinds: set[str] = set()
    if not state.dbs_valid:
        kinds.add("lapsed")
    elif state.dbs_expires_on is not None and any(f.startswith("DBS") for f in state.flags):
        kinds.add("expiring")
    if state.missing_courses(REQUIRED_COURSES):
        kinds.add("missing_training")
    return kinds


def _members_for(user: User) -> QuerySet[CommunityMember]:
    return CommunityMember.objects.filter(organisation_id__in=coordinator_org_ids(user))


def member_list_for_user(
    user: User,
    *,
    status: str = "",
    role: str = "",
    flag: str = "",
    q: str = "",
    at: dt.date | None = None,
) -> list[MemberRow]:
    """The volunteers of the organisations `user` coordinates, with their open roles (left
    roles only when nothing else is open), check flags and live match count. Filters: a role
    `status`, a role `role` kind, a `flag` (FLAGS) and `q`, part of a name. Four queries."""
    at = at or timezone.localdate()
    members = _members_for(user)
    if status:
        members = members.filter(roles__status=status)
    if role:
        members = members.filter(roles__kind=role)
    for word in q.split()[:5]:
        members = members.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    members = (
        members.distinct()
        .annotate(
            live=Count(
                "matches",
                filter=Q(matches__status__in=LIVE_MATCH_STATUSES),
                distinct=True,
            )
        )
        .prefetch_related(
            Prefetch("roles", queryset=VolunteerRole.objects.order_by("kind")),
            "checks",
        )
        .order_by("given_name", "family_name", "pk")
    )
    rows: list[MemberRow] = []
    for member in members:
        roles = list(member.roles.all())
        open_roles = [r for r in roles if r.status != RoleStatus.LEFT]
        state = check_state(member.checks.all(), at=at)
        row = MemberRow(
            member=member,
            roles=open_roles or roles,
            state=state,
            live_matches=member.live,
        )
        if flag and flag not in row.flag_kinds:
            continue
        rows.append(row)
    return rows


def member_status_counts(user: User) -> dict[str, int]:
    """How many of the user's volunteers hold a role at each status (a volunteer with two roles
    counts under each of their statuses once)."""
    counts = dict.fromkeys(RoleStatus.values, 0)
    for status, n in (
        VolunteerRole.objects.filter(member__organisation_id__in=coordinator_org_ids(user))
        .values("status")
        .annotate(n=Count("member", distinct=True))
        .values_list("status", "n")
    ):
        counts[status] = n
    return counts


@dataclass
class MemberDetail:
    member: CommunityMember
    roles: list[VolunteerRole]
    state: CheckState
    flag_kinds: set[str]
    dbs_checks: list[CheckRecord] = field(default_factory=list)
    references: list[CheckRecord] = field(default_factory=list)
    training: list[CheckRecord] = field(default_factory=list)
    supervisions: list[Supervision] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    minutes: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def member_detail(member: CommunityMember, *, at: dt.date | None = None) -> MemberDetail:
    """Everything the member page shows about a member the caller may already see (the access
    helper fetched it): roles with their history, checks, supervision, matches and hours."""
    at = at or timezone.localdate()
    roles = list(
        member.roles.prefetch_related(
            Prefetch("changes", queryset=RoleStatusChange.objects.select_related("changed_by"))
        ).order_by("status", "kind")
    )
    roles.sort(key=lambda r: (r.status == RoleStatus.LEFT, r.kind))
    checks = list(member.checks.select_related("recorded_by"))
    state = check_state(checks, at=at)
    minutes = Activity.objects.filter(member=member).aggregate(total=Sum("minutes"))["total"]
    return MemberDetail(
        member=member,
        roles=roles,
        state=state,
        flag_kinds=member_flag_kinds(state),
        dbs_checks=[c for c in checks if c.kind == CheckKind.DBS],
        references=[c for c in checks if c.kind == CheckKind.REFERENCE],
        training=[c for c in checks if c.kind == CheckKind.TRAINING],
        supervisions=list(member.supervisions.select_related("held_by")),
        matches=list(member.matches.select_related("request", "request__person")),
        minutes=int(minutes or 0),
    )
