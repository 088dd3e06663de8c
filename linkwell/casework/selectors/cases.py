"""Casework reads: the caseload, the team's caseloads, the case page's timeline, the calendar feed,
the safeguarding lead's list of concerns.

Each takes the acting user and scopes to the cases of their teams (casework/access.py). Lists are
built in a fixed number of queries whatever their length (tests assert it): per-case figures come
from correlated subqueries, per-worker figures from grouped queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.casework.access import CASE_TEAM_ROLES, case_team_ids, is_team_manager
from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    Case,
    CaseNote,
    CaseReferral,
    CaseStatus,
    FollowUp,
    Plan,
    SafeguardingConcern,
    Urgency,
    WellbeingReview,
)

if TYPE_CHECKING:
    from linkwell.referrals.models import Referral

SENSITIVE_PLACEHOLDER = "Sensitive note — restricted"
# "Near" the safe level from this share of it, so a manager sees it coming.
NEAR_SAFE_LEVEL_SHARE = 0.8


def case_reference(case: Case) -> str:
    """A short reference to name a case without personal data (calendar, emails, phone)."""
    return case.uuid.hex[:8].upper()


def initials(case: Case) -> str:
    person = case.person
    first = (person.preferred_name or person.given_name)[:1]
    return f"{first}{person.family_name[:1]}".upper()


# --- Caseload ----------------------------------------------------------------------------------


@dataclass
class CaseloadRow:
    case: Case
    referred_at: dt.datetime | None
    waiting_days: int | None
    urgency: str
    safeguarding: bool
    interpreter: bool
    follow_up_due: bool
    overdue_follow_ups: int
    next_follow_up_on: dt.date | None
    next_appointment_at: dt.datetime | None
    needs_contact_today: bool

    @property
    def is_new(self) -> bool:
        return self.case.status == CaseStatus.NEW


@dataclass
class Caseload:
    worker: User
    today: dt.date
    rows: list[CaseloadRow]

    @property
    def new(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.is_new]

    @property
    def contact_today(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.needs_contact_today]

    @property
    def overdue(self) -> list[CaseloadRow]:
        return [r for r in self.rows if r.overdue_follow_ups]


_URGENCY_RANK: dict[str, int] = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


def _annotated_cases(team_ids: list[int], today: dt.date, now: dt.datetime) -> QuerySet[Case]:
    # A case's referrals, read through casework's own link table (referrals sit above casework).
    latest_referral = CaseReferral.objects.filter(case=OuterRef("pk")).order_by(
        "-referral__received_at"
    )
    open_follow_ups = FollowUp.objects.filter(case=OuterRef("pk"), completed_at__isnull=True)
    overdue_count = (
        open_follow_ups.filter(due_on__lt=today)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Case.objects.filter(link_worker_service_id__in=team_ids)
        .select_related("person", "assigned_to")
        .annotate(
            referred_at=Subquery(latest_referral.values("referral__received_at")[:1]),
            urgency=Subquery(latest_referral.values("referral__urgency")[:1]),
            referral_safeguarding=Exists(
                CaseReferral.objects.filter(
                    case=OuterRef("pk"), referral__safeguarding_concern=True
                )
            ),
            open_concern=Exists(
                SafeguardingConcern.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
            ),
            follow_up_due=Exists(open_follow_ups.filter(due_on__lte=today)),
            overdue_follow_ups=Coalesce(
                Subquery(overdue_count, output_field=IntegerField()), Value(0)
            ),
            next_follow_up_on=Subquery(open_follow_ups.order_by("due_on").values("due_on")[:1]),
            next_appointment_at=Subquery(
                Appointment.objects.filter(
                    case=OuterRef("pk"),
                    outcome=AppointmentOutcome.BOOKED,
                    starts_at__gte=now,
                )
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
        )
    )


def _row(case: Any, today: dt.date) -> CaseloadRow:
    referred_at = case.referred_at or case.opened_at
    waiting_days: int | None = None
    if referred_at is not None:
        # Waiting time since referral: until the first contact, or until today if none yet.
        end = (
            timezone.localdate(case.first_contact_at)
            if case.first_contact_at and case.first_contact_at >= referred_at
            else today
        )
        waiting_days = max(0, (end - timezone.localdate(referred_at)).days)
    follow_up_due = bool(case.follow_up_due)
    return CaseloadRow(
        case=case,
        referred_at=referred_at,
        waiting_days=waiting_days,
        urgency=case.urgency or "",
        safeguarding=bool(case.referral_safeguarding or case.open_concern),
        interpreter=bool(case.person.interpreter_needed),
        follow_up_due=follow_up_due,
        overdue_follow_ups=int(case.overdue_follow_ups or 0),
        next_follow_up_on=case.next_follow_up_on,
        next_appointment_at=case.next_appointment_at,
        needs_contact_today=follow_up_due
        or (case.next_contact_due is not None and case.next_contact_due <= today),
    )


def caseload_for_worker(
    *, user: User, worker: User, today: dt.date | None = None, now: dt.datetime | None = None
) -> Caseload:
    """The open (not dormant) cases assigned to `worker` in the teams `user` works in.

    One query, whatever the caseload's size. Sorted so the work of the day comes first: cases
    needing contact, then by urgency, then by the longest wait.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    cases = (
        _annotated_cases(case_team_ids(user), today, now)
        .filter(assigned_to=worker)
        .exclude(status=CaseStatus.DORMANT)
    )
    rows = [_row(case, today) for case in cases]
    rows.sort(
        key=lambda r: (
            not r.needs_contact_today,
            _URGENCY_RANK.get(r.urgency, 3),
            -(r.waiting_days or 0),
        )
    )
    return Caseload(worker=worker, today=today, rows=rows)


