"""Scoping shared by the evidence selectors: the user's services plus the `ReportFilter`."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.casework.models import Case
from linkwell.evidence.access import service_ids_for_evidence
from linkwell.evidence.models import PostcodeImd
from linkwell.referrals.models import Referral


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in UK local time, as an aware datetime (stored as UTC)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clipped to the month's last day (31 Jan + 1 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _person_scope(prefix: str, filters: ReportFilter) -> Q:
    q = Q()
    if filters.practice is not None:
        q &= Q(**{f"{prefix}person__registered_practice": filters.practice})
    if filters.area is not None:
        q &= Q(**{f"{prefix}person__registered_practice__area": filters.area}) | Q(
            **{
                f"{prefix}person__registered_practice__isnull": True,
                f"{prefix}link_worker_service__area": filters.area,
            }
        )
    if filters.service is not None:
        q &= Q(**{f"{prefix}link_worker_service": filters.service})
    return q


def scoped_referrals(
    *, user: User | AnonymousUser | None, filters: ReportFilter
) -> QuerySet[Referral]:
    """Referrals the user may count, narrowed by the filter; the period is the received date."""
    qs = Referral.objects.filter(_person_scope("", filters))
    services = service_ids_for_evidence(user=user)
    if services is not None:
        qs = qs.filter(link_worker_service_id__in=services)
    if filters.start is not None:
        qs = qs.filter(received_at__gte=local_midnight(filters.start))
    if filters.end is not None:
        qs = qs.filter(received_at__lt=local_midnight(filters.end + dt.timedelta(days=1)))
    return qs


def scoped_cases(*, user: User | AnonymousUser | None, filters: ReportFilter) -> QuerySet[Case]:
    """Cases the user may count, narrowed by area/practice/service (not by period: each
    selector says which date the period applies to)."""
    qs = Case.objects.filter(_person_scope("", filters))
    services = service_ids_for_evidence(user=user)
    if services is not None:
        qs = qs.filter(link_worker_service_id__in=services)
    return qs


def compact_postcode(value: str) -> str:
    return "".join(value.split()).upper()


def imd_deciles(postcodes: Iterable[str]) -> dict[str, int]:
    """{compact postcode: IMD decile} for the postcodes found in the loaded lookup (1 query)."""
    wanted = {compact_postcode(p) for p in postcodes if p}
    if not wanted:
        return {}
    return dict(
        PostcodeImd.objects.filter(postcode__in=wanted).values_list("postcode", "imd_decile")
    )


def in_period(day: dt.date, filters: ReportFilter) -> bool:
    return (filters.start is None or day >= filters.start) and (
        filters.end is None or day <= filters.end
    )


def quarter_of(day: dt.date) -> str:
    """The UK financial quarter, e.g. 2025-26 Q1 (April-June)."""
    start_year = day.year if day.month >= 4 else day.year - 1
    q = (day.month - 4) % 12 // 3 + 1
    return f"{start_year}-{(start_year + 1) % 100:02d} Q{q}"
