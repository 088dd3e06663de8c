"""`linkwell timebank account create|transfer|statement|check|issue` (thin wrappers over services).

Every refusal exits non-zero with the service's own message (unknown account, hours that are
not a positive number of quarter hours, unknown category, the overdraft limit, one account to
itself). Changes are audited with the command line as the channel and no user as the actor.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Sum

from linkwell.accounts.models import Organisation
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import Account, AccountKind, Category, Exchange, TimebankMember
from linkwell.timebank.selectors.ledger import account_by_reference, account_exchanges, ledger_check
from linkwell.timebank.services.issuing import volunteer_hours_issue
from linkwell.timebank.services.ledger import parse_hours, transfer
from linkwell.timebank.services.members import account_create, member_create


def _plain(hours: Decimal) -> str:
    return f"{hours.normalize():f}" if hours == hours.to_integral() else f"{hours:f}"


def _number(hours: Decimal) -> float | int:
    return int(hours) if hours == hours.to_integral() else float(hours)


def _refused(exc: ValidationFailed) -> CommandError:
    return CommandError(" ".join(m for ms in exc.errors.values() for m in ms))


def _date(raw: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"{flag}: write the date as YYYY-MM-DD, not {raw!r}") from exc


class Command(BaseCommand):
    help = "The time bank: open accounts, transfer hours, print statements, check the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        account = sub.add_parser("account", help="Accounts.")
        account_sub = account.add_subparsers(dest="account_action", required=True)
        create = account_sub.add_parser("create", help="Open an account; prints its reference.")
        create.add_argument(
            "--member", required=True, help="An account reference (TB-0042) or a member's name."
        )
        create.add_argument("--kind", choices=AccountKind.values, default=AccountKind.MEMBER)
        create.add_argument(
            "--organisation", default="", help="The organisation running the time bank (name)."
        )
        move = sub.add_parser("transfer", help="Record a confirmed exchange.")
        move.add_argument("--from", dest="from_account", required=True)
        move.add_argument("--to", dest="to_account", required=True)
        move.add_argument("--hours", required=True)
        move.add_argument("--category", required=True, help=", ".join(Category.values))
        move.add_argument("--note", default="")
        statement = sub.add_parser("statement", help="Balances, or one account's exchanges.")
        statement.add_argument("--account", default="")
        statement.add_argument("--format", choices=["json"], default="json")
        sub.add_parser("check", help="Recompute every balance and the zero sum; exit 1 if wrong.")
        issue = sub.add_parser("issue", help="Credit volunteers' logged hours, once each.")
        issue.add_argument("--issuing", required=True, help="The issuing account's reference.")
        issue.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        issue.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.COMMAND):
            getattr(self, f"_{options['action']}")(options)

    def _account_or_fail(self, reference: str, flag: str) -> Account:
        account = account_by_reference(reference)
        if account is None:
            raise CommandError(f"{flag}: unknown account {reference!r}")
        return account

    def _account(self, options: dict[str, Any]) -> None:
        ref_or_name = options["member"].strip()
        existing = account_by_reference(ref_or_name)
        member: TimebankMember | None
        if existing is not None:
            member = existing.member
        else:
            orgs = Organisation.objects.all()
            if options["organisation"]:
                orgs = orgs.filter(name__iexact=options["organisation"].strip())
            else:
                orgs = orgs.filter(timebank_members__isnull=False).distinct()
            org_list = list(orgs[:2])
            if len(org_list) != 1:
                raise CommandError(
                    "--organisation: name the organisation running the time bank"
                    if not org_list
                    else "--organisation: more than one time bank; name the organisation"
                )
            org = org_list[0]
            member = TimebankMember.objects.filter(
                organisation=org, name__iexact=ref_or_name
            ).first()
            if member is None:
                try:
                    member = member_create(
                        actor=None,
                        organisation=org,
                        name=ref_or_name,
                        kind="individual"
                        if options["kind"] == AccountKind.MEMBER
                        else "organisation",
                    )
                except ValidationFailed as exc:
                    raise _refused(exc) from exc
        try:
            account = account_create(actor=None, member=member, kind=options["kind"])
        except ValidationFailed as exc:
            raise _refused(exc) from exc
        self.stdout.write(account.reference)

    def _transfer(self, options: dict[str, Any]) -> None:
        source = self._account_or_fail(options["from_account"], "--from")
        target = self._account_or_fail(options["to_account"], "--to")
        try:
            hours = parse_hours(options["hours"])
            exchange = transfer(
                actor=None,
                from_account=source,
                to_account=target,
                hours=hours,
                category=options["category"].strip().lower(),
                note=options["note"],
                channel=Channel.COMMAND,
            )
        except ValidationFailed as exc:
            raise _refused(exc) from exc
        self.stdout.write(
            f"{source.reference} -> {target.reference}: {_plain(exchange.hours)} hours "
            f"({exchange.get_category_display()}) confirmed"
        )

    def _statement(self, options: dict[str, Any]) -> None:
        total = Account.objects.aggregate(t=Sum("balance"))["t"] or Decimal("0")
        if options["account"]:
            account = self._account_or_fail(options["account"], "--account")
            lines = []
            for ex in account_exchanges(account):
                lines.append(
                    {
                        "date": ex.happened_on.isoformat(),
                        "from": ex.from_account.reference,
                        "to": ex.to_account.reference,
                        "hours": _number(ex.hours),
                        "category": ex.category,
                        "status": ex.status,
                        "reverses": str(ex.reverses.uuid) if ex.reverses else None,
                        "note": ex.note,
                    }
                )
            payload: dict[str, Any] = {
                "accounts": [{"account": account.reference, "balance": _number(account.balance)}],
                "total": _number(total),
                "exchanges": len(lines),
                "lines": lines,
            }
        else:
            payload = {
                "accounts": [
                    {"account": a.reference, "balance": _number(a.balance)}
                    for a in Account.objects.order_by("number")
                ],
                "total": _number(total),
                "exchanges": Exchange.objects.count(),
            }
        self.stdout.write(json.dumps(payload, indent=2))

    def _check(self, options: dict[str, Any]) -> None:
        check = ledger_check()
        for d in check.differences:
            self.stderr.write(
                f"{d.reference}: cached balance {d.cached}, sum of its lines {d.recomputed}"
            )
        if check.total != 0:
            self.stderr.write(f"The balances add up to {check.total}, not zero")
        if not check.ok:
            raise CommandError("The ledger does not balance.", returncode=1)
        self.stdout.write(f"{check.accounts} accounts; balances equal their lines and sum to 0.")

    def _issue(self, options: dict[str, Any]) -> None:
        issuing = self._account_or_fail(options["issuing"], "--issuing")
        try:
            issued = volunteer_hours_issue(
                actor=None,
                issuing=issuing,
                start=_date(options["start"], "--from"),
                end=_date(options["end"], "--to"),
                channel=Channel.COMMAND,
            )
        except ValidationFailed as exc:
            raise _refused(exc) from exc
        self.stdout.write(
            f"Issued {_plain(issued.hours)} hours to {issued.volunteers} volunteers "
            f"for {issued.activities} activities."
        )
