"""Outcome payments: the rule applied to the recorded Wellbeing Star measures, per provider.

Expected amounts are worked out here by plain arithmetic from the scores the test records.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.analysis.filters import ReportFilter
from linkwell.audit.models import AuditEvent
from linkwell.evidence.payments import (
    PaymentRule,
    PaymentRuleError,
    ProviderPayment,
    outcome_payments,
    payment_rule,
    publish_payments,
)
from linkwell.evidence.tests.factories import journey, measure
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

BASE = dt.date(2025, 1, 6)
FOLLOW = BASE + dt.timedelta(days=182)  # 7 July 2025
PERIOD = ReportFilter(start=dt.date(2025, 7, 1), end=dt.date(2025, 9, 30))
STAR = "wellbeing-star"
MAX = Decimal("492.50")


def _service(name: str) -> Organisation:
    return Organisation.objects.create(name=name, kind=OrganisationKind.LINK_WORKER_SERVICE)


def _cohort(
    service: Organisation,
    pairs: list[tuple[str, str]],
    *,
    follow_on: dt.date = FOLLOW,
) -> None:
    for before, after in pairs:
        j = journey(service=service, received=BASE - dt.timedelta(days=7))
        measure(j.case, STAR, "baseline", BASE, float(before))
        measure(j.case, STAR, "month_6", follow_on, float(after))


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _by_name(rows: list[ProviderPayment]) -> dict[str, ProviderPayment]:
    return {row.name: row for row in rows}


def test_the_shipped_rule_is_the_published_one() -> None:
    rule = payment_rule()
    assert rule.instrument == STAR
    assert rule.threshold == Decimal("0.5")
    assert rule.full_payment_at == Decimal("1.4")
    assert rule.max_per_person == MAX
    assert "Ways to Wellness" in rule.source


def test_payments_follow_the_rule_below_the_threshold_in_between_and_at_the_cap() -> None:
    below = _service("Below Threshold Provider")
    middle = _service("Middle Provider")
    above = _service("Above Cap Provider")
    # Changes 0.2 and 0.6 -> mean 0.4, under 0.5: nothing is paid.
    _cohort(below, [("4.0", "4.2"), ("5.0", "5.6")] * 5)
    # Changes 0.5, 1.2, 1.3 (x3 each) and 1.0 -> mean (1.5+3.6+3.9+1.0)/10 = 1.0.
    _cohort(middle, [("3.0", "3.5"), ("4.0", "5.2"), ("2.0", "3.3")] * 3 + [("5.0", "6.0")])
    # Changes 2.0 and 1.6 -> mean 1.8, over 1.4: the maximum per person.
    _cohort(above, [("3.0", "5.0"), ("4.0", "5.6")] * 4)

    rows = _by_name(outcome_payments(user=None, filters=PERIOD))

    assert rows["Below Threshold Provider"].n == 10
    assert rows["Below Threshold Provider"].mean_change == Decimal("0.4")
    assert rows["Below Threshold Provider"].per_person == 0
    assert rows["Below Threshold Provider"].total == 0
    assert rows["Below Threshold Provider"].below_threshold

    mid = rows["Middle Provider"]
    mean = (Decimal("0.5") * 3 + Decimal("1.2") * 3 + Decimal("1.3") * 3 + Decimal("1.0")) / 10
    assert mid.mean_change == mean == Decimal("1.0")
    per_person = _money(MAX * mean / Decimal("1.4"))  # 351.79
    assert mid.per_person == per_person == Decimal("351.79")
    assert mid.total == per_person * 10 == Decimal("3517.90")
    assert not mid.capped and not mid.below_threshold

    top = rows["Above Cap Provider"]
    assert top.n == 8
    assert top.mean_change == Decimal("1.8")
    assert top.per_person == MAX
    assert top.total == MAX * 8 == Decimal("3940.00")
    assert top.capped


def test_exactly_the_threshold_pays_nothing_and_exactly_the_cap_pays_the_maximum() -> None:
    rule = payment_rule()
    assert rule.per_person(Decimal("0.5")) == 0
    assert rule.per_person(Decimal("0.51")) == _money(MAX * Decimal("0.51") / Decimal("1.4"))
    assert rule.per_person(Decimal("1.4")) == MAX
    assert rule.per_person(Decimal("-1")) == 0


def test_a_rule_that_rises_from_the_threshold() -> None:
    rule = PaymentRule.from_dict(
        {
            "instrument": STAR,
            "threshold": "0.5",
            "full_payment_at": "1.4",
            "max_per_person": "492.50",
            "scale": "from_threshold",
            "follow_up_min_days": 152,
            "follow_up_max_days": 243,
            "source": "test",
        }
    )
    # 1.0 is 0.5 of the 0.9 between threshold and cap: 492.50 * 0.5 / 0.9 = 273.61.
    assert rule.per_person(Decimal("1.0")) == _money(MAX * Decimal("0.5") / Decimal("0.9"))
    assert rule.per_person(Decimal("1.0")) == Decimal("273.61")


def test_only_six_monthly_follow_ups_in_the_period_count() -> None:
    service = _service("Window Provider")
    _cohort(service, [("4.0", "6.0")] * 8)  # in the period and the window
    # A follow-up 2 months after the baseline is not the six-monthly one.
    _cohort(service, [("4.0", "9.0")] * 3, follow_on=BASE + dt.timedelta(days=60))
    # Six months after, but before the period (a baseline in late 2024).
    early = journey(service=service, received=dt.date(2024, 10, 1))
    measure(early.case, STAR, "baseline", dt.date(2024, 10, 1), 2.0)
    measure(early.case, STAR, "month_6", dt.date(2025, 4, 1), 9.0)
    # No baseline: not a pair.
    lone = journey(service=service, received=BASE)
    measure(lone.case, STAR, "month_6", FOLLOW, 9.0)

    (row,) = outcome_payments(user=None, filters=PERIOD)
    assert row.n == 8
    assert row.mean_change == Decimal("2.0")
    assert row.total == MAX * 8


def test_a_broken_rule_is_refused_with_every_problem_named() -> None:
    with pytest.raises(PaymentRuleError) as err:
        PaymentRule.from_dict(
            {
                "instrument": STAR,
                "threshold": "1.5",
                "full_payment_at": "1.4",
                "max_per_person": "lots",
                "scale": "steps",
                "follow_up_min_days": 0,
                "follow_up_max_days": 243,
                "source": "",
            }
        )
    message = str(err.value)
    assert "“max_per_person” must be a number" in message
    assert "“scale” must be one of" in message
    assert "“follow_up_min_days” must be a whole number" in message
    assert "“source” must say where the rule comes from" in message


def test_the_deployer_can_supply_their_own_rule(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "rule.json"
    path.write_text(
        json.dumps(
            {
                "instrument": STAR,
                "threshold": "0.2",
                "full_payment_at": "1.0",
                "max_per_person": "100",
                "follow_up_min_days": 152,
                "follow_up_max_days": 243,
                "source": "Our contract, schedule 3",
            }
        )
    )
    settings.OUTCOME_PAYMENT_RULE_FILE = str(path)
    _cohort(_service("Local Rule Provider"), [("4.0", "4.4")] * 8)
    (row,) = outcome_payments(user=None, filters=PERIOD)
    assert row.per_person == _money(Decimal(100) * Decimal("0.4") / Decimal("1.0")) == 40
    assert row.total == 320


def test_published_schedule_withholds_small_cohorts_and_the_total_that_would_show_them() -> None:
    _cohort(_service("Big Provider"), [("3.0", "5.0")] * 9)
    _cohort(_service("Tiny Provider"), [("3.0", "5.0")] * 3)
    rows = outcome_payments(user=None, filters=PERIOD)
    shown = {r["provider"]: r for r in publish_payments(rows, unsuppressed=False)}
    assert shown["Big Provider"]["people"] == 10  # 9 rounded to 5
    assert shown["Big Provider"]["total"] == f"{MAX * 9:.2f}"
    assert shown["Tiny Provider"]["people"] == "*"
    assert shown["Tiny Provider"]["mean_change"] == "*"
    assert shown["Tiny Provider"]["total"] == "*"
    assert shown["Total"]["total"] == "*"
    raw = {r["provider"]: r for r in publish_payments(rows, unsuppressed=True)}
    assert raw["Tiny Provider"]["people"] == 3
    assert raw["Total"]["total"] == f"{MAX * 12:.2f}"


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_commissioners_see_and_export_the_schedule(personas: Personas) -> None:
    _cohort(personas.link_worker_service, [("3.0", "4.0")] * 10)
    _cohort(personas.other_team, [("3.0", "5.0")] * 2)
    query = {"start": "2025-07-01", "end": "2025-09-30"}
    client = _client(personas.commissioner)
    page = client.get(reverse("evidence:payments"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nothing is paid unless the cohort&#x27;s average improvement is more than 0.5" in html
    per_person = _money(MAX * Decimal("1.0") / Decimal("1.4"))
    assert f'data-figure="total">{per_person * 10:.2f}<' in html

    response = client.get(reverse("evidence:payments_csv"), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    rows = {r["Provider"]: r for r in table}
    ours = rows[personas.link_worker_service.name]
    assert ours["Payment due (GBP)"] == f"{per_person * 10:.2f}"
    assert ours["People with a baseline and six-month follow-up"] == "10"
    theirs = rows[personas.other_team.name]
    assert theirs["People with a baseline and six-month follow-up"] == "*"
    assert theirs["Payment due (GBP)"] == "*"
    assert not AuditEvent.objects.filter(action="unsuppressed_figures_accessed").exists()


def test_a_granted_commissioner_exports_exact_figures_and_that_is_audited(
    personas: Personas,
) -> None:
    _cohort(personas.other_team, [("3.0", "5.0")] * 2)
    perm = Permission.objects.get(codename="view_unsuppressed", content_type__app_label="reports")
    personas.commissioner.user_permissions.add(perm)
    response = _client(personas.commissioner).get(
        reverse("evidence:payments_csv"), {"start": "2025-07-01", "end": "2025-09-30"}
    )
    rows = {r["Provider"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows[personas.other_team.name]["Payment due (GBP)"] == f"{MAX * 2:.2f}"
    assert AuditEvent.objects.filter(action="unsuppressed_figures_accessed").count() == 1


@pytest.mark.parametrize("who", ["team_manager", "link_worker", "owner", "outsider"])
def test_others_cannot_see_payments(personas: Personas, who: str) -> None:
    client = _client(getattr(personas, who))
    assert client.get(reverse("evidence:payments")).status_code == 403
    assert client.get(reverse("evidence:payments_csv")).status_code == 403


def test_administrators_see_payments_and_anonymous_visitors_sign_in(personas: Personas) -> None:
    assert _client(personas.admin).get(reverse("evidence:payments")).status_code == 200
    assert Client().get(reverse("evidence:payments")).status_code == 302
