"""The commissioner's and broker's report: hours exchanged by category and month, under
disclosure control (linkwell/analysis/disclosure.py): a cell's hours are withheld ("*") when
1-7 members gave them, and member counts are published rounded to 5 or as "*".

Counted: confirmed exchanges that are neither reversals nor reversed. Two queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.analysis.disclosure import (
    PublishedCount,
    PublishedValue,
    publish_count,
    suppress_value,
)
from linkwell.timebank.access import broker_org_ids
from linkwell.timebank.models import Category, Exchange, ExchangeStatus


@dataclass(frozen=True)
class ReportRow:
    month: dt.date
    cells: list[PublishedValue]  # hours per category, in Category order
    givers: PublishedCount


@dataclass(frozen=True)
class HoursReport:
    organisations: list[Organisation]
    categories: list[str]
    rows: list[ReportRow]


def report_organisations(user: User) -> list[Organisation]:
    """Time banks the user may report on: those they broker, or all for commissioners and
    platform administrators."""
    if not user.is_authenticated:
        return []
    if reports_on_every_time_bank(user):
        return list(Organisation.objects.filter(timebank_accounts__isnull=False).distinct())
    return list(Organisation.objects.filter(pk__in=broker_org_ids(user)))


def reports_on_every_time_bank(user: User) -> bool:
    """Commissioners and platform administrators: every time bank, even before there is one."""
    return bool(
        user.is_authenticated
        and (
            user.is_superuser
            or Membership.objects.filter(user=user, is_active=True, role=Role.COMMISSIONER).exists()
        )
    )


def hours_report(*, organisations: list[Organisation], start: dt.date, end: dt.date) -> HoursReport:
    rows = (
        Exchange.objects.filter(
            organisation__in=organisations,
            status=ExchangeStatus.CONFIRMED,
            happened_on__gte=start,
            happened_on__lte=end,
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .annotate(month=TruncMonth("happened_on"))
        .values("month", "category")
        .annotate(hours=Sum("hours"), givers=Count("from_account", distinct=True))
        .order_by("month", "category")
    )
    months: dict[dt.date, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        months[month][row["category"]] = (row["hours"], row["givers"])
    totals = {
        (r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]): r["givers"]
        for r in Exchange.objects.filter(
            organisation__in=organisations,
            status=ExchangeStatus.CONFIRMED,
            happened_on__gte=start,
            happened_on__lte=end,
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .annotate(month=TruncMonth("happened_on"))
        .values("month")
        .annotate(givers=Count("from_account", distinct=True))
        .order_by("month")
    }
    out = []
    for month in sorted(months):
        cells: list[PublishedValue] = []
        for category in Category.values:
            hours, givers = months[month].get(category, (Decimal("0"), 0))
            cells.append(suppress_value(float(hours), givers) if givers else 0)
        out.append(ReportRow(month=month, cells=cells, givers=publish_count(totals.get(month, 0))))
    return HoursReport(
        organisations=organisations,
        categories=[label for _, label in Category.choices],
        rows=out,
    )
