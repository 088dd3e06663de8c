"""Paired pre/post analysis of one measure over a cohort: mean change, confidence interval, Wilcoxon
signed-rank test.

Pure computation: no database, no Django. Callers (the `linkwell outcomes analyse` command, the
quarterly report) pass one `Observation` per person and get a `PairedResult`. Figures here are
*unsuppressed*; anything that leaves the system goes through `linkwell.analysis.disclosure`
first (`suppress_paired_result`).

Definitions (also in linkwell/analysis/README.md):

- A person with a baseline and a follow-up is a *pair*; `n` counts pairs. A person with a
  baseline and no follow-up is *lost to follow-up* (`n_lost`). Means, the test statistics and
  every percentage are over the `n` pairs only.
- `change = followup - baseline` (raw, in the measure's units, whatever its direction).
  "Better" is `change > 0`, or `change < 0` with `lower_is_better`.
- The 95% CI of the mean change uses the t distribution with n - 1 degrees of freedom:
  `mean ± t.ppf(0.975, n-1) * sd / sqrt(n)` (sd with ddof=1), which is what
  `scipy.stats.ttest_rel(...).confidence_interval()` gives.
- The paired t-test p-value is two-sided and equals `scipy.stats.ttest_rel(followup, baseline)`
  (computed here from the same numpy operations; the property tests compare the two).
- The Wilcoxon signed-rank p-value *is* `scipy.stats.wilcoxon(followup - baseline)` with scipy's
  defaults (two-sided, `zero_method="wilcox"`: zero differences are dropped; tied ranks are
  averaged; `method="auto"` chooses the exact or normal distribution as scipy does). When every
  difference is zero scipy returns p = 1.0 with a warning; we return the same p and say so in
  `wilcoxon_note` rather than pass a warning on.
- Effect size: Cohen's d_z = mean change / sd of the changes (ddof=1), signed like the change.
  It is the standardised mean of the *differences*, appropriate for paired designs; it is
  larger than Cohen's d_av (mean change / average of the two sds) when the time points are
  strongly correlated, so it should not be compared with between-group d values.
- `% improved`: share of pairs whose change is strictly better; `% deteriorated`: strictly
  worse; no change is neither. With a reliable change threshold `rc` (e.g. the measure's RCI in
  score points), `% reliably improved` is the share whose improvement is at least `rc`, and
  `% reliably deteriorated` the share whose worsening is at least `rc`.
- `% still improved at the next timepoint` (Halton's "sustained at three months"): among the
  improvers who also have a later score, the share whose later score is still strictly better
  than their baseline. `n_improved_with_later` is its denominator.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats as sps


@dataclass(frozen=True)
class Observation:
    """One person's scores. `followup`/`later` are None when not (yet) measured."""

    person_id: str
    baseline: float
    followup: float | None = None
    later: float | None = None


@dataclass(frozen=True)
class PairedResult:
    n: int
    n_lost: int
    mean_baseline: float | None
    mean_followup: float | None
    mean_change: float | None
    sd_change: float | None
    ci95_low: float | None
    ci95_high: float | None
    t_statistic: float | None
    t_p: float | None
    wilcoxon_statistic: float | None
    wilcoxon_p: float | None
    wilcoxon_note: str
    effect_size_dz: float | None
    n_improved: int
    n_deteriorated: int
    n_unchanged: int
    pct_improved: float | None
    pct_deteriorated: float | None
    reliable_change: float | None
    n_reliably_improved: int | None
    n_reliably_deteriorated: int | None
    pct_reliably_improved: float | None
    pct_reliably_deteriorated: float | None
    n_improved_with_later: int
    n_still_improved: int
    pct_still_improved: float | None
    lower_is_better: bool
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["notes"] = list(self.notes)
        return out


class AnalysisInputError(ValueError):
    """Input the analysis cannot use (e.g. a non-finite score)."""


def _finite(value: float, what: str, person_id: str) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise AnalysisInputError(f"{what} for {person_id!r} is not a finite number: {value!r}")
    return value


def _pct(count: int, total: int) -> float | None:
    return None if total == 0 else 100.0 * count / total


