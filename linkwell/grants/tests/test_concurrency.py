"""Two managers spending one round's budget at the same moment: the round row is locked
(`services/_common.lock_round`), so the second sees the first's money and is refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from linkwell.core.exceptions import ValidationFailed
from linkwell.grants.models import Application, ApplicationStatus, Payment
from linkwell.grants.services import application_award, payment_record
from linkwell.grants.tests.factories import build_world, submit
from tests.personas import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls in threads released together; each result is "ok" or the refusal."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        outcome = "not run"
        try:
            barrier.wait()
            for _attempt in range(1000):
                try:
                    call()
                    outcome = "ok"
                except ValidationFailed as exc:
                    outcome = " ".join(m for ms in exc.errors.values() for m in ms)
                except OperationalError as exc:
                    # The in-memory test database (SQLite's shared cache) refuses a second
                    # writer at once instead of waiting as a database file or PostgreSQL does:
                    # wait here and try again, as the busy timeout would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.02)
                    continue
                break
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(results)


def test_two_awards_at_once_cannot_pass_the_budget() -> None:
    world = build_world(build_personas())  # budget £1,000
    first = submit(world, tier=world.do_it, amount_requested="600")
    second = submit(world, tier=world.do_it, amount_requested="600")

    def award(app: Application) -> Callable[[], Any]:
        return lambda: application_award(
            actor=world.manager,
            application=app,
            amount="600",
            reason="Good",
            expected_version=app.version,
        )

    results = _at_once(award(first), award(second))
    assert results[1] == "ok"
    assert results[0].startswith("Awarding £600 would take Spring over its budget")
    assert Application.objects.filter(status=ApplicationStatus.AWARDED).count() == 1


def test_two_payments_at_once_cannot_pass_the_award() -> None:
    world = build_world(build_personas())
    app = submit(world, amount_requested="500")
    application_award(
        actor=world.manager, application=app, amount="500", reason="Good", expected_version=1
    )
    app.refresh_from_db()

    def pay(ref: str) -> Callable[[], Any]:
        return lambda: payment_record(
            actor=world.manager,
            application=app,
            amount="300",
            paid_on=timezone.localdate(),
            reference=ref,
        )

    results = _at_once(pay("A"), pay("B"))
    assert results[1] == "ok"
    assert results[0].startswith("That is more than is left to pay on this grant")
    assert Payment.objects.count() == 1
