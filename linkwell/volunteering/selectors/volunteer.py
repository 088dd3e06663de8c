"""Reads for the volunteer's own pages, their hours, and the hours every report counts.

What a volunteer sees of a person they support is deliberately little (README.md, "The
volunteer's side"): the first (preferred) name, how to reach them, what they enjoy, what to know
to be safe, and when the match is next reviewed. `PersonCard` holds only those, so a template
cannot show more than the selector read out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.volunteering.access import coordinator_org_ids, volunteer_members
from linkwell.volunteering.checks import check_state
from linkwell.volunteering.models import (
    Activity,
    ActivityKind,
    CommunityMember,
    Course,
    Match,
    MatchStatus,
    RoleKind,
    RoleStatus,
)

# The courses each role needs beyond induction and safeguarding adults, which every role needs
# and `check_state` already flags. Read by the volunteer's "training due".
ROLE_COURSES: dict[str, tuple[str, ...]] = {
    RoleKind.BEFRIENDER: (Course.BEFRIENDING, Course.LONE_WORKING),
    RoleKind.TELEPHONE_BEFRIENDER: (Course.BEFRIENDING,),
    RoleKind.CONNECTOR: (Course.CONNECTOR_COACHING, Course.LONE_WORKING),
    RoleKind.WELLBEING_AMBASSADOR: (Course.MENTAL_HEALTH_FIRST_AID,),
    RoleKind.PEER_SUPPORTER: (Course.MENTAL_HEALTH_FIRST_AID,),
    RoleKind.DRIVER: (Course.LONE_WORKING,),
    RoleKind.CO_FACILITATOR: (),
}


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


@dataclass(frozen=True)
class MemberHours:
    """A volunteer's time given, in minutes, as of `today`."""

    total_minutes: int = 0
    month_minutes: int = 0
    year_minutes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # kind label -> minutes, all time

    @property
    def total_hours(self) -> float:
        return _hours(self.total_minutes)

    @property
    def month_hours(self) -> float:
        return _hours(self.month_minutes)

    @property
    def year_hours(self) -> float:
        return _hours(self.year_minutes)

    @property
    def by_kind_hours(self) -> list[tuple[str, float]]:
        return [(label, _hours(m)) for label, m in self.by_kind.items()]


def hours_for_member(
    member: CommunityMember | list[CommunityMember], *, today: dt.date | None = None
) -> MemberHours:
    """Total, this calendar month's and this calendar year's minutes, and all-time minutes by
    kind, for one member (or the records of one volunteer in several organisations). Two
    queries."""
    today = today or timezone.localdate()
    members = member if isinstance(member, list) else [member]
    rows = Activity.objects.filter(member__in=members, happened_on__lte=today)
    totals = rows.aggregate(
        total=Sum("minutes"),
        year=Sum("minutes", filter=Q(happened_on__year=today.year)),
        month=Sum(
            "minutes", filter=Q(happened_on__year=today.year, happened_on__month=today.month)
        ),
    )
    labels = dict(ActivityKind.choices)
    by_kind = {
        labels[row["kind"]]: row["minutes"]
        for row in rows.values("kind").annotate(minutes=Sum("minutes")).order_by("-minutes")
    }
    return MemberHours(
        total_minutes=totals["total"] or 0,
        month_minutes=totals["month"] or 0,
        year_minutes=totals["year"] or 0,
        by_kind=by_kind,
    )


@dataclass(frozen=True)
class VolunteerHours:
    """Hours volunteers gave in a period: what the time bank and the social return model count.

    `minutes_by_kind` is keyed by `ActivityKind` value; `contact_minutes` is time with people
    supported (visits, meetings, calls), `other_minutes` everything else."""

    minutes: int
    volunteers: int
    activities: int
    minutes_by_kind: dict[str, int]

    @property
    def hours(self) -> float:
        return _hours(self.minutes)

    @property
    def contact_minutes(self) -> int:
        contact = {ActivityKind.HOME_VISIT, ActivityKind.MEET_OUT, ActivityKind.PHONE}
        return sum(m for k, m in self.minutes_by_kind.items() if k in contact)

    @property
    def other_minutes(self) -> int:
        return self.minutes - self.contact_minutes