def _plain(value: Any) -> float | None:
    """A numpy/python number as a JSON-safe float; NaN becomes None."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def paired_t(diffs: np.ndarray) -> tuple[float | None, float | None, float | None, float | None]:
    """(t statistic, two-sided p, ci95 low, ci95 high) for paired differences.

    Mirrors scipy.stats.ttest_rel: d̄ / sqrt(var(d, ddof=1) / n) with n - 1 degrees of freedom.
    With n < 2 everything is None. Zero variance gives t = ±inf and p = 0 (as scipy does) when
    the mean is not zero, and no test at all (None) when every difference is zero.
    """
    n = int(diffs.size)
    if n < 2:
        return None, None, None, None
    df = n - 1
    mean = np.mean(diffs)
    var = np.var(diffs, ddof=1)
    se = np.sqrt(var / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.divide(mean, se)
    if math.isnan(float(t)):
        return None, None, None, None
    p = float(2.0 * sps.t.sf(abs(float(t)), df))
    half = float(sps.t.ppf(0.975, df)) * float(se)
    t_out = float(t) if math.isfinite(float(t)) else None
    return t_out, min(p, 1.0), float(mean) - half, float(mean) + half


def wilcoxon(diffs: np.ndarray) -> tuple[float | None, float | None, str]:
    """(statistic, two-sided p, note) from scipy.stats.wilcoxon with its defaults."""
    if diffs.size == 0:
        return None, None, "no pairs"
    note = ""
    if not np.any(diffs != 0):
        note = "all differences are zero: there is no evidence of change (scipy reports p = 1)"
    elif int(np.count_nonzero(diffs)) < diffs.size:
        note = "zero differences were dropped (zero_method='wilcox', scipy's default)"
    with warnings.catch_warnings():
        # scipy warns (divide by zero / small-sample normal approximation) where it still
        # returns its result; the note above says what the reader needs to know.
        warnings.simplefilter("ignore")
        try:
            result = sps.wilcoxon(diffs)
        except ValueError as exc:
            # e.g. a single zero difference: scipy has no test to run; say why, do not crash.
            return None, None, note or f"the signed-rank test cannot be computed: {exc}"
    return _plain(result.statistic), _plain(result.pvalue), note


def paired_analysis(
    observations: Sequence[Observation],
    *,
    lower_is_better: bool = False,
    reliable_change: float | None = None,
) -> PairedResult:
    """Analyse one measure before and after over a cohort (definitions in the module docstring)."""
    if reliable_change is not None:
        reliable_change = float(reliable_change)
        if not math.isfinite(reliable_change) or reliable_change <= 0:
            raise AnalysisInputError("The reliable change threshold must be a positive number.")
    sign = -1.0 if lower_is_better else 1.0
    base: list[float] = []
    follow: list[float] = []
    later: list[float | None] = []
    lost = 0
    for obs in observations:
        b = _finite(obs.baseline, "baseline", obs.person_id)
        if obs.followup is None:
            lost += 1
            continue
        base.append(b)
        follow.append(_finite(obs.followup, "followup", obs.person_id))
        later.append(None if obs.later is None else _finite(obs.later, "later", obs.person_id))
    n = len(base)
    b_arr = np.asarray(base, dtype=float)
    f_arr = np.asarray(follow, dtype=float)
    diffs = f_arr - b_arr
    notes: list[str] = []
    if n == 0:
        notes.append("no person has both a baseline and a follow-up score")
    elif n == 1:
        notes.append("one pair: no confidence interval, t-test or effect size")

    t_stat, t_p, ci_low, ci_high = paired_t(diffs)
    if n >= 2 and t_p is None:
        notes.append("every change is zero: the t-test is undefined")
    w_stat, w_p, w_note = wilcoxon(diffs)

    dz: float | None = None
    sd: float | None = None
    if n >= 2:
        sd = float(np.std(diffs, ddof=1))
        dz = float(np.mean(diffs)) / sd if sd > 0 else None

    better = diffs * sign  # > 0 means better whatever the measure's direction
    n_improved = int(np.count_nonzero(better > 0))
    n_deteriorated = int(np.count_nonzero(better < 0))
    n_rel_imp: int | None = None
    n_rel_det: int | None = None
    if reliable_change is not None:
        n_rel_imp = int(np.count_nonzero(better >= reliable_change))
        n_rel_det = int(np.count_nonzero(better <= -reliable_change))

    with_later = 0
    still = 0
    for i in range(n):
        if better[i] > 0 and later[i] is not None:
            with_later += 1
            if (float(later[i]) - base[i]) * sign > 0:  # type: ignore[arg-type]
                still += 1

    return PairedResult(
        n=n,
        n_lost=lost,
        mean_baseline=_plain(np.mean(b_arr)) if n else None,
        mean_followup=_plain(np.mean(f_arr)) if n else None,
        mean_change=_plain(np.mean(diffs)) if n else None,
        sd_change=sd,
        ci95_low=ci_low,
        ci95_high=ci_high,
        t_statistic=t_stat,
        t_p=t_p,
        wilcoxon_statistic=w_stat,
        wilcoxon_p=w_p,
        wilcoxon_note=w_note,
        effect_size_dz=dz,
        n_improved=n_improved,
        n_deteriorated=n_deteriorated,
        n_unchanged=n - n_improved - n_deteriorated,
        pct_improved=_pct(n_improved, n),
        pct_deteriorated=_pct(n_deteriorated, n),
        reliable_change=reliable_change,
        n_reliably_improved=n_rel_imp,
        n_reliably_deteriorated=n_rel_det,
        pct_reliably_improved=None if n_rel_imp is None else _pct(n_rel_imp, n),
        pct_reliably_deteriorated=None if n_rel_det is None else _pct(n_rel_det, n),
        n_improved_with_later=with_later,
        n_still_improved=still,
        pct_still_improved=_pct(still, with_later),
        lower_is_better=lower_is_better,
        notes=tuple(notes),
    )
