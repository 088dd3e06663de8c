"""Outcome payments: a payment-by-results rule applied to the recorded measures.

The rule is data (`data/outcome_payment_rule.json`, or the deployer's own file named by
`settings.OUTCOME_PAYMENT_RULE_FILE`): which measure, the cohort improvement above which
anything is paid, the improvement at which the maximum per person is reached, the maximum, how
the payment rises between them, and how far after the baseline a follow-up counts as the
six-monthly one.

The cohort of a provider (the link-worker service that holds the cases) for a period: every
case with a baseline of the measure and a follow-up recorded `follow_up_min_days` to
`follow_up_max_days` after it (the first such), whose follow-up falls in the period. Its
improvement is the mean of (follow-up - baseline) over those pairs; nothing is typed in.

Arithmetic is in `Decimal`, money rounded half up to the penny.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from linkwell.accounts.models import User
from linkwell.analysis.disclosure import SUPPRESSED, is_small, publish_count
from linkwell.analysis.filters import ReportFilter
from linkwell.evidence.selectors.common import in_period, scoped_cases
from linkwell.outcomes.models import MeasureAdministration, Timepoint
from linkwell.outcomes.registry import get_instrument

DEFAULT_RULE_FILE = Path(__file__).resolve().parent / "data" / "outcome_payment_rule.json"
SCALES = {
    "proportional": "the maximum ÷ the full-payment improvement, per point of average improvement",
    "from_threshold": "rising in a straight line from nothing at the threshold to the maximum",
}
PENNY = Decimal("0.01")
CHANGE_PLACES = Decimal("0.001")


class PaymentRuleError(ValueError):
    pass


@dataclass(frozen=True)
class PaymentRule:
    instrument: str
    threshold: Decimal
    full_payment_at: Decimal
    max_per_person: Decimal
    scale: str
    follow_up_min_days: int
    follow_up_max_days: int
    source: str

    @classmethod
    def from_dict(cls, data: Any) -> PaymentRule:
        """Build a rule, naming every problem with it at once."""
        if not isinstance(data, dict):
            raise PaymentRuleError("The payment rule must be a JSON object.")
        errors: list[str] = []

        def dec(key: str) -> Decimal:
            try:
                value = Decimal(str(data[key]))
            except KeyError:
                errors.append(f"“{key}” is missing")
                return Decimal(0)
            except InvalidOperation:
                errors.append(f"“{key}” must be a number, not {data[key]!r}")
                return Decimal(0)
            if not value.is_finite() or value < 0:
                errors.append(f"“{key}” must be a number of 0 or more")
            return value

        def days(key: str) -> int:
            value = data.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                errors.append(f"“{key}” must be a whole number of days, 1 or more")
                return 1
            return value

        threshold, full, maximum = dec("threshold"), dec("full_payment_at"), dec("max_per_person")
        if not errors and full <= threshold:
            errors.append("“full_payment_at” must be more than “threshold”")
        scale = data.get("scale", "proportional")
        if scale not in SCALES:
            errors.append(f"“scale” must be one of {', '.join(SCALES)}")
        low, high = days("follow_up_min_days"), days("follow_up_max_days")
        if high < low:
            errors.append("“follow_up_max_days” must not be before “follow_up_min_days”")
        if not str(data.get("source") or "").strip():
            errors.append("“source” must say where the rule comes from")
        instrument = str(data.get("instrument") or "")
        if not instrument:
            errors.append("“instrument” must name the measure paid on")
        if errors:
            raise PaymentRuleError("The payment rule is not usable: " + "; ".join(errors) + ".")
        return cls(
            instrument=instrument,
            threshold=threshold,
            full_payment_at=full,
            max_per_person=maximum,
            scale=scale,
            follow_up_min_days=low,
            follow_up_max_days=high,
            source=str(data["source"]).strip(),
        )

    def per_person(self, mean_change: Decimal) -> Decimal:
        """The payment per person in a cohort whose average improvement is `mean_change`."""
        if mean_change <= self.threshold:
            return Decimal("0.00")
        if mean_change >= self.full_payment_at:
            return self.max_per_person.quantize(PENNY, rounding=ROUND_HALF_UP)
        if self.scale == "from_threshold":
            amount = (
                self.max_per_person
                * (mean_change - self.threshold)
                / (self.full_payment_at - self.threshold)
            )
        else:
            amount = self.max_per_person * mean_change / self.full_payment_at
        return amount.quantize(PENNY, rounding=ROUND_HALF_UP)

    def describe(self) -> str:
        return (
            f"Nothing is paid unless the cohort's average improvement is more than "
            f"{self.threshold} points; the most paid is £{self.max_per_person:,.2f} per person, "
            f"reached at {self.full_payment_at} points; in between, {SCALES[self.scale]}. "
            f"A follow-up counts when recorded {self.follow_up_min_days}-"
            f"{self.follow_up_max_days} days after the baseline."
        )


@lru_cache(maxsize=4)
def _read(path: str, mtime: float) -> PaymentRule:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PaymentRuleError(f"{path}: cannot read the payment rule ({exc})") from exc
    try:
        return PaymentRule.from_dict(data)
    except PaymentRuleError as exc:
        raise PaymentRuleError(f"{path}: {exc}") from exc


def payment_rule() -> PaymentRule:
    """The rule in force: the deployer's file if set, else the shipped default."""
    path = Path(getattr(settings, "OUTCOME_PAYMENT_RULE_FILE", "") or DEFAULT_RULE_FILE)
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise PaymentRuleError(f"{path}: cannot read the payment rule ({exc})") from exc
    return _read(str(path), mtime)


