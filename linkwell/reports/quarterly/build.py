"""Build the quarterly commissioner report: every section's figures, suppressed for publication."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.reports.quarterly import activity, evidence_sections
from linkwell.reports.quarterly.structure import Report, Section

SectionBuilder = Callable[..., Section]

# In report order. Ids are stable: the table ids in exports start from them.
SECTIONS: dict[str, SectionBuilder] = {
    "referrals": activity.referrals_section,
    "waiting": activity.waiting_section,
    "people": activity.people_section,
    "connections": activity.connections_section,
    "outcomes": evidence_sections.outcomes_section,
    "goals": activity.goals_section,
    "gaps": activity.gaps_section,
    "providers": evidence_sections.providers_section,
    "equity": evidence_sections.equity_section,
    "service-use": evidence_sections.service_use_section,
    "stories": evidence_sections.stories_section,
}


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The UK financial quarter: `year` is the year it starts (2025 = 2025-26), Q1 = Apr-Jun."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4.")
    month = 4 + 3 * (quarter - 1)
    start_year = year + (1 if month > 12 else 0)
    month = (month - 1) % 12 + 1
    start = dt.date(start_year, month, 1)
    after = (start + dt.timedelta(days=95)).replace(day=1)  # the first day 3 months on
    return start, after - dt.timedelta(days=1)


def quarter_containing(day: dt.date) -> tuple[int, int]:
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    start, end = quarter_bounds(year, quarter)
    return f"{year}-{(year + 1) % 100:02d} Q{quarter} ({start:%b} to {end:%b %Y})"


def previous_quarter(today: dt.date) -> tuple[int, int]:
    year, q = quarter_containing(today)
    return (year, q - 1) if q > 1 else (year - 1, 4)


def build_report(
    *,
    user: User | AnonymousUser | None,
    filters: ReportFilter,
    unsuppressed: bool = False,
    sections: Iterable[str] | None = None,
    title: str = "Quarterly social prescribing report",
) -> Report:
    """Every section (or only `sections`), with every figure published: disclosure-controlled
    unless `unsuppressed` (the caller checks `can_see_unsuppressed` and audits)."""
    wanted = list(SECTIONS) if sections is None else [s for s in SECTIONS if s in set(sections)]
    built = [
        SECTIONS[name](user=user, filters=filters, unsuppressed=unsuppressed) for name in wanted
    ]
    period = ReportFilter(start=filters.start, end=filters.end).describe()
    scope = ReportFilter(
        area=filters.area, practice=filters.practice, service=filters.service
    ).describe()
    return Report(
        title=title,
        period=period,
        scope="all services you can see" if scope == "all records" else scope,
        unsuppressed=unsuppressed,
        sections=built,
    )
