"""Reads for triage, allocation and the referrer's "sent" list. Each takes the acting user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.casework.access import case_team_ids
from linkwell.casework.models import CaseStatus, Urgency
from linkwell.people.access import referrer_organisation_ids
from linkwell.people.models import Person
from linkwell.referrals.models import LinkWorkerCoverage, Referral, ReferralStatus
from linkwell.referrals.services import ASSIGNABLE_ROLES


def triage_teams(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=case_team_ids(user)).order_by("name"))


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


@dataclass
class WorkerOption:
    user: User
    open_cases: int
    covers_practice: bool


def allocation_options(*, team: Organisation, person: Person) -> list[WorkerOption]:
    """The team's workers, smallest open caseload first; those covering the person's practice
    (the practice cluster) come before the rest. The first option is the suggestion."""
    members = (
        Membership.objects.filter(
            organisation=team,
            is_active=True,
            read_only=False,
            role__in=ASSIGNABLE_ROLES,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
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
        WorkerOption(user=u, open_cases=u.open_cases, covers_practice=u.pk in covering)
        for u in users
    ]
    # Stable sort: coverage first, caseload order kept within each group.
    options.sort(key=lambda o: not o.covers_practice)
    return options


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
