"""The quarterly report's outcome payments section, on data whose answer the test works out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.analysis.filters import ReportFilter
from linkwell.evidence.tests.factories import journey, measure
from linkwell.reports.quarterly.build import build_report

pytestmark = pytest.mark.django_db

BASE = dt.date(2025, 1, 6)
PERIOD = ReportFilter(start=dt.date(2025, 7, 1), end=dt.date(2025, 9, 30))
MAX = Decimal("492.50")


def _cohort(name: str, before: float, after: float, n: int) -> None:
    service = Organisation.objects.create(name=name, kind=OrganisationKind.LINK_WORKER_SERVICE)
    for _ in range(n):
        j = journey(service=service, received=BASE)
        measure(j.case, "wellbeing-star", "baseline", BASE, before)
        measure(j.case, "wellbeing-star", "month_6", BASE + dt.timedelta(days=182), after)


def test_the_quarterly_report_carries_the_payments_section() -> None:
    _cohort("Below Provider", 3.0, 3.3, 10)  # +0.3: below the threshold, nothing paid
    _cohort("Capped Provider", 2.0, 4.0, 10)  # +2.0: over the cap, the maximum each
    _cohort("Small Provider", 2.0, 4.0, 3)  # too few to publish
    report = build_report(user=None, filters=PERIOD, sections=["outcome-payments-by-provider"])
    (section,) = report.sections
    assert section.id == "outcome-payments-by-provider"
    rows = {r["provider"]: r for r in section.tables[0].rows}
    assert rows["Below Provider"]["total"] == "0.00"
    assert rows["Capped Provider"]["total"] == f"{MAX * 10:.2f}"
    assert rows["Capped Provider"]["people"] == 10
    assert rows["Small Provider"]["total"] == "*"
    assert rows["Small Provider"]["people"] == "*"
    assert rows["Total"]["total"] == "*"  # it would give the small provider's amount back
    raw = build_report(
        user=None, filters=PERIOD, sections=["outcome-payments-by-provider"], unsuppressed=True
    )
    raw_rows = {r["provider"]: r for r in raw.sections[0].tables[0].rows}
    assert raw_rows["Total"]["total"] == f"{MAX * 13:.2f}"
