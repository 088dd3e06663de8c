"""The ledger: recording, confirming, declining and reversing exchanges of hours.

Double entry (README.md, Invariants): an exchange moves hours only when confirmed, by writing
two lines (-h on the giver, +h on the receiver) and changing both cached balances in the same
transaction. The debited account's row is locked first (`select_for_update`; on SQLite every
write transaction is already serialised by `transaction_mode` IMMEDIATE), and its limit is
checked on the locked balance, so two exchanges drawing on one account at once can never take
it below its limit, and neither hour is lost: one commits, then the other sees its effect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Channel
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import (
    Account,
    AccountKind,
    Category,
    Exchange,
    ExchangeStatus,
    LedgerLine,
)

QUARTER = Decimal("0.25")
MAX_HOURS = Decimal("1000")
EARLIEST = dt.date(2000, 1, 1)
NOTE_LIMIT = 300


def parse_hours(raw: Any) -> Decimal:
    """Hours as typed ("1.5", 2, "0.75") -> Decimal, or a specific refusal."""
    try:
        hours = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            {"hours": [f"Enter the hours as a number, like 1.5 (not {raw!r})"]}
        ) from exc
    hours_check(hours)
    return hours


def hours_check(hours: Decimal) -> None:
    if not hours.is_finite() or hours <= 0:
        raise ValidationFailed({"hours": ["The hours must be more than zero"]})
    if hours % QUARTER != 0:
        raise ValidationFailed(
            {"hours": ["Record hours in quarter-hour steps, like 0.25, 0.5, 1.75"]}
        )
    if hours > MAX_HOURS:
        raise ValidationFailed({"hours": [f"One exchange can be at most {MAX_HOURS} hours"]})


def overdraft_limit(account: Account) -> Decimal | None:
    """How far below zero `account` may go; None for no limit (issuing accounts)."""
    if account.overdraft_limit_hours is not None:
        return account.overdraft_limit_hours
    if account.kind == AccountKind.ISSUING:
        return None
    return Decimal(settings.LINKWELL_TIMEBANK_MEMBER_OVERDRAFT_HOURS)


def _limit_message(account: Account, hours: Decimal) -> str:
    limit = overdraft_limit(account)
    floor = "zero" if not limit else f"{limit} hours below zero"
    return (
        f"{account.reference} has {account.balance} hours: giving {hours} would take it below "
        f"its limit ({floor})"
    )


def _validate(
    *,
    from_account: Account,
    to_account: Account,
    hours: Decimal,
    category: str,
    happened_on: dt.date | None,
    note: str,
) -> None:
    errors: dict[str, list[str]] = {}
    try:
        hours_check(hours)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if from_account.pk == to_account.pk:
        errors["to_account"] = ["An account cannot exchange hours with itself"]
    elif from_account.organisation_id != to_account.organisation_id:
        errors["to_account"] = ["Both accounts must be in the same time bank"]
    if category not in Category.values:
        choices = ", ".join(Category.values)
        errors["category"] = [f"Unknown category {category!r}: choose one of {choices}"]
    if not isinstance(happened_on, dt.date):
        errors["happened_on"] = ["Enter the date of the exchange"]
    elif happened_on > timezone.localdate():
        errors["happened_on"] = ["The date cannot be in the future"]
    elif happened_on < EARLIEST:
        errors["happened_on"] = [f"The date must be in {EARLIEST.year} or later"]
    if len(note) > NOTE_LIMIT:
        errors["note"] = [f"The note must be {NOTE_LIMIT} characters or fewer"]
    if errors:
        raise ValidationFailed(errors)


def _lock(*accounts: Account) -> dict[int, Account]:
    """Lock the accounts' rows in id order (two transfers A->B and B->A cannot deadlock) and
    return them fresh, with the balances other transactions committed."""
    ids = sorted({a.pk for a in accounts})
    rows = Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {a.pk: a for a in rows}


def _post(exchange: Exchange, locked: dict[int, Account]) -> None:
    """Write the two lines and move both cached balances. Caller holds the locks."""
    giver = locked[exchange.from_account_id]
    limit = overdraft_limit(giver)
    if limit is not None and giver.balance - exchange.hours < -limit:
        raise ValidationFailed({"hours": [_limit_message(giver, exchange.hours)]})
    now = timezone.now()
    LedgerLine.objects.bulk_create(
        [
            LedgerLine(
                exchange=exchange, account_id=giver.pk, hours=-exchange.hours, created_at=now
            ),
            LedgerLine(
                exchange=exchange,
                account_id=exchange.to_account_id,
                hours=exchange.hours,
                created_at=now,
            ),
        ]
    )
    Account.objects.filter(pk=giver.pk).update(balance=F("balance") - exchange.hours)
    Account.objects.filter(pk=exchange.to_account_id).update(balance=F("balance") + exchange.hours)


def _detail(exchange: Exchange) -> dict[str, Any]:
    return {
        "from": exchange.from_account.reference,
        "to": exchange.to_account.reference,
        "hours": str(exchange.hours),
        "category": exchange.category,
        "happened_on": exchange.happened_on.isoformat(),
    }


def exchange_record(
    *,
    actor: User | None,
    from_account: Account,
    to_account: Account,
    hours: Decimal,
    category: str,
    happened_on: dt.date | None = None,
    note: str = "",
    recorded_by_account: Account | None = None,
    confirmed: bool = False,
    channel: str | None = None,
    reverses: Exchange | None = None,
) -> Exchange:
    """Record that `from_account` gave `hours` to `to_account`. Pending (the other side or a
    broker confirms: `exchange_confirm`) unless `confirmed` (a broker's or the command line's
    transfer, or the organisation issuing credits), when it is posted at once. A pending
    exchange that would already take the giver below its limit is refused now, too."""
    note = " ".join((note or "").split())
    happened_on = happened_on if happened_on is not None else timezone.localdate()
    _validate(
        from_account=from_account,
        to_account=to_account,
        hours=hours,
        category=category,
        happened_on=happened_on,
        note=note,
    )
    with transaction.atomic():
        locked = _lock(from_account, to_account)
        giver = locked[from_account.pk]
        limit = overdraft_limit(giver)
        if limit is not None and giver.balance - hours < -limit:
            raise ValidationFailed({"hours": [_limit_message(giver, hours)]})
        now = timezone.now()
        exchange = Exchange.objects.create(
            organisation_id=from_account.organisation_id,
            from_account=giver,
            to_account=locked[to_account.pk],
            hours=hours,
            category=category,
            happened_on=happened_on,
            note=note,
            status=ExchangeStatus.CONFIRMED if confirmed else ExchangeStatus.PENDING,
            recorded_at=now,
            recorded_by=actor,
            recorded_via=channel or Channel.WEB,
            recorded_by_account=recorded_by_account,
            decided_at=now if confirmed else None,
            decided_by=actor if confirmed else None,
            reverses=reverses,
        )
        if confirmed:
            _post(exchange, locked)
        audit_record(
            actor=actor,
            action=AuditAction.TIMEBANK_EXCHANGE_RECORDED,
            obj=exchange,
            organisation=from_account.organisation,
            detail={**_detail(exchange), "status": exchange.status},
            channel=channel,
        )
    return exchange


def transfer(
    *,
    actor: User | None,
    from_account: Account,
    to_account: Account,
    hours: Decimal,
    category: str,
    happened_on: dt.date | None = None,
    note: str = "",
    channel: str | None = None,
) -> Exchange:
    """A confirmed exchange, posted at once (brokers, the command line, issuing)."""
    return exchange_record(
        actor=actor,
        from_account=from_account,
        to_account=to_account,
        hours=hours,
        category=category,
        happened_on=happened_on,
        note=note,
        confirmed=True,
        channel=channel,
    )


def _decide_locked(exchange: Exchange) -> tuple[Exchange, dict[int, Account]]:
    locked = _lock(exchange.from_account, exchange.to_account)
    fresh = (
        Exchange.objects.select_for_update()
        .select_related("from_account", "to_account")
        .get(pk=exchange.pk)
    )
    if fresh.status != ExchangeStatus.PENDING:
        raise ValidationFailed(f"This exchange was already {fresh.get_status_display().lower()}")
    return fresh, locked


def exchange_confirm(*, actor: User | None, exchange: Exchange) -> Exchange:
    """The other side (or a broker) confirms a pending exchange: it is posted now, if the giver
    can still afford it."""
    with transaction.atomic():
        fresh, locked = _decide_locked(exchange)
        _post(fresh, locked)
        Exchange.objects.filter(pk=fresh.pk).decide(
            status=ExchangeStatus.CONFIRMED, decided_by=actor, decided_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action=AuditAction.TIMEBANK_EXCHANGE_CONFIRMED,
            obj=fresh,
            organisation=fresh.organisation,
            detail=_detail(fresh),
        )
    fresh.refresh_from_db()
    return fresh


def exchange_decline(*, actor: User | None, exchange: Exchange, reason: str) -> Exchange:
    """The other side (or a broker) says it did not happen like that. Nothing moves."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": ["Say why the exchange is declined"]})
    if len(reason) > NOTE_LIMIT:
        raise ValidationFailed({"reason": [f"The reason must be {NOTE_LIMIT} characters or fewer"]})
    with transaction.atomic():
        fresh, _ = _decide_locked(exchange)
        Exchange.objects.filter(pk=fresh.pk).decide(
            status=ExchangeStatus.DECLINED,
            decided_by=actor,
            decided_at=timezone.now(),
            decline_reason=reason,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TIMEBANK_EXCHANGE_DECLINED,
            obj=fresh,
            organisation=fresh.organisation,
            detail={**_detail(fresh), "reason": reason},
        )
    fresh.refresh_from_db()
    return fresh


