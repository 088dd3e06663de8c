"""Reads for keeping listings fresh: a provider's own listings with freshness and QA flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.directory.access import provider_organisation_ids
from linkwell.directory.models import DirectoryOrganization, QualityCheck, Service
from linkwell.directory.quality import QualitySummary, quality_summary


@dataclass(frozen=True)
class ListingRow:
    service: Service
    is_stale: bool
    quality: QualitySummary


def services_for_provider_staff(*, user: User) -> QuerySet[Service]:
    """Listings of the directory organisations owned by the user's provider organisations."""
    org_ids = provider_organisation_ids(user)
    return (
        Service.objects.filter(organization__owner_id__in=org_ids)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "organization__quality_checks",
                queryset=QualityCheck.objects.order_by("kind", "-expires_on"),
            )
        )
        .order_by("organization__name", "name")
    )


def listing_rows_for_provider_staff(
    *, user: User, now: dt.datetime | None = None
) -> list[ListingRow]:
    """Three queries however many listings: memberships, services, quality checks."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    summaries: dict[int, QualitySummary] = {}
    rows = []
    for service in services_for_provider_staff(user=user):
        org: DirectoryOrganization = service.organization
        if org.pk not in summaries:
            summaries[org.pk] = quality_summary(org.quality_checks.all(), today=today)
        rows.append(ListingRow(service, service.is_stale(now), summaries[org.pk]))
    return rows
