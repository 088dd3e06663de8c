"""Reads for invite lists. Each takes the acting user and scopes to what they may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.casework.models import Case, CaseStatus
from linkwell.core.exceptions import ValidationFailed
from linkwell.population.access import invite_team_ids, practice_ids
from linkwell.population.models import InviteEntry, InviteList, InviteStatus
from linkwell.population.pseudonym import pseudo_id_for_nhs_number, pseudonym_key
from linkwell.referrals.models import Referral, ReferralStatus


def invite_teams(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=invite_team_ids(user)).order_by("name"))


def invite_lists_for_team(*, user: User, team: Organisation) -> QuerySet[InviteList]:
    """The team's invite lists, newest run first, with entry counts by status."""
    if team.pk not in invite_team_ids(user):
        return InviteList.objects.none()
    return (
        InviteList.objects.filter(link_worker_service=team)
        .select_related("uploaded_by")
        .annotate(
            new_count=Count("entries", filter=Q(entries__status=InviteStatus.NEW)),
            requested_count=Count("entries", filter=Q(entries__status=InviteStatus.REQUESTED)),
            confirmed_count=Count("entries", filter=Q(entries__status=InviteStatus.CONFIRMED)),
        )
        .order_by("-run_date", "-created_at")
    )


@dataclass
class PracticeSummary:
    practice: Organisation
    total: int
    new: int
    requested: int
    confirmed: int
    closed: int


def invite_list_practices(*, invite_list: InviteList) -> list[PracticeSummary]:
    """One row per practice on the list, with counts by status (two queries)."""
    counts = (
        InviteEntry.objects.filter(invite_list=invite_list)
        .values("practice_id")
        .annotate(
            total=Count("id"),
            new=Count("id", filter=Q(status=InviteStatus.NEW)),
            requested=Count("id", filter=Q(status=InviteStatus.REQUESTED)),
            confirmed=Count("id", filter=Q(status=InviteStatus.CONFIRMED)),
        )
    )
    by_id = {row["practice_id"]: row for row in counts}
    practices = Organisation.objects.filter(pk__in=by_id).order_by("name")
    return [
        PracticeSummary(
            practice=p,
            total=by_id[p.pk]["total"],
            new=by_id[p.pk]["new"],
            requested=by_id[p.pk]["requested"],
            confirmed=by_id[p.pk]["confirmed"],
            closed=by_id[p.pk]["total"]
            - by_id[p.pk]["new"]
            - by_id[p.pk]["requested"]
            - by_id[p.pk]["confirmed"],
        )
        for p in practices
    ]


def invite_entries_for_practice(
    *, invite_list: InviteList, practice: Organisation, status: str = ""
) -> QuerySet[InviteEntry]:
    """Entries of one practice on a list the caller already fetched through the access helper,
    ranked."""
    entries = InviteEntry.objects.filter(invite_list=invite_list, practice=practice)
    if status:
        entries = entries.filter(status=status)
    return entries.select_related("referral").order_by("rank", "id")


def invite_requests_for_practice_user(
    *, user: User, open_only: bool = True
) -> QuerySet[InviteEntry]:
    """Entries link-worker services have sent to the user's practices: waiting ones first by
    request date, then rank; with `open_only=False`, the closed ones too."""
    entries = InviteEntry.objects.filter(
        practice_id__in=practice_ids(user), requested_at__isnull=False
    )
    if open_only:
        entries = entries.filter(status=InviteStatus.REQUESTED)
    return entries.select_related(
        "invite_list", "invite_list__link_worker_service", "practice"
    ).order_by("-requested_at", "rank", "id")


# --- exclusions for the next cohort run --------------------------------------------------------


def months_before(when: dt.datetime, months: int) -> dt.datetime:
    """`when` moved back by whole calendar months (the day clamped to the month's length)."""
    year, month = divmod(when.month - 1 - months, 12)
    year += when.year
    month += 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31]  # fmt: skip
    return when.replace(year=year, month=month, day=min(when.day, days[month - 1]))


@dataclass
class Exclusions:
    rows: list[tuple[str, str]]  # (pseudo_id, reason), one per pseudo id
    without_nhs_number: int  # people who qualified but cannot be hashed
    on_caseload: int
    referred: int  # a referral waiting in triage (not yet on a caseload)
    declined: int
    invited: int = 0  # sent to the practice to confirm, no answer yet


def exclusion_rows(
    *,
    service: Organisation | None = None,
    declined_months: int = 6,
    now: dt.datetime | None = None,
) -> Exclusions:
    """Who the next cohort run must leave out: people with an open (not dormant) case, people
    with a referral waiting in triage (a proactive referral made from the last run, say), and
    people who declined social prescribing (a declined referral, or a declined invite) in the
    last `declined_months` months, and people whose invite is waiting for the practice to
    confirm; for one service or all. Deployment-level (command line)."""
    now = now or timezone.now()
    since = months_before(now, declined_months)
    key = pseudonym_key()
    cases = Case.objects.exclude(status=CaseStatus.DORMANT)
    waiting = Referral.objects.filter(status=ReferralStatus.RECEIVED)
    declined = Referral.objects.filter(status=ReferralStatus.DECLINED, declined_at__gte=since)
    invites = InviteEntry.objects.filter(status=InviteStatus.DECLINED, resolved_at__gte=since)
    # Waiting for the practice to confirm: inviting them again from the next run would send the
    # practice the same person twice.
    pending = InviteEntry.objects.filter(status=InviteStatus.REQUESTED)
    if service is not None:
        cases = cases.filter(link_worker_service=service)
        waiting = waiting.filter(link_worker_service=service)
        declined = declined.filter(link_worker_service=service)
        invites = invites.filter(invite_list__link_worker_service=service)
        pending = pending.filter(invite_list__link_worker_service=service)
    out: dict[str, str] = {}
    missing: set[int] = set()
    counts = {"on_caseload": 0, "referred": 0, "declined": 0, "invited": 0}
    groups = [
        ("on_caseload", cases.values_list("person_id", "person__nhs_number")),
        ("referred", waiting.values_list("person_id", "person__nhs_number")),
        ("declined", declined.values_list("person_id", "person__nhs_number")),
    ]
    for reason, people in groups:
        for person_id, nhs_number in people.iterator(chunk_size=5000):
            if not nhs_number:
                missing.add(person_id)
                continue
            try:
                pseudo = pseudo_id_for_nhs_number(nhs_number, key=key)
            except ValidationFailed:  # a number stored before validation existed
                missing.add(person_id)
                continue
            if pseudo not in out:
                out[pseudo] = reason
                counts[reason] += 1
    for reason, entries in (("declined", invites), ("invited", pending)):
        for pseudo in entries.values_list("pseudo_id", flat=True).iterator(chunk_size=5000):
            if pseudo not in out:
                out[pseudo] = reason
                counts[reason] += 1
    return Exclusions(
        rows=sorted(out.items()),
        without_nhs_number=len(missing),
        on_caseload=counts["on_caseload"],
        referred=counts["referred"],
        declined=counts["declined"],
        invited=counts["invited"],
    )
