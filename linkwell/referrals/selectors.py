"""Reads for triage, allocation and the referrer's "sent" list. Each takes the acting user."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.casework.access import case_team_ids
from linkwell.casework.models import CaseStatus, Urgency
from linkwell.directory.models import DirectoryOrganization, Phone, ServiceStatus
from linkwell.people.access import referrer_organisation_ids
from linkwell.people.models import Person
from linkwell.referrals.models import LinkWorkerCoverage, Referral, ReferralStatus
from linkwell.referrals.services import ASSIGNABLE_ROLES


def triage_teams(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=case_team_ids(user)).order_by("name"))


def triage_waiting(user: User) -> list[tuple[Organisation, int]]:
    """Each of the user's triage teams (by name) with how many referrals wait in its queue
    (`triage_queue`'s count), in one query: the home page's "Your work today"."""
    teams = Organisation.objects.filter(pk__in=case_team_ids(user)).annotate(
        waiting=Count(
            "referrals_received", filter=Q(referrals_received__status=ReferralStatus.RECEIVED)
        )
    )
    return [(team, team.waiting) for team in teams.order_by("name")]


def triage_queue(*, user: User, team: Organisation) -> QuerySet[Referral]:
    """New referrals for `team` (empty unless the user works in it): urgent first, then
    safeguarding flags, then the longest wait."""
    if team.pk not in case_team_ids(user):
        return Referral.objects.none()
    urgency_rank = SqlCase(
        When(urgency=Urgency.URGENT, then=Value(0)),
        When(urgency=Urgency.SOON, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Referral.objects.filter(link_worker_service=team, status=ReferralStatus.RECEIVED)
        .select_related("person", "referrer_organisation")
        .prefetch_related("reasons")
        .annotate(urgency_rank=urgency_rank)
        .order_by("urgency_rank", "-safeguarding_concern", "received_at")
    )


def waiting_days(received_at: dt.datetime, *, today: dt.date | None = None) -> int:
    """Whole days a referral has waited, counted on local calendar dates (received yesterday
    evening is 1 day this morning), never negative (a clock a little ahead of ours)."""
    today = today or timezone.localdate()
    return max(0, (today - timezone.localdate(received_at)).days)


# Triage flags a referral this many days before its first-contact target falls due.
TARGET_WARNING_DAYS = 2


@dataclass(frozen=True)
class TargetFlag:
    """Where a waiting referral stands against its service's first-contact target."""

    days_left: int  # negative once the target has passed
    label: str
    overdue: bool


def target_flag(*, waiting: int, target_days: int) -> TargetFlag | None:
    """A flag for triage when the referral is within `TARGET_WARNING_DAYS` of the target (days
    from received to first contact) or past it; None while it has longer."""
    days_left = target_days - waiting
    if days_left > TARGET_WARNING_DAYS:
        return None
    if days_left < 0:
        late = -days_left
        return TargetFlag(days_left, f"{late} day{'s' if late != 1 else ''} past target", True)
    if days_left == 0:
        return TargetFlag(0, "Target today", False)
    return TargetFlag(days_left, f"Target in {days_left} day{'s' if days_left != 1 else ''}", False)


@dataclass
class WorkerOption:
    user: User
    open_cases: int
    covers_practice: bool
    is_link_worker: bool = True


def allocation_options(*, team: Organisation, person: Person) -> list[WorkerOption]:
    """Who a referral can be allocated to, the suggestion first: link workers covering the
    person's registered practice (the practice cluster), then the team's other link workers,
    each smallest open caseload first; team managers who are not link workers in the team come
    last, so a manager is suggested only when nobody else can take the case."""
    memberships = Membership.objects.filter(
        organisation=team,
        is_active=True,
        read_only=False,
        role__in=ASSIGNABLE_ROLES,
        user__is_active=True,
    )
    members = memberships.values_list("user_id", flat=True).distinct()
    link_workers = set(memberships.filter(role=Role.LINK_WORKER).values_list("user_id", flat=True))
    users = (
        User.objects.filter(pk__in=members)
        .annotate(
            open_cases=Count(
                "assigned_cases",
                filter=Q(assigned_cases__link_worker_service=team)
                & ~Q(assigned_cases__status=CaseStatus.DORMANT),
            )
        )
        .order_by("open_cases", "full_name", "email")
    )
    covering: set[int] = set()
    if person.registered_practice_id is not None:
        covering = set(
            LinkWorkerCoverage.objects.filter(
                link_worker_service=team, practice_id=person.registered_practice_id
            ).values_list("link_worker_id", flat=True)
        )
    options = [
        WorkerOption(
            user=u,
            open_cases=u.open_cases,
            covers_practice=u.pk in covering,
            is_link_worker=u.pk in link_workers,
        )
        for u in users
    ]
    # Stable sort: coverage, then link workers before managers; caseload order within each.
    options.sort(key=lambda o: (not o.covers_practice, not o.is_link_worker))
    return options


@dataclass(frozen=True)
class ServiceContact:
    """How a person who referred themselves can reach the link-worker service."""

    name: str
    phone: str
    email: str


def _listed_phone(owner_id: int) -> str:
    """The first phone number on a directory listing the organisation owns: the listing's
    own, else one of its active services'."""
    phones = Phone.objects.filter(
        Q(organization__owner_id=owner_id)
        | Q(service__organization__owner_id=owner_id, service__status=ServiceStatus.ACTIVE)
    ).order_by(SqlCase(When(organization__isnull=False, then=Value(0)), default=Value(1)), "number")
    phone = phones.first()
    if phone is None:
        return ""
    return f"{phone.number} (extension {phone.extension})" if phone.extension else phone.number


def service_contact(*, service_id: str | None) -> ServiceContact | None:
    """The phone number (and email) of a link-worker service, for the public: from its own
    directory listing, else from that of the organisation that runs it (`parent`). The
    account record of an organisation holds no phone number. None for an unknown service."""
    try:
        key = uuid.UUID(str(service_id))
    except ValueError:
        return None
    service = Organisation.objects.filter(
        uuid=key, kind=OrganisationKind.LINK_WORKER_SERVICE
    ).first()
    if service is None:
        return None
    phone = email = ""
    for owner_id in [service.pk, service.parent_id]:
        if owner_id is None:
            continue
        phone = phone or _listed_phone(owner_id)
        email = email or next(
            (
                e
                for e in DirectoryOrganization.objects.filter(owner_id=owner_id)
                .exclude(email="")
                .values_list("email", flat=True)[:1]
            ),
            "",
        )
    return ServiceContact(name=service.name, phone=phone, email=email)


def referrals_sent_by(*, user: User) -> QuerySet[Referral]:
    """Referrals this user made, or their practice/agency made: status and return reason only."""
    orgs = referrer_organisation_ids(user)
    return (
        Referral.objects.filter(Q(referrer=user) | Q(referrer_organisation_id__in=orgs))
        .select_related("person", "link_worker_service")
        .order_by("-received_at")
    )


def referrer_memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True, role=Role.REFERRER
        ).select_related("organisation", "organisation__area")
    )
