"""Support packages: low-level support for a person and the mix paying for it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.people.models import Person
from linkwell.timebank.models import Account, Category, SupportPackage
from linkwell.timebank.services.ledger import QUARTER, exchange_record

ZERO = Decimal("0")


def package_record(
    *,
    actor: User | None,
    organisation: Organisation,
    person: Person,
    description: str,
    starts_on: dt.date | None = None,
    budget_hours: Decimal = ZERO,
    budget_amount: Decimal = ZERO,
    credit_hours: Decimal = ZERO,
    payer: Account | None = None,
    provider: Account | None = None,
    own_funds_amount: Decimal = ZERO,
) -> SupportPackage:
    """Record a package. Hours paid in time credits are a real confirmed exchange from the
    person's account (`payer`) to the provider's, so the person's balance must cover them."""
    description = " ".join((description or "").split())
    errors: dict[str, list[str]] = {}
    if not description:
        errors["description"] = ["Say what the support is"]
    for name, value in (
        ("budget_hours", budget_hours),
        ("budget_amount", budget_amount),
        ("credit_hours", credit_hours),
        ("own_funds_amount", own_funds_amount),
    ):
        if value < 0:
            errors[name] = ["This cannot be below zero"]
    if budget_hours % QUARTER or credit_hours % QUARTER:
        errors["credit_hours"] = ["Record hours in quarter-hour steps"]
    if budget_hours > 0 and budget_amount <= 0:
        errors["budget_amount"] = ["Enter the £ the personal budget pays for its hours"]
    if credit_hours > 0 and (payer is None or provider is None):
        errors["credit_hours"] = ["Choose the person's account and the provider's to pay credits"]
    for account in (payer, provider):
        if account is not None and account.organisation_id != organisation.pk:
            errors["credit_hours"] = ["Both accounts must be in this time bank"]
    if budget_hours + credit_hours == 0 and own_funds_amount == 0:
        errors["__all__"] = ["Enter how the support is paid for"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        exchange = None
        if credit_hours > 0 and payer is not None and provider is not None:
            exchange = exchange_record(
                actor=actor,
                from_account=payer,
                to_account=provider,
                hours=credit_hours,
                category=Category.CARE_SUPPORT,
                note=f"Support package: {description}"[:300],
                confirmed=True,
            )
        package = SupportPackage.objects.create(
            organisation=organisation,
            person=person,
            description=description,
            starts_on=starts_on or timezone.localdate(),
            budget_hours=budget_hours,
            budget_amount=budget_amount,
            credit_hours=credit_hours,
            credit_exchange=exchange,
            own_funds_amount=own_funds_amount,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TIMEBANK_PACKAGE_RECORDED,
            obj=package,
            organisation=package.organisation,
            person_id=str(person.uuid),
            detail={
                "budget_hours": str(budget_hours),
                "budget_amount": str(budget_amount),
                "credit_hours": str(credit_hours),
                "own_funds_amount": str(own_funds_amount),
            },
        )
    return package