def exchange_reverse(
    *, actor: User | None, exchange: Exchange, reason: str, channel: str | None = None
) -> Exchange:
    """Put a confirmed exchange right with a new one the other way that points at it. A
    reversal is not itself reversed (record a new exchange instead) and an exchange is reversed
    once (the unique `reverses` key refuses a second one made at the same moment)."""
    reason = " ".join((reason or "").split())
    errors: list[str] = []
    if not reason:
        raise ValidationFailed({"reason": ["Say why the exchange is reversed"]})
    if exchange.status != ExchangeStatus.CONFIRMED:
        errors.append("Only a confirmed exchange can be reversed; decline a pending one instead")
    elif exchange.reverses_id is not None:
        errors.append("A reversal cannot be reversed: record a new exchange instead")
    elif Exchange.objects.filter(reverses=exchange).exists():
        errors.append("This exchange has already been reversed")
    if errors:
        raise ValidationFailed({"__all__": errors})
    try:
        with transaction.atomic():
            reversal = _reverse(actor=actor, exchange=exchange, reason=reason, channel=channel)
    except IntegrityError as exc:
        raise ValidationFailed("This exchange has already been reversed") from exc
    return reversal


def _reverse(
    *, actor: User | None, exchange: Exchange, reason: str, channel: str | None
) -> Exchange:
    reversal = exchange_record(
        actor=actor,
        from_account=exchange.to_account,
        to_account=exchange.from_account,
        hours=exchange.hours,
        category=exchange.category,
        happened_on=timezone.localdate(),
        note=f"Reversal: {reason}"[:NOTE_LIMIT],
        confirmed=True,
        channel=channel,
        reverses=exchange,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TIMEBANK_EXCHANGE_REVERSED,
        obj=exchange,
        organisation=exchange.organisation,
        detail={**_detail(exchange), "reason": reason, "reversal": str(reversal.uuid)},
        channel=channel,
    )
    return reversal
