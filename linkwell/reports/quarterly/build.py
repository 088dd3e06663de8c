"""Build the quarterly commissioner report: every section's figures, suppressed for publication."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.reports.quarterly import activity, evidence_sections, programme_sections
from linkwell.reports.quarterly.courses_section import course_completion_section
from linkwell.reports.quarterly.payments_section import outcome_payments_section
from linkwell.reports.quarterly.structure import Report, Section

SectionBuilder = Callable[..., Section]

# In report order. Ids are stable: the table ids in exports start from them.
SECTIONS: dict[str, SectionBuilder] = {
    "referrals": activity.referrals_section,
    "referral-rate-per-1000": programme_sections.referral_rate_section,
    "referrals-by-professional": programme_sections.referrals_by_professional_section,
    "waiting": activity.waiting_section,
    "seen-within-target": programme_sections.seen_within_target_section,
    "people": activity.people_section,
    "complexity-mix": programme_sections.complexity_section,
    "connections": activity.connections_section,
    "outcomes": evidence_sections.outcomes_section,
    "goals": activity.goals_section,
    "goals-achieved": programme_sections.goals_achieved_section,
    "staff-satisfaction": programme_sections.staff_satisfaction_section,
    "patient-experience": programme_sections.patient_experience_section,
    "gaps": activity.gaps_section,
    "providers": evidence_sections.providers_section,
    "equity": evidence_sections.equity_section,
    "service-use": evidence_sections.service_use_section,
    "stories": evidence_sections.stories_section,
    "outcome-payments-by-provider": outcome_payments_section,
    "course-completion": course_completion_section,
}

# A table's id starts with its section's id ("staff-satisfaction-ratings" in
# "staff-satisfaction"), except these.
_TABLES_NAMED_OTHERWISE = {
    "referral-reasons": "referrals",
    "appointment-attendance": "people",
    "provider-attendance": "connections",
    "people-achieving-a-goal-4-weeks": "goals-achieved",
    "provision-gaps": "gaps",
    "provider-performance": "providers",
}


def section_of_table(table_id: str) -> str | None:
    """The section that publishes table `table_id`, so one table (a CSV, a chart) is built
    without the rest of the report; None for no table of the report."""
    if table_id in _TABLES_NAMED_OTHERWISE:
        return _TABLES_NAMED_OTHERWISE[table_id]
    starts = [s for s in SECTIONS if table_id == s or table_id.startswith(s + "-")]
    return max(starts, key=len, default=None)


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
