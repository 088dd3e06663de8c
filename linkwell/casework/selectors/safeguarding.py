"""The safeguarding lead's list of concerns and the team page's count of open ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linkwell.accounts.models import Membership, Role, User
from linkwell.casework.access import CASE_TEAM_ROLES, case_team_ids
from linkwell.casework.models import SafeguardingConcern
from linkwell.casework.selectors.cases import case_reference
from linkwell.casework.selectors.teams import managed_team_ids

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
