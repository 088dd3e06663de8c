"""Money in a round: awarded (decided awards) and paid (payments recorded)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from linkwell.grants.models import Application, ApplicationStatus, Payment, Round


def awarded_total(round_: Round) -> Decimal:
    total = Application.objects.filter(round=round_, status=ApplicationStatus.AWARDED).aggregate(
        t=Sum("amount_awarded")
    )["t"]
    return total or Decimal("0")


def paid_total(*, round_: Round | None = None, application: Application | None = None) -> Decimal:
    rows = Payment.objects.all()
    if round_ is not None:
        rows = rows.filter(application__round=round_)
    if application is not None:
        rows = rows.filter(application=application)
    return rows.aggregate(t=Sum("amount"))["t"] or Decimal("0")


def budget_figures(round_: Round) -> dict[str, Decimal]:
    awarded = awarded_total(round_)
    return {
        "budget": round_.budget,
        "awarded": awarded,
        "left": round_.budget - awarded,
        "paid": paid_total(round_=round_),
    }
