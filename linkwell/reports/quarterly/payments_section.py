"""The outcome payments section: what each provider is due under the payment rule for the
period, from the recorded measures (linkwell/evidence/payments.py does the arithmetic and the
disclosure control; this module lays the published rows out as a report table)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from linkwell.accounts.models import User
from linkwell.analysis.filters import ReportFilter
from linkwell.evidence.payments import (
    CSV_COLUMNS,
    PaymentRuleError,
    outcome_payments,
    payment_rule,
    publish_payments,
)
from linkwell.reports.quarterly.structure import Column, Section, Table

SECTION_ID = "outcome-payments-by-provider"
TEXT_COLUMNS = {"provider", "key", "status"}


def outcome_payments_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    title = "Outcome payments by provider"
    try:
        rule = payment_rule()
    except PaymentRuleError as exc:
        return Section(id=SECTION_ID, title=title, notes=[str(exc)])
    rows = publish_payments(
        outcome_payments(user=user, filters=filters, rule=rule), unsuppressed=unsuppressed
    )
    table = Table(
        id=SECTION_ID,
        title="Outcome payments due per provider (six-monthly follow-ups in the period)",
        columns=[
            Column(key, label, numeric=key not in TEXT_COLUMNS)
            for key, label in CSV_COLUMNS
            if key != "key"
        ],
        rows=[{k: v for k, v in row.items() if k != "key"} for row in rows],
        note=rule.describe(),
    )
    return Section(id=SECTION_ID, title=title, tables=[table], notes=[rule.source])
