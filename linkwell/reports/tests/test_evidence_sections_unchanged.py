"""The outcomes and equity sections publish exactly what the row-by-row reading in Python
published (reference_sections.py), on a varied area: several instruments (one reported item by
item), cases with only a baseline, several follow-ups, two baselines, no baseline, ties on a
date, scores missing, a baseline before the period; people in equity groups of every size
(small cells are suppressed), some seen, some referred twice, some registered at a practice
without a population profile."""

from __future__ import annotations

import datetime as dt
from random import Random

import pytest

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.analysis.filters import ReportFilter
from linkwell.evidence import present
from linkwell.evidence.models import PostcodeImd, PracticePopulation
from linkwell.evidence.selectors import EQUITY_DIMENSIONS
from linkwell.evidence.tests.factories import at, journey, measure
from linkwell.outcomes.models import Timepoint
from linkwell.referrals.models import Referral, ReferralSource
from linkwell.reports.quarterly.evidence_sections import equity_section, outcomes_section
from linkwell.reports.tests import reference_sections as reference
from tests.personas import Personas

pytestmark = pytest.mark.django_db
START, END = dt.date(2025, 4, 1), dt.date(2025, 6, 30)
Q1 = ReportFilter(start=START, end=END)
TOTALS = [("phq9", 0, 27), ("gad7", 0, 21), ("swemwbs", 7, 35), ("goal-attainment", 0, 10)]
ONS4 = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
POSTCODES = ["SY11 1AA", "SY11 2BB", "sy112cc", "SY11 3DD", "", "ZZ99 9ZZ"]
LATER = [Timepoint.WEEK_4, Timepoint.MONTH_3, Timepoint.MONTH_6, Timepoint.MONTH_12]


def _scores(rng: Random, case: object, ident: str, lo: int, hi: int) -> None:
    """One of the shapes a case's scores take; `case` is a casework Case."""
    shape = rng.randrange(9)
    base_on = START + dt.timedelta(days=rng.choice([0, 1, 30, 60, 90, 91]))  # 91 = 30 June
    if shape == 8:
        base_on = START - dt.timedelta(days=20)  # baseline before the period: not counted

    def score() -> float:
        return float(rng.randint(lo, hi))

    def add(tp: str, on: dt.date, value: float | None = None) -> None:
        measure(case, ident, tp, on, score() if value is None else value)  # type: ignore[arg-type]

    if shape == 0:  # only a baseline: lost to follow-up
        add(Timepoint.BASELINE, base_on)
        return
    if shape == 1:  # no baseline at all: not paired
        add(Timepoint.WEEK_4, base_on)
        add(Timepoint.MONTH_3, base_on + dt.timedelta(days=60))
        return
    add(Timepoint.BASELINE, base_on)
    if shape == 2:  # a second, later baseline is ignored
        add(Timepoint.BASELINE, base_on + dt.timedelta(days=5))
    if shape == 3:  # a missing score and an "other" timepoint are skipped
        measure(case, ident, Timepoint.WEEK_4, base_on + dt.timedelta(days=20), None)  # type: ignore[arg-type]
        add(Timepoint.OTHER, base_on + dt.timedelta(days=21))
    if shape == 4:  # two follow-ups on one day: the one recorded last counts
        day = base_on + dt.timedelta(days=28)
        add(Timepoint.WEEK_4, day)
        add(Timepoint.WEEK_4, day)
    steps = rng.randint(1, 4)
    for k, tp in enumerate(rng.sample(LATER, steps)):
        add(tp, base_on + dt.timedelta(days=30 * (k + 1) + rng.randint(0, 3)))
    if shape == 5:  # two scores at the follow-up timepoint, on different days
        add(Timepoint.MONTH_12, base_on + dt.timedelta(days=400))
        add(Timepoint.MONTH_12, base_on + dt.timedelta(days=380))


