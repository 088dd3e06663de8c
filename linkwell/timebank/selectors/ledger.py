"""Reads of the ledger: balances, statements and the check that the cache equals the lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from linkwell.timebank.models import Account, Exchange, LedgerLine

ZERO = Decimal("0")


@dataclass(frozen=True)
class Difference:
    reference: str
    cached: Decimal
    recomputed: Decimal


@dataclass(frozen=True)
class LedgerCheck:
    accounts: int
    total: Decimal
    differences: list[Difference]

    @property
    def ok(self) -> bool:
        return self.total == ZERO and not self.differences


def ledger_check() -> LedgerCheck:
    """Recompute every balance from its lines, compare it with the cached one, and add up all
    the lines (zero in a sound ledger). Two queries."""
    sums = {
        row["account"]: row["total"] or ZERO
        for row in LedgerLine.objects.values("account").annotate(total=Sum("hours")).order_by()
    }
    differences = []
    count = 0
    for account in Account.objects.order_by("number"):
        count += 1
        recomputed = sums.get(account.pk, ZERO)
        if recomputed != account.balance:
            differences.append(
                Difference(account.reference, cached=account.balance, recomputed=recomputed)
            )
    total = sum(sums.values(), ZERO)
    return LedgerCheck(accounts=count, total=total, differences=differences)


def account_by_reference(reference: str) -> Account | None:
    """An account from its reference ("TB-0042", "tb-42" or "42")."""
    raw = (reference or "").strip().upper().removeprefix("TB-").removeprefix("TB")
    if not raw.isdigit():
        return None
    return Account.objects.select_related("member", "organisation").filter(number=int(raw)).first()


def account_exchanges(account: Account) -> QuerySet[Exchange]:
    """Every exchange to or from `account`, newest first, with both accounts' members."""
    return (
        Exchange.objects.filter(Q(from_account=account) | Q(to_account=account))
        .select_related("from_account__member", "to_account__member", "reverses")
        .order_by("-happened_on", "-id")
    )
