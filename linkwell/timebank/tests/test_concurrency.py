"""Two exchanges drawing on one account at once: never overdrawn, no hour lost.

Real transactions from threads, on whichever database the suite runs (SQLite serialises write
transactions with `transaction_mode` IMMEDIATE; PostgreSQL locks the debited account's row)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import OperationalError, close_old_connections, connection

from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import Account, AccountKind, LedgerLine
from linkwell.timebank.selectors.ledger import ledger_check
from linkwell.timebank.services.ledger import transfer
from linkwell.timebank.tests.factories import make_account, make_org

THREADS = 6
EACH = 4  # transfers per thread, 1 hour each


@pytest.mark.django_db(transaction=True)
def test_concurrent_transfers_from_one_account_never_overdraw_it_nor_lose_an_hour() -> None:
    org = make_org()
    issuing = make_account(org, "Centre", kind=AccountKind.ISSUING)
    giver = make_account(org, "Giver")
    transfer(
        actor=None, from_account=issuing, to_account=giver, hours=Decimal("10"), category="other"
    )
    receivers = [make_account(org, f"Receiver {i}") for i in range(THREADS)]
    results = {"ok": 0, "refused": 0}
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(receiver: Account) -> None:
        try:
            start.wait()
            for _ in range(EACH):
                for _attempt in range(2000):
                    try:
                        transfer(
                            actor=None,
                            from_account=giver,
                            to_account=receiver,
                            hours=Decimal("1"),
                            category="lifts",
                        )
                        outcome = "ok"
                    except ValidationFailed:
                        outcome = "refused"
                    except OperationalError:
                        # The database was busy (SQLite's shared in-memory test database says
                        # "locked" at once instead of waiting): the transaction rolled back whole.
                        time.sleep(0.005)
                        continue
                    with lock:
                        results[outcome] += 1
                    break
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(r,)) for r in receivers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    giver.refresh_from_db()
    assert results["ok"] + results["refused"] == THREADS * EACH  # every attempt was answered
    assert results["ok"] == 10  # exactly the 10 hours it had, never more
    assert results["refused"] == THREADS * EACH - 10
    assert giver.balance == 0
    received = sum(Account.objects.get(pk=r.pk).balance for r in receivers)
    assert received == Decimal("10")
    assert LedgerLine.objects.filter(account=giver).count() == 11
    check = ledger_check()
    assert check.ok, check
