"""The commissioner's view: money awarded and paid by programme and round, gaps answered, new
listings created and people reached, under disclosure control.

Who sees it (the quarterly report's rule, applied to the programmes' organisations; grants may
not import `linkwell.reports`, a layer above): administrators see every programme;
commissioners / analysts of a commissioner organisation see programmes of organisations in
their area (all when it has none); team managers see programmes of organisations in their own
services' areas; programme managers see their own programmes. Anyone else signed in: 403.

Counts (applications, awards, gaps answered, listings, people reached) are published through
`linkwell.analysis.disclosure.suppress_table` (1-7 as "*", others rounded to 5, each column's
total protected; a gap answered in two rounds counts in each). Money is not about people and is what commissioners account for, so it is
shown exactly: a round's total is the sum of its awards, never an award with a person's
details."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum

from linkwell.accounts.models import OrganisationKind, Role, User
from linkwell.accounts.selectors import memberships_for_user, user_is_administrator
from linkwell.analysis.disclosure import suppress_table
from linkwell.community.models import SuggestionStatus
from linkwell.grants.access import manager_org_ids
from linkwell.grants.models import (
    Application,
    ApplicationStatus,
    MonitoringReport,
    Payment,
    Programme,
    Round,
)

COUNT_KEYS = ("applications", "awards", "gaps", "listings", "people")


def programmes_for_figures(*, user: User | AnonymousUser | None) -> QuerySet[Programme]:
    everything = Programme.objects.select_related("organisation").order_by("name")
    if user_is_administrator(user=user):
        return everything
    rows = list(
        memberships_for_user(user=user)
        .filter(role__in=[Role.COMMISSIONER, Role.TEAM_MANAGER])
        .values_list("role", "organisation__kind", "organisation__area_id")
    )
    commissioner_areas = {
        area
        for role, kind, area in rows
        if role == Role.COMMISSIONER and kind == OrganisationKind.COMMISSIONER
    }
    if None in commissioner_areas:
        return everything
    areas = commissioner_areas | {
        area for role, _kind, area in rows if role == Role.TEAM_MANAGER and area is not None
    }
    own = manager_org_ids(user)
    if not areas and not own:
        raise PermissionDenied(
            "Grant figures are for commissioners, analysts, team managers, administrators and "
            "the programmes' managers."
        )
    return everything.filter(
        Q(organisation__area_id__in=sorted(areas)) | Q(organisation_id__in=own)
    )


def can_see_figures(*, user: User | AnonymousUser | None) -> bool:
    """Whether `user` may open the figures (so pages link them only for those who may)."""
    try:
        programmes_for_figures(user=user)
    except PermissionDenied:
        return False
    return True


def grant_figures(programmes: QuerySet[Programme]) -> list[dict[str, Any]]:
    """One row per round (newest first within each programme), then a total row. Six queries."""
    rounds = list(
        Round.objects.filter(programme__in=programmes)
        .select_related("programme")
        .annotate(
            n_applications=Count("applications", distinct=True),
            n_awards=Count(
                "applications",
                filter=Q(applications__status=ApplicationStatus.AWARDED),
                distinct=True,
            ),
        )
        .order_by("programme__name", "-opens_on")
    )
    ids = [r.pk for r in rounds]
    awarded: dict[int, Decimal] = {
        row["round_id"]: row["t"] or Decimal("0")
        for row in Application.objects.filter(round_id__in=ids, status=ApplicationStatus.AWARDED)
        .values("round_id")
        .annotate(t=Sum("amount_awarded"))
    }
    paid: dict[int, Decimal] = {
        row["application__round_id"]: row["t"] or Decimal("0")
        for row in Payment.objects.filter(application__round_id__in=ids)
        .values("application__round_id")
        .annotate(t=Sum("amount"))
    }
    gaps: dict[int, set[int]] = defaultdict(set)
    for round_id, gap_id in Application.gaps.through.objects.filter(
        application__round_id__in=ids
    ).values_list("application__round_id", "provisiongap_id"):
        gaps[round_id].add(gap_id)
    people: dict[int, int] = defaultdict(int)
    listings: dict[int, int] = defaultdict(int)
    for round_id, reached, status, service_id in MonitoringReport.objects.filter(
        application__round_id__in=ids
    ).values_list(
        "application__round_id", "people_reached", "suggestion__status", "suggestion__service_id"
    ):
        people[round_id] += reached
        if status == SuggestionStatus.APPROVED and service_id is not None:
            listings[round_id] += 1
    body = [
        {
            "programme": r.programme.name,
            "round": r.name,
            "budget": r.budget,
            "awarded": awarded.get(r.pk, Decimal("0")),
            "paid": paid.get(r.pk, Decimal("0")),
            "applications": r.n_applications,
            "awards": r.n_awards,
            "gaps": len(gaps[r.pk]),
            "listings": listings[r.pk],
            "people": people[r.pk],
        }
        for r in rounds
    ]
    published = suppress_table(body, COUNT_KEYS, total_col=False, label_key="programme")
    total = published[-1]
    total["round"] = ""
    for key in ("budget", "awarded", "paid"):
        total[key] = sum((Decimal(str(row[key])) for row in body), Decimal("0"))
    return published
