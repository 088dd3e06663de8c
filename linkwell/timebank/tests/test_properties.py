"""Property: whatever transfers, reversals and refusals happen, the ledger balances.

Any sequence of operations leaves the sum of every balance (issuing included) at zero, no member
account below its limit, and every cached balance equal to the sum of its lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import Account, AccountKind, Exchange, ExchangeStatus
from linkwell.timebank.selectors.ledger import ledger_check
from linkwell.timebank.services.ledger import (
    exchange_confirm,
    exchange_decline,
    exchange_record,
    exchange_reverse,
    overdraft_limit,
    transfer,
)
from linkwell.timebank.tests.factories import make_account, make_org

ACCOUNTS = 4  # index 0 is the issuing account
hours = st.integers(min_value=-2, max_value=16).map(lambda q: Decimal(q) / 4)
op = st.one_of(
    st.tuples(
        st.just("transfer"), st.integers(0, ACCOUNTS - 1), st.integers(0, ACCOUNTS - 1), hours
    ),
    st.tuples(
        st.just("pending"), st.integers(0, ACCOUNTS - 1), st.integers(0, ACCOUNTS - 1), hours
    ),
    st.tuples(st.just("confirm"), st.integers(0, 30), st.just(0), st.just(Decimal(0))),
    st.tuples(st.just("decline"), st.integers(0, 30), st.just(0), st.just(Decimal(0))),
    st.tuples(st.just("reverse"), st.integers(0, 30), st.just(0), st.just(Decimal(0))),
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(op, max_size=25),
    member_limit=st.sampled_from([None, Decimal("0"), Decimal("1.5")]),
)
def test_any_sequence_of_operations_keeps_the_ledger_balanced(ops, member_limit) -> None:
    from django.db import transaction

    with transaction.atomic():
        org = make_org()
        accounts = [make_account(org, "Centre", kind=AccountKind.ISSUING)] + [
            make_account(org, f"Member {i}", overdraft=member_limit) for i in range(1, ACCOUNTS)
        ]
        for name, a, b, h in ops:
            exchanges = list(Exchange.objects.filter(organisation=org).order_by("id"))
            try:
                if name in ("transfer", "pending"):
                    record = transfer if name == "transfer" else exchange_record
                    record(
                        actor=None,
                        from_account=accounts[a],
                        to_account=accounts[b],
                        hours=h,
                        category="other",
                    )
                elif exchanges:
                    target = exchanges[a % len(exchanges)]
                    if name == "confirm":
                        exchange_confirm(actor=None, exchange=target)
                    elif name == "decline":
                        exchange_decline(actor=None, exchange=target, reason="no")
                    else:
                        exchange_reverse(actor=None, exchange=target, reason="mistake")
            except ValidationFailed:
                pass  # a refusal changes nothing, which the checks below see
        check = ledger_check()
        assert check.total == 0
        assert check.differences == []
        for account in Account.objects.filter(organisation=org):
            limit = overdraft_limit(account)
            if limit is not None:
                assert account.balance >= -limit, account.reference
        reversed_ids = list(
            Exchange.objects.filter(organisation=org, reverses__isnull=False).values_list(
                "reverses", flat=True
            )
        )
        assert len(reversed_ids) == len(set(reversed_ids))
        assert not Exchange.objects.filter(
            organisation=org, reverses__isnull=False, reverses__reverses__isnull=False
        ).exists()
        assert not Exchange.objects.filter(
            organisation=org, status=ExchangeStatus.PENDING, lines__isnull=False
        ).exists()
        transaction.set_rollback(True)