@dataclass(frozen=True)
class ProviderPayment:
    """One provider's cohort for the period and what the rule pays for it (raw figures)."""

    key: str  # the link-worker service's UUID
    name: str
    n: int  # pairs (people) in the cohort
    mean_baseline: Decimal | None
    mean_followup: Decimal | None
    mean_change: Decimal | None
    per_person: Decimal
    total: Decimal
    capped: bool
    below_threshold: bool


def _cohort_pairs(
    rows: Sequence[Mapping[str, Any]], rule: PaymentRule, filters: ReportFilter
) -> dict[int, tuple[Decimal, Decimal]]:
    """{case id: (baseline, follow-up)} for cases whose ~6-month follow-up is in the period."""
    by_case: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["score"] is not None:
            by_case[row["case_id"]].append(row)
    out: dict[int, tuple[Decimal, Decimal]] = {}
    for case_id, adms in by_case.items():
        adms.sort(key=lambda a: (a["administered_on"], a["created_at"]))
        baselines = [a for a in adms if a["timepoint"] == Timepoint.BASELINE]
        if not baselines:
            continue
        base = baselines[0]
        low = base["administered_on"] + dt.timedelta(days=rule.follow_up_min_days)
        high = base["administered_on"] + dt.timedelta(days=rule.follow_up_max_days)
        follow = next((a for a in adms if low <= a["administered_on"] <= high), None)
        if follow is None or not in_period(follow["administered_on"], filters):
            continue
        # Scores as the decimals they were recorded as (4.2, not 4.2000000000000002).
        out[case_id] = (Decimal(str(base["score"])), Decimal(str(follow["score"])))
    return out


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def outcome_payments(
    *,
    user: User | AnonymousUser | None,
    filters: ReportFilter,
    rule: PaymentRule | None = None,
) -> list[ProviderPayment]:
    """The payment due to each provider for the cohort whose follow-up fell in the period.

    Raw figures (publish them with `present.payments`). Providers with no pairs in the period are
    left out. Queries: 2.
    """
    rule = rule or payment_rule()
    instrument = get_instrument(rule.instrument)
    lower_is_better = instrument.direction == "lower_is_better"
    cases = scoped_cases(user=user, filters=filters)
    rows = list(
        MeasureAdministration.objects.filter(instrument_id=instrument.id, case__in=cases).values(
            "case_id",
            "timepoint",
            "administered_on",
            "created_at",
            "score",
            "case__link_worker_service__uuid",
            "case__link_worker_service__name",
        )
    )
    pairs = _cohort_pairs(rows, rule, filters)
    provider_of = {
        r["case_id"]: (
            str(r["case__link_worker_service__uuid"]),
            r["case__link_worker_service__name"],
        )
        for r in rows
    }
    groups: dict[tuple[str, str], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for case_id, pair in pairs.items():
        groups[provider_of[case_id]].append(pair)
    out: list[ProviderPayment] = []
    for (key, name), members in sorted(groups.items(), key=lambda kv: kv[0][1].lower()):
        base = _mean([b for b, _ in members])
        follow = _mean([f for _, f in members])
        change = _mean([(b - f) if lower_is_better else (f - b) for b, f in members])
        per_person = rule.per_person(change)
        out.append(
            ProviderPayment(
                key=key,
                name=name,
                n=len(members),
                mean_baseline=base,
                mean_followup=follow,
                mean_change=change,
                per_person=per_person,
                total=(per_person * len(members)).quantize(PENNY, rounding=ROUND_HALF_UP),
                capped=change >= rule.full_payment_at,
                below_threshold=change <= rule.threshold,
            )
        )
    return out


def _status(row: ProviderPayment) -> str:
    if row.below_threshold:
        return "Below the threshold: nothing to pay"
    if row.capped:
        return "At the maximum"
    return "Paid on improvement"


def publish_payments(
    rows: list[ProviderPayment], *, unsuppressed: bool
) -> list[dict[str, str | int]]:
    """The schedule as it may leave the system, one dict per provider plus a total row.

    For a viewer without `reports.view_unsuppressed`, a cohort of 1-7 people shows every
    figure as `*` (the average, the amount per person and the total would each describe those
    few people); other cohorts show their size rounded to 5 and the exact money due (which is
    what a commissioner pays). The total row adds the money shown, and is `*` when any row's
    money is withheld.
    """
    out: list[dict[str, str | int]] = []
    total = Decimal(0)
    any_withheld = False
    people = 0
    for row in rows:
        small = is_small(row.n) and not unsuppressed
        any_withheld = any_withheld or small
        people += row.n
        if not small:
            total += row.total
        out.append(
            {
                "provider": row.name,
                "key": row.key,
                "people": publish_count(row.n, unsuppressed=unsuppressed),
                "mean_baseline": SUPPRESSED if small else _places(row.mean_baseline),
                "mean_followup": SUPPRESSED if small else _places(row.mean_followup),
                "mean_change": SUPPRESSED if small else _places(row.mean_change),
                "per_person": SUPPRESSED if small else f"{row.per_person:.2f}",
                "total": SUPPRESSED if small else f"{row.total:.2f}",
                "status": SUPPRESSED if small else _status(row),
            }
        )
    if rows:
        out.append(
            {
                "provider": "Total",
                "key": "",
                "people": publish_count(people, unsuppressed=unsuppressed),
                "mean_baseline": "",
                "mean_followup": "",
                "mean_change": "",
                "per_person": "",
                "total": SUPPRESSED if any_withheld else f"{total:.2f}",
                "status": "",
            }
        )
    return out


def _places(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(CHANGE_PLACES, rounding=ROUND_HALF_UP)}"


CSV_COLUMNS = (
    ("provider", "Provider"),
    ("key", "Provider id"),
    ("people", "People with a baseline and six-month follow-up"),
    ("mean_baseline", "Mean score at baseline"),
    ("mean_followup", "Mean score at follow-up"),
    ("mean_change", "Average improvement (points)"),
    ("per_person", "Payment per person (GBP)"),
    ("total", "Payment due (GBP)"),
    ("status", "Rule"),
)
