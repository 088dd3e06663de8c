"""The outcomes and equity sections as they were computed before the database took over the
pairing and the grouping: a row-by-row reading in Python, kept only to check that the faster
sections publish exactly the same figures (test_evidence_sections_unchanged.py)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Sum
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.casework.models import CaseReferral
from linkwell.evidence.dimensions import NOT_RECORDED, categories, person_category
from linkwell.evidence.models import PracticePopulation
from linkwell.evidence.selectors import EquityResult, EquityRow, OutcomeRow, outcome_cohorts
from linkwell.evidence.selectors.common import (
    compact_postcode,
    imd_deciles,
    scoped_cases,
    scoped_referrals,
)
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import UnknownInstrument, get_instrument
from linkwell.reports.quarterly.evidence_sections import OUTCOME_CATEGORIES


def outcome_rows(*, user: User | AnonymousUser | None, filters: ReportFilter) -> list[OutcomeRow]:
    used = sorted(
        set(
            MeasureAdministration.objects.filter(case__in=scoped_cases(user=user, filters=filters))
            .values_list("instrument_id", flat=True)
            .distinct()
        )
    )
    rows: list[OutcomeRow] = []
    for ident in used:
        try:
            instrument = get_instrument(ident)
        except UnknownInstrument:
            continue
        if instrument.category not in OUTCOME_CATEGORIES:
            continue
        name = instrument.short_title or instrument.title
        items = [None] if instrument.has_total else [i.id for i in instrument.items]
        for item in items:
            for row in outcome_cohorts(user=user, filters=filters, instrument_id=ident, item=item):
                label = name
                if item is not None:
                    found = next(i for i in instrument.items if i.id == item)
                    label = f"{name}: {found.label}"
                if row.result.n or row.result.n_lost:
                    rows.append(
                        OutcomeRow(ident if item is None else f"{ident}:{item}", label, row.result)
                    )
    return rows


def equity_reach(
    *, user: User | AnonymousUser | None, filters: ReportFilter, by: str
) -> EquityResult:
    profile = PracticePopulation.objects.filter(dimension=by)
    if filters.practice is not None:
        profile = profile.filter(practice=filters.practice)
    if filters.area is not None:
        profile = profile.filter(practice__area=filters.area)
    practice_ids = set(profile.values_list("practice_id", flat=True).distinct())
    population = {
        row["category"]: row["n"]
        for row in profile.values("category").annotate(n=Sum("count")).order_by()
    }
    referrals = list(
        scoped_referrals(user=user, filters=filters)
        .order_by("received_at")
        .values(
            "id",
            "received_at",
            "person_id",
            "person__registered_practice_id",
            "person__date_of_birth",
            "person__sex",
            "person__ethnicity",
            "person__postcode",
        )
    )
    seen_referrals = set(
        CaseReferral.objects.filter(
            referral_id__in=[r["id"] for r in referrals], case__first_contact_at__isnull=False
        ).values_list("referral_id", flat=True)
    )
    deciles = imd_deciles(r["person__postcode"] for r in referrals) if by == "imd_quintile" else {}
    category_of: dict[int, str] = {}
    seen_people: set[int] = set()
    outside: set[int] = set()
    for r in referrals:
        pid = r["person_id"]
        if r["person__registered_practice_id"] not in practice_ids:
            outside.add(pid)
            continue
        if pid not in category_of:
            category_of[pid] = person_category(
                by,
                date_of_birth=r["person__date_of_birth"],
                sex=r["person__sex"],
                ethnicity=r["person__ethnicity"],
                imd_decile=deciles.get(compact_postcode(r["person__postcode"] or "")),
                on=timezone.localdate(r["received_at"]),
            )
        if r["id"] in seen_referrals:
            seen_people.add(pid)
    referred_by: dict[str, int] = defaultdict(int)
    seen_by: dict[str, int] = defaultdict(int)
    for pid, cat in category_of.items():
        referred_by[cat] += 1
        if pid in seen_people:
            seen_by[cat] += 1
    recorded_referred = sum(n for c, n in referred_by.items() if c != NOT_RECORDED)
    total_population = sum(population.values())
    rows: list[EquityRow] = []
    for code, text in categories(by):
        pop = population.get(code, 0)
        rows.append(
            EquityRow(
                category=code,
                label=text,
                referred=referred_by[code],
                seen=seen_by[code],
                population=pop,
                referred_per_1000=1000 * referred_by[code] / pop if pop else None,
                seen_per_1000=1000 * seen_by[code] / pop if pop else None,
                referred_share=100 * referred_by[code] / recorded_referred
                if recorded_referred
                else None,
                population_share=100 * pop / total_population if total_population else None,
            )
        )
    rows.append(
        EquityRow(
            category=NOT_RECORDED,
            label=NOT_RECORDED,
            referred=referred_by[NOT_RECORDED],
            seen=seen_by[NOT_RECORDED],
            population=None,
            referred_per_1000=None,
            seen_per_1000=None,
            referred_share=None,
            population_share=None,
        )
    )
    return EquityResult(
        dimension=by,
        practices=len(practice_ids),
        n_outside_profile=len(outside - set(category_of)),
        rows=rows,
    )