@pytest.fixture
def area(personas: Personas) -> None:
    rng = Random(20251206)
    lws = personas.link_worker_service
    elsewhere = Organisation.objects.create(
        name="Unprofiled Surgery", kind=OrganisationKind.GP_PRACTICE, ods_code="Z99999"
    )
    for dim, cells in {
        "sex": {"female": 4200, "male": 3900, "other": 30},
        "ethnicity": {"A": 7000, "B": 300, "H": 250, "M": 90, "S": 12},
        "age_band": {"18-24": 900, "25-34": 1300, "35-44": 1200, "65-74": 1100, "85+": 150},
        "imd_quintile": {"1": 2400, "2": 2000, "3": 1700, "5": 900},
    }.items():
        for category, n in cells.items():
            PracticePopulation.objects.create(
                practice=personas.practice,
                dimension=dim,
                category=category,
                count=n,
                as_of=dt.date(2025, 1, 1),
            )
    for postcode, decile in [("SY111AA", 1), ("SY112BB", 4), ("SY112CC", 9), ("SY113DD", 2)]:
        PostcodeImd.objects.create(postcode=postcode, lsoa_code="E01000001", imd_decile=decile)
    ethnicities = ["A"] * 8 + ["B", "H", "M", "S", "Z", "99", ""]
    for _ in range(90):
        received = START + dt.timedelta(days=rng.choice([-10, 0, 5, 40, 89, 91, 95]))
        j = journey(
            service=lws,
            received=received,
            practice=rng.choice([personas.practice] * 5 + [elsewhere, None]),
            seen=rng.random() < 0.6,
            sex=rng.choice(["female"] * 4 + ["male"] * 3 + ["other", "unknown"]),
            ethnicity=rng.choice(ethnicities),
            postcode=rng.choice(POSTCODES),
            date_of_birth=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 30000)),
        )
        if rng.random() < 0.2:  # referred again: counted once, on the first referral
            Referral.objects.create(
                person=j.person,
                link_worker_service=lws,
                source=ReferralSource.SELF,
                received_at=at(received + dt.timedelta(days=rng.randint(1, 40))),
            )
        for ident, lo, hi in TOTALS:
            if rng.random() < 0.55:
                _scores(rng, j.case, ident, lo, hi)
        if rng.random() < 0.4:
            base_on = START + dt.timedelta(days=rng.randint(0, 91))
            for m, tp in enumerate([Timepoint.BASELINE, Timepoint.MONTH_3][: rng.randint(1, 2)]):
                measure(
                    j.case,
                    "ons4",
                    tp,
                    base_on + dt.timedelta(days=90 * m),
                    None,
                    item_scores={
                        item: {"score": rng.randint(0, 10)} if rng.random() < 0.9 else {}
                        for item in ONS4
                    },
                )
        if rng.random() < 0.3:  # another kind of measure: never in the outcomes table
            measure(j.case, "patient-experience", Timepoint.BASELINE, START, 4.0)


def test_the_outcomes_table_is_the_one_the_python_pairing_gave(
    personas: Personas, area: None
) -> None:
    for user, filters in [
        (personas.admin, Q1),
        (personas.commissioner, Q1),
        (personas.admin, ReportFilter(start=START, end=START + dt.timedelta(days=30))),
        (personas.admin, ReportFilter(start=None, end=None)),
    ]:
        old = reference.outcome_rows(user=user, filters=filters)
        for unsuppressed in (True, False):
            expected = present.outcome_rows(old, unsuppressed=unsuppressed)
            table = outcomes_section(user=user, filters=filters, unsuppressed=unsuppressed).tables[
                0
            ]
            assert table.rows == [{k: v for k, v in r.items() if k != "raw"} for r in expected]
    old = reference.outcome_rows(user=personas.admin, filters=Q1)
    labels = [r.label for r in old]
    # Every instrument with data is there, ONS4 item by item, and no experience survey; the
    # figures are big enough to be published, with people lost to follow-up among them.
    assert len(labels) == 8 and "PHQ-9" in labels and not any("xperience" in x for x in labels)
    assert all(r.result.n >= 8 and r.result.n_lost for r in old[:4])


@pytest.mark.parametrize("unsuppressed", [True, False])
def test_the_equity_tables_are_the_ones_the_per_dimension_reading_gave(
    personas: Personas, area: None, unsuppressed: bool
) -> None:
    for filters in [Q1, ReportFilter(start=START, end=END, practice=personas.practice)]:
        tables = equity_section(
            user=personas.admin, filters=filters, unsuppressed=unsuppressed
        ).tables
        assert [t.id for t in tables] == [
            f"equity-{d.replace('_', '-')}" for d in EQUITY_DIMENSIONS
        ]
        for dim, table in zip(EQUITY_DIMENSIONS, tables, strict=True):
            expected = reference.equity_reach(user=personas.admin, filters=filters, by=dim)
            assert table.rows == present.equity(expected, unsuppressed=unsuppressed), dim
    if not unsuppressed:  # small cells are there to be suppressed
        assert any(r["referred"] == "*" for t in tables for r in t.rows)
