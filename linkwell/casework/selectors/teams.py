"""The team page: each worker's load against the safe level, for team managers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.casework.models import Appointment, AppointmentOutcome, Case, CaseStatus, FollowUp

# "Near" the safe level from this share of it, so a manager sees it coming.
NEAR_SAFE_LEVEL_SHARE = 0.8


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
                # A team manager at a provider (its volunteers, its co-production) manages no
                # link workers' caseloads.
                organisation__kind=OrganisationKind.LINK_WORKER_SERVICE,
                role__in=[Role.TEAM_MANAGER, Role.ADMINISTRATOR],
            ).values_list("organisation_id", flat=True)
        )
    )


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
