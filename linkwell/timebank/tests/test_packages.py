"""Support packages: the mix paying for support, with time credits a real exchange."""

from __future__ import annotations

from decimal import Decimal

import pytest

from linkwell.casework.tests.factories import make_person
from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import AccountKind, SupportPackage
from linkwell.timebank.selectors.ledger import ledger_check
from linkwell.timebank.services.ledger import transfer
from linkwell.timebank.services.packages import package_record
from linkwell.timebank.tests.factories import make_account, make_org

pytestmark = pytest.mark.django_db
H = Decimal


@pytest.fixture
def setting():
    org = make_org()
    centre = make_account(org, "Centre", kind=AccountKind.ISSUING)
    payer = make_account(org, "Edna Price")
    provider = make_account(org, "Home Support", kind=AccountKind.PARTNER)
    transfer(actor=None, from_account=centre, to_account=payer, hours=H(3), category="other")
    return org, payer, provider


def test_a_package_records_the_mix_and_pays_credits_through_the_ledger(setting) -> None:
    org, payer, provider = setting
    package = package_record(
        actor=None,
        organisation=org,
        person=make_person(),
        description="Help at home",
        budget_hours=H(4),
        budget_amount=H("80"),
        credit_hours=H(2),
        payer=payer,
        provider=provider,
        own_funds_amount=H("15"),
    )
    payer.refresh_from_db()
    provider.refresh_from_db()
    assert (payer.balance, provider.balance) == (H(1), H(2))
    assert package.credit_exchange is not None and package.credit_exchange.hours == H(2)
    assert ledger_check().ok


def test_a_package_paid_in_more_credits_than_the_person_has_is_refused_whole(setting) -> None:
    org, payer, provider = setting
    with pytest.raises(ValidationFailed, match="below its limit"):
        package_record(
            actor=None,
            organisation=org,
            person=make_person(),
            description="Help at home",
            credit_hours=H(5),
            payer=payer,
            provider=provider,
        )
    assert not SupportPackage.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "how the support is paid"),
        ({"budget_hours": H(2)}, "£ the personal budget"),
        ({"credit_hours": H(1)}, "person's account"),
        ({"own_funds_amount": H(-1)}, "below zero"),
    ],
)
def test_bad_packages_are_refused_with_a_specific_message(setting, fields, message) -> None:
    org, *_ = setting
    with pytest.raises(ValidationFailed, match=message):
        package_record(
            actor=None, organisation=org, person=make_person(), description="Help", **fields
        )
