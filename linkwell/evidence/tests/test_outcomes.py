from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from scipy import stats as sps

from linkwell.analysis.filters import ReportFilter
from linkwell.evidence.models import PostcodeImd
from linkwell.evidence.selectors import outcome_cohorts
from linkwell.evidence.tests.factories import Journey, journey, measure
from linkwell.outcomes.registry import UnknownInstrument
from tests.personas import Personas

D = dt.date(2025, 5, 1)
pytestmark = pytest.mark.django_db


def _phq9(
    personas: Personas,
    pairs: Sequence[tuple[float, float | None, float | None]],
    **kw: Any,
) -> list[Journey]:
    out = []
    for base, follow, later in pairs:
        j = journey(service=personas.link_worker_service, received=D, **kw)
        measure(j.case, "phq9", "baseline", D, base)
        if follow is not None:
            measure(j.case, "phq9", "week_4", D + dt.timedelta(days=30), follow)
        if later is not None:
            measure(j.case, "phq9", "month_3", D + dt.timedelta(days=91), later)
        out.append(j)
    return out


def test_the_whole_cohort_matches_scipy_on_the_same_pairs(personas: Personas) -> None:
    pairs = [(15, 10, 9), (12, 12, None), (20, 8, 14), (9, 11, None), (18, 6, 20), (14, None, None)]
    _phq9(personas, pairs)
    [row] = outcome_cohorts(
        user=personas.commissioner, filters=ReportFilter(), instrument_id="phq9"
    )
    r = row.result
    base = [p[0] for p in pairs if p[1] is not None]
    follow = [p[1] for p in pairs if p[1] is not None]
    assert (r.n, r.n_lost) == (5, 1)
    assert r.t_p == pytest.approx(sps.ttest_rel(follow, base).pvalue)
    assert r.wilcoxon_p == pytest.approx(
        sps.wilcoxon([f - b for f, b in zip(follow, base, strict=True)]).pvalue
    )
    # PHQ-9: lower is better, so 15->10, 20->8 and 18->6 improved; 9->11 deteriorated.
    assert (r.n_improved, r.n_deteriorated, r.n_unchanged) == (3, 1, 1)
    # Reliable change for PHQ-9 is 6 points: 20->8 and 18->6.
    assert r.n_reliably_improved == 2
    # Of the 3 improvers, all 3 have a 3-month score; 15->9 and 20->14 still improved, 18->20 not.
    assert (r.n_improved_with_later, r.n_still_improved) == (3, 2)


def test_a_later_timepoint_can_be_the_follow_up(personas: Personas) -> None:
    _phq9(personas, [(15, 10, 9), (20, 8, 14)])
    [row] = outcome_cohorts(
        user=personas.commissioner,
        filters=ReportFilter(),
        instrument_id="phq9",
        followup_timepoint="month_3",
    )
    assert row.result.n == 2
    assert row.result.mean_followup == pytest.approx((9 + 14) / 2)


def test_cohorts_by_imd_quintile_use_the_loaded_lookup(personas: Personas) -> None:
    PostcodeImd.objects.create(postcode="SY111AA", lsoa_code="E01028900", imd_decile=2)
    _phq9(personas, [(15, 10, None), (20, 8, None)], postcode="SY11 1AA")
    _phq9(personas, [(12, 11, None)], postcode="SY10 7AB")
    rows = outcome_cohorts(
        user=personas.commissioner, filters=ReportFilter(), instrument_id="phq9", by="imd_quintile"
    )
    assert [(r.key, r.result.n) for r in rows] == [("1", 2), ("Not recorded", 1)]


def test_the_period_is_the_baseline_date(personas: Personas) -> None:
    _phq9(personas, [(15, 10, None)])
    in_may = ReportFilter(start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 31))
    in_june = ReportFilter(start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30))
    kw = {"user": personas.commissioner, "instrument_id": "phq9"}
    assert outcome_cohorts(filters=in_may, **kw)[0].result.n == 1  # type: ignore[arg-type]
    assert outcome_cohorts(filters=in_june, **kw)[0].result.n == 0  # type: ignore[arg-type]


def test_a_team_manager_sees_only_their_own_service(personas: Personas) -> None:
    _phq9(personas, [(15, 10, None)])
    other = journey(service=personas.other_team, received=D)
    measure(other.case, "phq9", "baseline", D, 20)
    measure(other.case, "phq9", "week_4", D + dt.timedelta(days=30), 5)
    mine = outcome_cohorts(user=personas.team_manager, filters=ReportFilter(), instrument_id="phq9")
    everyone = outcome_cohorts(
        user=personas.commissioner, filters=ReportFilter(), instrument_id="phq9"
    )
    assert mine[0].result.n == 1
    assert everyone[0].result.n == 2


def test_ons4_is_analysed_per_item(personas: Personas) -> None:
    j = journey(service=personas.link_worker_service, received=D)
    measure(j.case, "ons4", "baseline", D, None, item_scores={"anxiety": {"score": 8}})
    measure(
        j.case,
        "ons4",
        "week_4",
        D + dt.timedelta(days=30),
        None,
        item_scores={"anxiety": {"score": 3}},
    )
    [row] = outcome_cohorts(
        user=personas.commissioner, filters=ReportFilter(), instrument_id="ons4", item="anxiety"
    )
    assert row.result.n == 1 and row.result.n_improved == 1  # anxiety: lower is better
    with pytest.raises(ValueError, match="each item separately"):
        outcome_cohorts(user=personas.commissioner, filters=ReportFilter(), instrument_id="ons4")


def test_bad_arguments_say_what_is_wrong(personas: Personas) -> None:
    f = ReportFilter()
    with pytest.raises(ValueError, match="Unknown cohort dimension 'shoe_size'"):
        outcome_cohorts(user=personas.commissioner, filters=f, instrument_id="phq9", by="shoe_size")
    with pytest.raises(UnknownInstrument):
        outcome_cohorts(user=personas.commissioner, filters=f, instrument_id="nope")