def managed_team_ids(user: User) -> list[int]:
    """Link-worker services where `user` is a team manager (or an administrator)."""
    if not user.is_authenticated:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                user=user,
                is_active=True,
                organisation__is_active=True,
                role__in=[Role.TEAM_MANAGER, Role.ADMINISTRATOR],
            ).values_list("organisation_id", flat=True)
        )
    )


def worker_visible_to(user: User, worker: User) -> bool:
    """A user sees their own caseload; a team manager also their team members' caseloads."""
    if worker.pk == user.pk:
        return True
    return Membership.objects.filter(
        user=worker, is_active=True, organisation_id__in=managed_team_ids(user)
    ).exists()


def has_caseload(user: User) -> bool:
    """Whether the Caseload page means anything to this user (a link-worker team member)."""
    return bool(case_team_ids(user))


# --- The team page -----------------------------------------------------------------------------


@dataclass
class WorkerLoad:
    worker: User | None  # None: cases nobody is assigned to yet
    open_cases: int = 0
    new: int = 0
    contact_due: int = 0
    overdue_follow_ups: int = 0
    people_seen_12_months: int = 0
    safe_level: int = 250

    @property
    def share(self) -> float:
        return self.people_seen_12_months / self.safe_level if self.safe_level else 0.0

    @property
    def level(self) -> str:
        """'over', 'near' or 'ok' against the safe level of people seen a year."""
        if self.worker is None:
            return "ok"
        if self.people_seen_12_months > self.safe_level:
            return "over"
        if self.share >= NEAR_SAFE_LEVEL_SHARE:
            return "near"
        return "ok"


@dataclass
class TeamLoad:
    team: Organisation
    workers: list[WorkerLoad] = field(default_factory=list)
    unassigned: WorkerLoad | None = None

    @property
    def open_cases(self) -> int:
        return sum(w.open_cases for w in self.workers) + (
            self.unassigned.open_cases if self.unassigned else 0
        )


def safe_level() -> int:
    return int(settings.CASELOAD_SAFE_LEVEL)


