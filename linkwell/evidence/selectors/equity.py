"""Reach of the service by IMD quintile, ethnicity, age band and sex against the registered
population of the practices whose profile is loaded.

People counted: distinct people with a referral received in the period (`referred`), and of
those, people with a case whose first contact has happened (`seen`), registered at a practice
with a loaded profile (others are `n_outside_profile`, so rates compare like with like).
Age band is the age on the person's first referral in the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.casework.models import CaseReferral
from linkwell.evidence.dimensions import NOT_RECORDED, categories, person_category
from linkwell.evidence.models import PracticePopulation
from linkwell.evidence.selectors.common import compact_postcode, imd_deciles, scoped_referrals

DIMENSIONS = ("imd_quintile", "ethnicity", "age_band", "sex")


@dataclass(frozen=True)
class EquityRow:
    category: str  # code (e.g. "1", "A", "25-34", "female") or "Not recorded"
    label: str
    referred: int
    seen: int
    population: int | None  # registered patients in the category; None for "Not recorded"
    referred_per_1000: float | None
    seen_per_1000: float | None
    referred_share: float | None  # % of referred people with a recorded category
    population_share: float | None  # % of the registered population


@dataclass(frozen=True)
class EquityResult:
    dimension: str
    practices: int  # practices with a loaded profile in scope
    n_outside_profile: int  # referred people registered elsewhere (not counted in rows)
    rows: list[EquityRow]

    # Iterating an EquityResult gives its rows (callers written for `list[EquityRow]` work).
    def __iter__(self) -> Iterator[EquityRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def equity_reach(
    *, user: User | AnonymousUser | None, filters: ReportFilter, by: str
) -> EquityResult:
    """Reach by `by` (one of DIMENSIONS). Raw figures. Queries: 2 (+1 for IMD)."""
    if by not in DIMENSIONS:
        raise ValueError(f"Unknown equity dimension {by!r}: use {', '.join(DIMENSIONS)}.")
    return equity_reach_all(user=user, filters=filters, dimensions=(by,))[by]


def equity_reach_all(
    *,
    user: User | AnonymousUser | None,
    filters: ReportFilter,
    dimensions: tuple[str, ...] = DIMENSIONS,
) -> dict[str, EquityResult]:
    """`equity_reach` for each of `dimensions` at once: the referrals in the period are read
    once, with whether each was seen, and the population profiles in one grouped query.
    Raw figures. Queries: 2 (+1 when IMD is among the dimensions)."""
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"Unknown equity dimension {unknown[0]!r}: use {', '.join(DIMENSIONS)}.")
    profile = PracticePopulation.objects.filter(dimension__in=dimensions)
    if filters.practice is not None:
        profile = profile.filter(practice=filters.practice)
    if filters.area is not None:
        profile = profile.filter(practice__area=filters.area)
    practice_ids: dict[str, set[int]] = defaultdict(set)
    population: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for dim, practice_id, category, n in (
        profile.values("dimension", "practice_id", "category")
        .annotate(n=Sum("count"))
        .order_by()
        .values_list("dimension", "practice_id", "category", "n")
    ):
        practice_ids[dim].add(practice_id)
        population[dim][category] += n
    seen = CaseReferral.objects.filter(
        referral_id=OuterRef("pk"), case__first_contact_at__isnull=False
    )
    referrals = list(
        scoped_referrals(user=user, filters=filters)
        .order_by("received_at", "id")
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
        .annotate(seen=Exists(seen))
    )
    deciles = (
        imd_deciles(r["person__postcode"] for r in referrals)
        if "imd_quintile" in dimensions
        else {}
    )
    return {
        by: _reach(by, referrals, practice_ids[by], population[by], deciles) for by in dimensions
    }


def _reach(
    by: str,
    referrals: Sequence[Mapping[str, Any]],
    practice_ids: set[int],
    population: dict[str, int],
    deciles: dict[str, int],
) -> EquityResult:
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
        if r["seen"]:
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
