"""The ledger: double entry, limits, confirmation, reversal, and edits refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import (
    AccountKind,
    Category,
    Exchange,
    ExchangeStatus,
    LedgerImmutableError,
    LedgerLine,
)
from linkwell.timebank.selectors.ledger import account_by_reference, ledger_check
from linkwell.timebank.services.ledger import (
    exchange_confirm,
    exchange_decline,
    exchange_record,
    exchange_reverse,
    parse_hours,
    transfer,
)
from linkwell.timebank.tests.factories import make_account, make_org

pytestmark = pytest.mark.django_db
H = Decimal


@pytest.fixture
def bank():
    org = make_org()
    issuing = make_account(org, "Holy Cross Centre", kind=AccountKind.ISSUING)
    ann = make_account(org, "Ann Lee")
    bob = make_account(org, "Bob Shah")
    return org, issuing, ann, bob


def test_accounts_get_stable_references_found_again(bank):
    _, issuing, ann, _ = bank
    assert issuing.reference == "TB-0001"
    assert ann.reference == "TB-0002"
    assert account_by_reference("tb-0002") == ann
    assert account_by_reference("2") == ann
    assert account_by_reference("TB-9999") is None


def test_a_confirmed_transfer_moves_hours_and_balances_sum_to_zero(bank):
    _, issuing, ann, bob = bank
    transfer(actor=None, from_account=issuing, to_account=ann, hours=H("3"), category="training")
    transfer(actor=None, from_account=ann, to_account=bob, hours=H("1.25"), category="lifts")
    ann.refresh_from_db()
    bob.refresh_from_db()
    issuing.refresh_from_db()
    assert (issuing.balance, ann.balance, bob.balance) == (H("-3"), H("1.75"), H("1.25"))
    assert LedgerLine.objects.count() == 4
    assert ledger_check().ok


def test_a_member_cannot_go_below_zero_by_default(bank):
    _, _, ann, bob = bank
    with pytest.raises(ValidationFailed, match="below its limit"):
        transfer(actor=None, from_account=ann, to_account=bob, hours=H("1"), category="lifts")
    assert not Exchange.objects.exists()


@override_settings(LINKWELL_TIMEBANK_MEMBER_OVERDRAFT_HOURS=2)
def test_the_member_limit_setting_and_an_account_override_apply(bank):
    org, _, ann, bob = bank
    transfer(actor=None, from_account=ann, to_account=bob, hours=H("2"), category="lifts")
    with pytest.raises(ValidationFailed, match="below its limit"):
        transfer(actor=None, from_account=ann, to_account=bob, hours=H("0.25"), category="lifts")
    strict = make_account(org, "Cat Jones", overdraft=H("0"))
    with pytest.raises(ValidationFailed):
        transfer(actor=None, from_account=strict, to_account=bob, hours=H("1"), category="lifts")


@pytest.mark.parametrize(
    ("raw", "message"),
    [("0", "more than zero"), ("-1", "more than zero"), ("1.1", "quarter-hour"), ("x", "number")],
)
def test_bad_hours_are_refused_with_a_specific_message(raw, message):
    with pytest.raises(ValidationFailed, match=message):
        parse_hours(raw)


def test_same_account_unknown_category_and_future_date_are_refused(bank):
    _, issuing, ann, _ = bank
    with pytest.raises(ValidationFailed, match="itself"):
        transfer(actor=None, from_account=issuing, to_account=issuing, hours=H("1"), category="diy")
    with pytest.raises(ValidationFailed, match="Unknown category"):
        transfer(actor=None, from_account=issuing, to_account=ann, hours=H("1"), category="golf")
    with pytest.raises(ValidationFailed, match="future"):
        transfer(
            actor=None,
            from_account=issuing,
            to_account=ann,
            hours=H("1"),
            category="diy",
            happened_on=dt.date.today() + dt.timedelta(days=2),
        )
    assert not Exchange.objects.exists()


def test_a_pending_exchange_moves_nothing_until_confirmed(bank):
    _, issuing, ann, bob = bank
    transfer(actor=None, from_account=issuing, to_account=bob, hours=H("2"), category="other")
    pending = exchange_record(
        actor=None,
        from_account=bob,
        to_account=ann,
        hours=H("1.5"),
        category="gardening",
        recorded_by_account=bob,
    )
    bob.refresh_from_db()
    assert pending.status == ExchangeStatus.PENDING and bob.balance == H("2")
    confirmed = exchange_confirm(actor=None, exchange=pending)
    bob.refresh_from_db()
    assert confirmed.status == ExchangeStatus.CONFIRMED and bob.balance == H("0.5")
    with pytest.raises(ValidationFailed, match="already confirmed"):
        exchange_confirm(actor=None, exchange=pending)
    assert ledger_check().ok


def test_confirming_is_refused_if_the_giver_has_since_spent_the_hours(bank):
    _, issuing, ann, bob = bank
    transfer(actor=None, from_account=issuing, to_account=bob, hours=H("1"), category="other")
    pending = exchange_record(
        actor=None, from_account=bob, to_account=ann, hours=H("1"), category="gardening"
    )
    transfer(actor=None, from_account=bob, to_account=ann, hours=H("1"), category="lifts")
    with pytest.raises(ValidationFailed, match="below its limit"):
        exchange_confirm(actor=None, exchange=pending)
    assert Exchange.objects.get(pk=pending.pk).status == ExchangeStatus.PENDING


def test_a_declined_exchange_moves_nothing_and_needs_a_reason(bank):
    _, issuing, ann, _ = bank
    pending = exchange_record(
        actor=None, from_account=issuing, to_account=ann, hours=H("1"), category="other"
    )
    with pytest.raises(ValidationFailed, match="why"):
        exchange_decline(actor=None, exchange=pending, reason=" ")
    declined = exchange_decline(actor=None, exchange=pending, reason="It was 1 hour less")
    assert declined.status == ExchangeStatus.DECLINED
    assert not LedgerLine.objects.exists()


def test_a_reversal_points_at_the_original_and_is_refused_twice_or_reversed(bank):
    _, issuing, ann, _ = bank
    original = transfer(
        actor=None, from_account=issuing, to_account=ann, hours=H("2"), category="other"
    )
    reversal = exchange_reverse(actor=None, exchange=original, reason="Typed 2 instead of 1")
    ann.refresh_from_db()
    assert reversal.reverses == original and ann.balance == H("0")
    with pytest.raises(ValidationFailed, match="already been reversed"):
        exchange_reverse(actor=None, exchange=original, reason="again")
    with pytest.raises(ValidationFailed, match="reversal cannot be reversed"):
        exchange_reverse(actor=None, exchange=reversal, reason="undo")
    assert AuditEvent.objects.filter(action="timebank.exchange_reversed").count() == 1
    assert ledger_check().ok


def test_the_ledger_refuses_edits_and_deletes(bank):
    _, issuing, ann, _ = bank
    exchange = transfer(
        actor=None, from_account=issuing, to_account=ann, hours=H("1"), category="other"
    )
    with pytest.raises(LedgerImmutableError):
        Exchange.objects.filter(pk=exchange.pk).update(hours=H("5"))
    with pytest.raises(LedgerImmutableError):
        exchange.save()
    with pytest.raises(LedgerImmutableError):
        exchange.delete()
    with pytest.raises(LedgerImmutableError):
        LedgerLine.objects.all().delete()
    with pytest.raises(LedgerImmutableError):
        LedgerLine.objects.first().save()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE timebank_ledgerline SET hours = 7",
        "UPDATE timebank_exchange SET hours = 7",
        "UPDATE timebank_exchange SET status = 'declined'",
    ],
)
def test_the_database_refuses_edits_of_the_ledger(bank, sql):
    _, issuing, ann, _ = bank
    transfer(actor=None, from_account=issuing, to_account=ann, hours=H("1"), category="other")
    with (
        pytest.raises(Exception, match=r"append-only|cannot be edited"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert LedgerLine.objects.filter(hours=7).count() == 0


def test_a_check_finds_a_cached_balance_that_differs_from_the_lines(bank):
    _, issuing, ann, _ = bank
    transfer(actor=None, from_account=issuing, to_account=ann, hours=H("1"), category="other")
    type(ann).objects.filter(pk=ann.pk).update(balance=H("9"))
    check = ledger_check()
    assert not check.ok
    assert [(d.reference, d.cached, d.recomputed) for d in check.differences] == [
        (ann.reference, H("9"), H("1"))
    ]


def test_the_database_refuses_zero_hours_even_past_the_service(bank):
    org, issuing, ann, _ = bank
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Exchange.objects.create(
            organisation=org,
            from_account=issuing,
            to_account=ann,
            hours=H("0"),
            category=Category.OTHER,
            happened_on=dt.date.today(),
            recorded_at=timezone.now(),
        )