def team_caseloads(*, user: User, today: dt.date | None = None) -> list[TeamLoad]:
    """Every team the user manages, each worker's load against the safe level.

    "People seen in the last 12 months" counts distinct people with an attended contact with the
    worker (the appointment's worker, else the case's assigned worker) in the last 365 days: the
    unit of the guidance (200-250 people a year per full-time link worker). Five queries in all.
    """
    today = today or timezone.localdate()
    team_ids = managed_team_ids(user)
    if not team_ids:
        return []
    level = safe_level()
    teams = {t.pk: TeamLoad(team=t) for t in Organisation.objects.filter(pk__in=team_ids)}
    loads: dict[tuple[int, int | None], WorkerLoad] = {}
    members = (
        Membership.objects.filter(
            organisation_id__in=team_ids,
            is_active=True,
            user__is_active=True,
            role__in=[Role.LINK_WORKER, Role.TEAM_MANAGER],
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    for m in members:
        if (m.organisation_id, m.user_id) not in loads:
            member_load = WorkerLoad(worker=m.user, safe_level=level)
            loads[(m.organisation_id, m.user_id)] = member_load
            teams[m.organisation_id].workers.append(member_load)

    def load_for(team_id: int, worker_id: int | None) -> WorkerLoad | None:
        if (team_id, worker_id) in loads:
            return loads[(team_id, worker_id)]
        if worker_id is None:
            unassigned = WorkerLoad(worker=None, safe_level=level)
            teams[team_id].unassigned = loads[(team_id, None)] = unassigned
            return unassigned
        return None  # cases of someone who left the team: they show as the team's total only

    open_cases = (
        Case.objects.filter(link_worker_service_id__in=team_ids)
        .exclude(status=CaseStatus.DORMANT)
        .order_by()
        .values("link_worker_service_id", "assigned_to_id")
        .annotate(
            n=Count("pk"),
            new=Count("pk", filter=Q(status=CaseStatus.NEW)),
            due=Count("pk", filter=Q(next_contact_due__lte=today)),
        )
    )
    for row in open_cases:
        if (load := load_for(row["link_worker_service_id"], row["assigned_to_id"])) is not None:
            load.open_cases, load.new, load.contact_due = row["n"], row["new"], row["due"]
    overdue = (
        FollowUp.objects.filter(
            case__link_worker_service_id__in=team_ids, completed_at__isnull=True, due_on__lt=today
        )
        .exclude(case__status=CaseStatus.DORMANT)
        .order_by()
        .values("case__link_worker_service_id", "case__assigned_to_id")
        .annotate(n=Count("pk"))
    )
    for team_id, worker_id, n in overdue.values_list(
        "case__link_worker_service_id", "case__assigned_to_id", "n"
    ):
        if (overdue_load := load_for(team_id, worker_id)) is not None:
            overdue_load.overdue_follow_ups = n
    since = timezone.now() - dt.timedelta(days=365)
    seen = (
        Appointment.objects.filter(
            case__link_worker_service_id__in=team_ids,
            outcome=AppointmentOutcome.ATTENDED,
            starts_at__gte=since,
        )
        .annotate(worker_id=Coalesce("with_user_id", "case__assigned_to_id"))
        .order_by()
        .values("case__link_worker_service_id", "worker_id")
        .annotate(people=Count("case__person_id", distinct=True))
    )
    for team_id, worker_id, people in seen.values_list(
        "case__link_worker_service_id", "worker_id", "people"
    ):
        if worker_id is not None and (seen_load := loads.get((team_id, worker_id))) is not None:
            seen_load.people_seen_12_months = people
    return [teams[t] for t in sorted(teams, key=lambda t: teams[t].team.name)]


# --- The case page -----------------------------------------------------------------------------


@dataclass
class TimelineItem:
    at: dt.datetime
    # "appointment", "note", "connection", "safeguarding", "follow_up", "referral", "review"
    kind: str
    title: str
    body: str = ""
    restricted: bool = False
    obj: Any = None


@dataclass
class CaseView:
    case: Case
    referrals: list[Referral]
    appointments: list[Appointment]
    upcoming: list[Appointment]
    follow_ups: list[FollowUp]
    concerns: list[tuple[SafeguardingConcern, bool]]
    timeline: list[TimelineItem]
    has_plan: bool
    review_count: int


def case_view(*, user: User, case: Case) -> CaseView:
    """Everything the case page shows, with sensitive notes redacted for this user.

    A fixed number of queries (one per kind of record), whatever the case's history.
    """
    now = timezone.now()
    manager = is_team_manager(user, case)
    referrals = [
        link.referral
        for link in CaseReferral.objects.filter(case=case)
        .select_related("referral__referrer_organisation")
        .prefetch_related("referral__reasons")
        .order_by("-referral__received_at")
    ]
    appointments = list(
        Appointment.objects.filter(case=case)
        .select_related("with_user", "rebooked_from")
        .order_by("-starts_at")
    )
    notes = list(CaseNote.objects.filter(case=case).select_related("author"))
    concerns = list(
        SafeguardingConcern.objects.filter(case=case)
        .select_related("raised_by", "lead")
        .order_by("-created_at")
    )
    follow_ups = list(FollowUp.objects.filter(case=case).order_by("due_on"))
    # The case's connections, through their reverse relation (connections sit above casework).
    connections = list(case.connections.select_related("service").order_by("-created_at"))

    def readable_note(note: CaseNote) -> bool:
        if not note.sensitive:
            return True
        return note.author_id == user.pk or case.assigned_to_id == user.pk or manager

    def readable_concern(concern: SafeguardingConcern) -> bool:
        return (
            concern.raised_by_id == user.pk
            or concern.lead_id == user.pk
            or case.assigned_to_id == user.pk
            or manager
        )

    timeline: list[TimelineItem] = []
    for referral in referrals:
        timeline.append(
            TimelineItem(
                at=referral.received_at,
                kind="referral",
                title=f"Referred by {referral.get_source_display()}"
                + (
                    f" ({referral.referrer_organisation.name})"
                    if referral.referrer_organisation
                    else ""
                ),
                obj=referral,
            )
        )
    for appointment in appointments:
        title = f"{appointment.get_kind_display()}: {appointment.get_outcome_display().lower()}"
        timeline.append(
            TimelineItem(
                at=appointment.starts_at,
                kind="appointment",
                title=title,
                body=appointment.notes,
                obj=appointment,
            )
        )
    for note in notes:
        ok = readable_note(note)
        timeline.append(
            TimelineItem(
                at=note.created_at,
                kind="note",
                title="Sensitive note" if note.sensitive else "Note",
                body=note.text if ok else SENSITIVE_PLACEHOLDER,
                restricted=not ok,
                obj=note,
            )
        )
    concern_rows: list[tuple[SafeguardingConcern, bool]] = []
    for concern in concerns:
        ok = readable_concern(concern)
        concern_rows.append((concern, ok))
        timeline.append(
            TimelineItem(
                at=concern.created_at,
                kind="safeguarding",
                title=f"Safeguarding concern escalated to {concern.lead or 'nobody'}",
                body=concern.description if ok else "Safeguarding concern — restricted",
                restricted=not ok,
                obj=concern,
            )
        )
    for connection in connections:
        timeline.append(
            TimelineItem(
                at=connection.requested_at or connection.created_at,
                kind="connection",
                title=f"{connection.get_kind_display()}: {connection.service}",
                body=connection.get_status_display(),
                obj=connection,
            )
        )
    for follow_up in follow_ups:
        if follow_up.completed_at:
            timeline.append(
                TimelineItem(
                    at=follow_up.completed_at,
                    kind="follow_up",
                    title=f"{follow_up.get_kind_display()} completed",
                    body=follow_up.notes,
                    obj=follow_up,
                )
            )
    reviews = list(WellbeingReview.objects.filter(case=case).order_by("-held_on"))
    for review in reviews:
        timeline.append(
            TimelineItem(
                at=review.created_at,
                kind="review",
                title=f"Wellbeing review held {review.held_on:%-d %B %Y}",
                obj=review,
            )
        )
    timeline.sort(key=lambda item: item.at, reverse=True)
    has_plan = Plan.objects.filter(case=case).exists()
    review_count = len(reviews)
    return CaseView(
        case=case,
        referrals=referrals,
        appointments=appointments,
        upcoming=sorted(
            (
                a
                for a in appointments
                if a.outcome == AppointmentOutcome.BOOKED and a.starts_at >= now
            ),
            key=lambda a: a.starts_at,
        ),
        follow_ups=follow_ups,
        concerns=concern_rows,
        timeline=timeline,
        has_plan=has_plan,
        review_count=review_count,
    )


# --- The calendar feed -------------------------------------------------------------------------

_CALENDAR_SALT = "linkwell.casework.calendar-feed"


def _calendar_mac(user: User) -> str:
    # The password hash is part of the key: changing the password revokes old feed links, the
    # way Django's password-reset tokens are revoked.
    return salted_hmac(
        _CALENDAR_SALT, f"{user.uuid.hex}:{user.password}", algorithm="sha256"
    ).hexdigest()[:32]


def calendar_token(user: User) -> str:
    """A per-user token for the .ics feed URL: calendar apps cannot sign in, so the URL is the
    credential. It names the user (uuid) and carries an HMAC; no session needed."""
    return f"{user.uuid.hex}-{_calendar_mac(user)}"


def user_for_calendar_token(token: str) -> User | None:
    uuid_hex, _, mac = token.partition("-")
    if len(uuid_hex) != 32 or not mac:
        return None
    try:
        user = User.objects.get(uuid=uuid_hex, is_active=True)
    except (User.DoesNotExist, ValueError, signing.BadSignature):
        return None
    if not constant_time_compare(mac, _calendar_mac(user)):
        return None
    return user


def calendar_appointments(*, user: User, now: dt.datetime | None = None) -> QuerySet[Appointment]:
    """The worker's contacts from 30 days back to a year ahead, in their teams' cases."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(
            case__link_worker_service_id__in=case_team_ids(user),
            starts_at__gte=now - dt.timedelta(days=30),
            starts_at__lte=now + dt.timedelta(days=366),
        )
        .filter(Q(with_user=user) | Q(with_user__isnull=True, case__assigned_to=user))
        .select_related("case__person")
        .order_by("starts_at")
    )


# --- Safeguarding concerns (views/safeguarding.py) --------------------------------------------

RESOLVED_CONCERNS_PER_PAGE = 50


def _lead_scope(user: User, *, managed: Any, writable: Any) -> Q:
    """The concerns a lead handles: every one in the cases of the teams they manage through a
    writable membership (`managed`), and those named to them in their writable teams. Team ids as
    a list or a subquery; shared by the list and the team page's count so they always agree."""
    return Q(case__link_worker_service_id__in=managed) | Q(
        lead=user, case__link_worker_service_id__in=writable
    )


def safeguarding_concerns_for_lead(*, user: User) -> QuerySet[SafeguardingConcern] | None:
    """The concerns this user handles as a safeguarding lead, or None when the page is not for
    them. Raises Http404 for people in no link-worker team, so the page does not exist for them.

    Team managers (and administrators) handle every concern in the cases of their teams; anyone
    else the concerns escalated to them by name. Only writable memberships count.
    """
    if not case_team_ids(user):
        raise Http404("No such page")
    writable = case_team_ids(user, write=True)
    managed = sorted(set(managed_team_ids(user)) & set(writable))
    concerns = SafeguardingConcern.objects.filter(
        _lead_scope(user, managed=managed, writable=writable)
    )
    if not managed and not concerns.exists():
        return None
    return concerns.select_related("case__person", "raised_by", "lead")


def open_concern_count_for_lead(*, user: User) -> int:
    """How many open concerns `user` handles: what the list's "Open" tab counts
    (`safeguarding_concerns_for_lead`), in one query, the memberships being subqueries (the team
    page's query count depends on it)."""
    memberships = Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
    writable = memberships.filter(role__in=CASE_TEAM_ROLES, read_only=False).values(
        "organisation_id"
    )
    managed = writable.filter(
        organisation_id__in=memberships.filter(
            role__in=[Role.TEAM_MANAGER, Role.ADMINISTRATOR]
        ).values("organisation_id")
    )
    return SafeguardingConcern.objects.filter(
        _lead_scope(user, managed=managed, writable=writable), resolved_at__isnull=True
    ).count()


def concern_days_open(concern: SafeguardingConcern, now: dt.datetime) -> int:
    """Whole days from raising to resolving (or to `now` while open)."""
    return max(((concern.resolved_at or now) - concern.created_at).days, 0)


@dataclass
class ConcernRow:
    concern: SafeguardingConcern
    reference: str
    days_open: int
    escalated_to_me: bool


@dataclass
class ConcernList:
    rows: list[ConcernRow]
    page: Page[SafeguardingConcern] | None  # the resolved tab only
    open_count: int

    @property
    def concerns(self) -> list[SafeguardingConcern]:
        return [row.concern for row in self.rows]

    @property
    def mine_count(self) -> int:
        return sum(1 for r in self.rows if r.escalated_to_me and not r.concern.resolved_at)


def safeguarding_concern_list(
    *,
    user: User,
    concerns: QuerySet[SafeguardingConcern],
    show_resolved: bool,
    page_number: str | None = None,
    now: dt.datetime | None = None,
) -> ConcernList:
    """The open concerns oldest first, or one page of the resolved ones most recent first, from
    `concerns` (`safeguarding_concerns_for_lead`). A fixed number of queries whatever the length:
    the open tab one, the resolved tab three (pager count, page with who resolved each, open
    count)."""
    now = now or timezone.now()
    page: Page[SafeguardingConcern] | None = None
    if show_resolved:
        paginator = Paginator(
            concerns.filter(resolved_at__isnull=False)
            .select_related("resolved_by")
            .order_by("-resolved_at", "-pk"),
            RESOLVED_CONCERNS_PER_PAGE,
        )
        page = paginator.get_page(page_number)
        listed = list(page.object_list)
    else:
        listed = list(concerns.filter(resolved_at__isnull=True).order_by("created_at", "pk"))
    rows = [
        ConcernRow(
            concern=c,
            reference=case_reference(c.case),
            days_open=concern_days_open(c, now),
            escalated_to_me=c.lead_id == user.pk,
        )
        for c in listed
    ]
    open_count = concerns.filter(resolved_at__isnull=True).count() if show_resolved else len(rows)
    return ConcernList(rows=rows, page=page, open_count=open_count)
