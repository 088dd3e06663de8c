"""The time bank's hours given (timebank/selectors/economics.py), and `linkwell economics run sroi --from-ledger`."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linkwell.timebank.models import AccountKind, CreditedActivity
from linkwell.timebank.selectors.economics import hours_given
from linkwell.timebank.services.issuing import volunteer_hours_issue
from linkwell.timebank.services.ledger import exchange_record, exchange_reverse, transfer
from linkwell.timebank.tests.factories import make_account, make_org
from linkwell.volunteering.models import Activity, ActivityKind
from linkwell.volunteering.tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
H = Decimal


@pytest.fixture
def ledger():
    """In March 2025: members exchange 5 hours (plus one reversed and one pending, which do not
    count), the centre credits a trainee 10 hours (not counted), and a volunteer logs 3 hours,
    of which 2 are credited through the ledger (counted once)."""
    org = make_org()
    centre = make_account(org, "Centre", kind=AccountKind.ISSUING)
    ann, bob = make_account(org, "Ann"), make_account(org, "Bob")
    day = D(2025, 3, 10)
    transfer(
        actor=None,
        from_account=centre,
        to_account=ann,
        hours=H(10),
        category="training",
        happened_on=day,
    )
    transfer(
        actor=None, from_account=ann, to_account=bob, hours=H(3), category="lifts", happened_on=day
    )
    transfer(
        actor=None, from_account=bob, to_account=ann, hours=H(2), category="diy", happened_on=day
    )
    wrong = transfer(
        actor=None, from_account=ann, to_account=bob, hours=H(4), category="diy", happened_on=day
    )
    exchange_reverse(actor=None, exchange=wrong, reason="Typed in error")
    exchange_record(
        actor=None, from_account=ann, to_account=bob, hours=H(1), category="diy", happened_on=day
    )
    transfer(
        actor=None,
        from_account=ann,
        to_account=bob,
        hours=H(7),
        category="diy",
        happened_on=D(2025, 5, 1),
    )  # outside the period
    volunteer = make_member(org)
    for minutes, when in ((60, D(2025, 3, 1)), (60, D(2025, 3, 2)), (60, D(2025, 3, 30))):
        Activity.objects.create(
            member=volunteer, kind=ActivityKind.PHONE, happened_on=when, minutes=minutes
        )
    volunteer_hours_issue(actor=None, issuing=centre, start=D(2025, 3, 1), end=D(2025, 3, 15))
    return centre


def test_hours_given_counts_exchanges_and_volunteering_once(ledger) -> None:
    given = hours_given(start=D(2025, 3, 1), end=D(2025, 3, 31))
    assert given.exchanges == H(5)
    assert given.volunteering_credited == H(2)
    assert given.volunteering_uncredited == H(1)
    assert given.total == H(8)


def test_issuing_volunteer_hours_twice_credits_nothing_twice(ledger) -> None:
    again = volunteer_hours_issue(
        actor=None, issuing=ledger, start=D(2025, 3, 1), end=D(2025, 3, 31)
    )
    assert (again.volunteers, again.activities, again.hours) == (1, 1, H(1))
    assert CreditedActivity.objects.count() == 3
    none = volunteer_hours_issue(
        actor=None, issuing=ledger, start=D(2025, 3, 1), end=D(2025, 3, 31)
    )
    assert (none.volunteers, none.hours) == (0, H(0))
    assert hours_given(start=D(2025, 3, 1), end=D(2025, 3, 31)).total == H(8)


def test_sroi_from_the_ledger_values_the_hours_at_the_model_wage(ledger) -> None:
    out = StringIO()
    call_command(
        "economics",
        "run",
        "sroi",
        "--from-ledger",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--set",
        "wage_rate=12.5",
        stdout=out,
        stderr=StringIO(),
    )
    result = json.loads(out.getvalue())
    assert result["inputs"]["hours_given"] == 8
    assert result["outputs"]["value_of_time"] == 8 * 12.5


def test_sroi_from_the_ledger_uses_the_configured_default_wage(ledger) -> None:
    from linkwell.economics.engine import get_model

    wage = next(i.default for i in get_model("sroi").inputs if i.name == "wage_rate")
    out = StringIO()
    call_command(
        "economics",
        "run",
        "sroi",
        "--from-ledger",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        stdout=out,
        stderr=StringIO(),
    )
    assert (
        Decimal(str(json.loads(out.getvalue())["outputs"]["value_of_time"]))
        == (H(8) * Decimal(str(wage))).normalize()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sroi", "--from-ledger", "--from", "2025-03-01"], "YYYY-MM-DD"),
        (["sroi", "--from-ledger", "--from", "2025-04-01", "--to", "2025-03-01"], "after"),
        (
            [
                "sroi",
                "--from-ledger",
                "--from",
                "2025-03-01",
                "--to",
                "2025-03-31",
                "--set",
                "hours_given=5",
            ],
            "do not --set",
        ),
        (
            ["falls-prevention", "--from-ledger", "--from", "2025-03-01", "--to", "2025-03-31"],
            "no hours_given",
        ),
        (["sroi", "--from", "2025-03-01"], "go with --from-ledger"),
    ],
)
def test_from_ledger_refusals_are_specific(args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("economics", "run", *args, stdout=StringIO(), stderr=StringIO())