def volunteer_hours(
    *,
    organisation: Organisation | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> VolunteerHours:
    """Hours given from `start` to `end` inclusive (either open), for one organisation or all.
    Counts people and time, never who: safe to pass to a report's disclosure control. Two
    queries."""
    rows: QuerySet[Activity] = Activity.objects.all()
    if organisation is not None:
        rows = rows.filter(member__organisation=organisation)
    if start is not None:
        rows = rows.filter(happened_on__gte=start)
    if end is not None:
        rows = rows.filter(happened_on__lte=end)
    totals = rows.aggregate(
        minutes=Sum("minutes"), volunteers=Count("member", distinct=True), activities=Count("pk")
    )
    by_kind = {
        row["kind"]: row["minutes"]
        for row in rows.values("kind").annotate(minutes=Sum("minutes")).order_by("kind")
    }
    return VolunteerHours(
        minutes=totals["minutes"] or 0,
        volunteers=totals["volunteers"] or 0,
        activities=totals["activities"] or 0,
        minutes_by_kind=by_kind,
    )


@dataclass(frozen=True)
class PersonCard:
    """What a volunteer is shown of a person they support, and nothing else."""

    match_id: str
    first_name: str
    phone: str
    prefers: str
    contact_mode: str
    about: str
    safety_notes: str
    review_on: dt.date | None
    role: str


def person_card(match: Match) -> PersonCard:
    """The card for `match` (its request and person read with it)."""
    request = match.request
    person = request.person
    return PersonCard(
        match_id=str(match.uuid),
        first_name=person.preferred_name or person.given_name,
        phone=person.phone,
        prefers=person.get_preferred_contact_method_display(),
        contact_mode=request.get_contact_display(),
        about=request.about,
        safety_notes=request.safety_notes,
        review_on=match.review_on,
        role=request.get_role_display(),
    )


@dataclass(frozen=True)
class TrainingDue:
    organisation: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class MyVolunteering:
    members: list[CommunityMember]
    people: list[tuple[Match, PersonCard]]
    introductions: list[tuple[Match, PersonCard]]
    hours: MemberHours
    next_review: tuple[dt.date, str] | None
    training_due: list[TrainingDue]
    last_supervision: dt.date | None

    @property
    def matches(self) -> list[Match]:
        return [m for m, _card in [*self.people, *self.introductions]]


def training_due(member: CommunityMember, *, today: dt.date) -> list[str]:
    """What a member should do next: `check_state`'s flags, then the courses their open roles
    need that they have not done (`ROLE_COURSES`). Reads `member.checks` and `member.roles`
    (prefetch them for a list)."""
    state = check_state(member.checks.all(), at=today)
    needed: list[str] = []
    for role in member.roles.all():
        if role.status == RoleStatus.LEFT:
            continue
        for course in ROLE_COURSES.get(role.kind, ()):
            if course not in needed:
                needed.append(course)
    return [
        *state.flags,
        *(f"{Course(c).label} training" for c in state.missing_courses(needed)),
    ]


def my_volunteering(*, user: User, today: dt.date | None = None) -> MyVolunteering | None:
    """The signed-in volunteer's page, or None when they are no community member. A fixed
    number of queries whatever the number of matches."""
    today = today or timezone.localdate()
    members = list(volunteer_members(user).prefetch_related("checks", "roles", "supervisions"))
    if not members:
        return None
    matches = list(
        Match.objects.filter(
            member__in=members, status__in=[MatchStatus.INTRODUCED, MatchStatus.ACTIVE]
        )
        .select_related("request__person")
        .order_by("status", "review_on", "introduced_at")
    )
    people = [(m, person_card(m)) for m in matches if m.status == MatchStatus.ACTIVE]
    introductions = [(m, person_card(m)) for m in matches if m.status == MatchStatus.INTRODUCED]
    reviews = sorted((m.review_on, card.first_name) for m, card in people if m.review_on)
    supervisions = [s.held_on for member in members for s in member.supervisions.all()]
    due = [
        TrainingDue(organisation=member.organisation.name, items=tuple(items))
        for member in members
        if (items := training_due(member, today=today))
    ]
    return MyVolunteering(
        members=members,
        people=people,
        introductions=introductions,
        hours=hours_for_member(members, today=today),
        next_review=reviews[0] if reviews else None,
        training_due=due,
        last_supervision=max(supervisions) if supervisions else None,
    )


def recent_activity(*, match: Match, limit: int = 5) -> list[Activity]:
    """The volunteer's last few logs on a match, for the match page."""
    return list(match.activities.order_by("-happened_on", "-pk")[:limit])


def volunteer_concerns_for_coordinator(*, user: User) -> QuerySet[Activity] | None:
    """Concerns volunteers raised in the organisations `user` coordinates (read-only
    coordinators too), newest first; None when they coordinate none (the page is not for them).
    Those on requests with a case went to the case's safeguarding lead and are listed to say so."""
    org_ids = coordinator_org_ids(user)
    if not org_ids:
        return None
    return (
        Activity.objects.filter(member__organisation_id__in=org_ids)
        .exclude(concern="")
        .select_related(
            "member__organisation",
            "match__request__person",
            "concern_lead",
            "safeguarding_concern__lead",
        )
        .order_by("-created_at", "-pk")
    )
