"""`linkwell timebank account create|transfer|statement|check|issue`."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linkwell.audit.models import AuditEvent
from linkwell.timebank.models import Account, Exchange
from linkwell.timebank.tests.factories import make_org

pytestmark = pytest.mark.django_db


def tb(*args: str) -> str:
    out = StringIO()
    call_command("timebank", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.fixture
def refs() -> tuple[str, str, str]:
    make_org("Holy Cross Centre")
    centre = tb(
        "account",
        "create",
        "--member",
        "Holy Cross Centre",
        "--kind",
        "issuing",
        "--organisation",
        "Holy Cross Centre",
    )
    ann = tb("account", "create", "--member", "Ann Lee", "--kind", "member")
    bob = tb("account", "create", "--member", "Bob Shah", "--kind", "member")
    return centre, ann, bob


def test_account_create_prints_the_reference(refs) -> None:
    assert refs == ("TB-0001", "TB-0002", "TB-0003")
    # A second account for a member named by an existing reference.
    assert tb("account", "create", "--member", "TB-0002") == "TB-0004"
    assert Account.objects.get(number=4).member.name == "Ann Lee"


def test_transfer_and_statement_show_balances_summing_to_zero(refs) -> None:
    centre, ann, bob = refs
    tb("transfer", "--from", centre, "--to", ann, "--hours", "3", "--category", "training")
    tb(
        "transfer",
        "--from",
        ann,
        "--to",
        bob,
        "--hours",
        "1.25",
        "--category",
        "lifts",
        "--note",
        "Hospital run",
    )
    payload = json.loads(tb("statement", "--format", "json"))
    assert payload == {
        "accounts": [
            {"account": "TB-0001", "balance": -3},
            {"account": "TB-0002", "balance": 1.75},
            {"account": "TB-0003", "balance": 1.25},
        ],
        "total": 0,
        "exchanges": 2,
    }
    one = json.loads(tb("statement", "--account", ann, "--format", "json"))
    assert one["accounts"] == [{"account": "TB-0002", "balance": 1.75}]
    assert one["exchanges"] == 2
    assert one["lines"][0]["note"] == "Hospital run"
    assert (
        AuditEvent.objects.filter(action="timebank.exchange_recorded", channel="command").count()
        == 2
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "TB-0099", "--to", "TB-0002", "--hours", "1"], "unknown account 'TB-0099'"),
        (["--from", "TB-0001", "--to", "TB-0002", "--hours", "0"], "more than zero"),
        (["--from", "TB-0001", "--to", "TB-0002", "--hours", "-2"], "more than zero"),
        (["--from", "TB-0001", "--to", "TB-0002", "--hours", "0.3"], "quarter-hour"),
        (["--from", "TB-0002", "--to", "TB-0003", "--hours", "1"], "below its limit"),
        (["--from", "TB-0002", "--to", "TB-0002", "--hours", "1"], "itself"),
    ],
)
def test_transfer_refusals_exit_non_zero_with_a_specific_message(refs, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        tb("transfer", *args, "--category", "lifts")
    assert not Exchange.objects.exists()


def test_transfer_refuses_an_unknown_category(refs) -> None:
    with pytest.raises(CommandError, match="Unknown category 'golf'"):
        tb("transfer", "--from", "TB-0001", "--to", "TB-0002", "--hours", "1", "--category", "golf")


def test_check_passes_on_a_sound_ledger_and_exits_1_on_a_difference(refs) -> None:
    centre, ann, _ = refs
    tb("transfer", "--from", centre, "--to", ann, "--hours", "2", "--category", "other")
    assert "sum to 0" in tb("check")
    Account.objects.filter(number=2).update(balance=Decimal("5"))
    with pytest.raises(CommandError) as caught:
        tb("check")
    assert caught.value.returncode == 1
