"""Awarding or declining an application, and recording the payments of an award.

Budget invariant: the money awarded in a round never exceeds its budget, and the money paid on
an award never exceeds the award. Every write here locks the round row first
(`_common.lock_round`), then checks the sums, so two managers deciding or paying at once are
serialised and the second is refused when the first used the money up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.grants.models import Application, ApplicationStatus, Payment
from linkwell.grants.selectors.letters import offer_context
from linkwell.grants.selectors.money import awarded_total, paid_total
from linkwell.grants.services._common import Errors, clean_money, clean_text, lock_round, money
from linkwell.grants.services.monitoring import report_link
from linkwell.grants.services.notifications import send_after_commit


def _what(app: Application) -> str:
    return f"Application {app.reference}"


def _decide_reason(errors: Errors, reason: Any, *, required: str) -> str:
    return clean_text(errors, "reason", reason, limit=2000, required=required, label="The reason")


def application_award(
    *,
    actor: User,
    application: Application,
    amount: Any,
    reason: str,
    expected_version: int | None,
) -> Application:
    errors = Errors()
    value = clean_money(errors, "amount", amount, required="Enter the amount to award")
    reason = _decide_reason(errors, reason, required="Give the panel's reasons for the award")
    tier = application.tier
    if value is not None:
        if value > tier.maximum_amount:
            errors.add("amount", f"The {tier.name} award is at most {money(tier.maximum_amount)}")
        elif value > application.amount_requested:
            errors.add(
                "amount",
                f"That is more than the applicant asked for ({money(application.amount_requested)})",
            )
    if errors:
        raise ValidationFailed(errors)
    assert value is not None
    with transaction.atomic():
        round_ = lock_round(application.round)
        current = lock_versioned(
            Application, application.pk, expected_version=expected_version, what=_what
        )
        if current.status != ApplicationStatus.SUBMITTED:
            raise ValidationFailed(
                f"This application has already been decided ({current.get_status_display().lower()})."
            )
        committed = awarded_total(round_)
        if committed + value > round_.budget:
            left = max(round_.budget - committed, Decimal("0"))
            raise ValidationFailed(
                {
                    "amount": [
                        f"Awarding {money(value)} would take {round_.name} over its budget: "
                        f"{money(left)} of {money(round_.budget)} is left"
                    ]
                }
            )
        current.status = ApplicationStatus.AWARDED
        current.amount_awarded = value
        current.decision_reason = reason
        current.decided_by = actor
        current.decided_at = timezone.now()
        save_versioned(
            current,
            update_fields=[
                "status",
                "amount_awarded",
                "decision_reason",
                "decided_by",
                "decided_at",
            ],
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_APPLICATION_AWARDED,
            obj=current,
            organisation=round_.programme.organisation,
            changes={"status": [ApplicationStatus.SUBMITTED, ApplicationStatus.AWARDED]},
            detail={
                "amount": money(value),
                "budget_left": money(round_.budget - committed - value),
            },
        )
        send_after_commit(
            current.applicant_email,
            "offer",
            {**offer_context(current), "report_url": report_link(current)},
        )
    return current


def application_decline(
    *, actor: User, application: Application, reason: str, expected_version: int | None
) -> Application:
    errors = Errors()
    reason = _decide_reason(
        errors, reason, required="Give the reasons the application was declined"
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        round_ = lock_round(application.round)
        current = lock_versioned(
            Application, application.pk, expected_version=expected_version, what=_what
        )
        if current.status != ApplicationStatus.SUBMITTED:
            raise ValidationFailed(
                f"This application has already been decided ({current.get_status_display().lower()})."
            )
        current.status = ApplicationStatus.DECLINED
        current.decision_reason = reason
        current.decided_by = actor
        current.decided_at = timezone.now()
        save_versioned(
            current, update_fields=["status", "decision_reason", "decided_by", "decided_at"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_APPLICATION_DECLINED,
            obj=current,
            organisation=round_.programme.organisation,
            changes={"status": [ApplicationStatus.SUBMITTED, ApplicationStatus.DECLINED]},
        )
        send_after_commit(
            current.applicant_email,
            "declined",
            {
                "reference": current.reference,
                "programme": round_.programme.name,
                "title": current.title,
                "reason": reason,
            },
        )
    return current


def payment_record(
    *, actor: User, application: Application, amount: Any, paid_on: dt.date | None, reference: str
) -> Payment:
    errors = Errors()
    value = clean_money(errors, "amount", amount, required="Enter the amount paid")
    reference = clean_text(
        errors,
        "reference",
        reference,
        limit=100,
        required="Enter the payment's reference, for example the BACS reference",
        label="The reference",
    )
    today = timezone.localdate()
    if paid_on is None:
        errors.add("paid_on", "Enter the date it was paid")
    elif paid_on > today:
        errors.add("paid_on", "The payment date cannot be in the future")
    elif application.decided_at is not None and paid_on < timezone.localdate(
        application.decided_at
    ):
        errors.add("paid_on", "The payment date cannot be before the award was made")
    if errors:
        raise ValidationFailed(errors)
    assert value is not None and paid_on is not None
    with transaction.atomic():
        round_ = lock_round(application.round)
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status != ApplicationStatus.AWARDED or current.amount_awarded is None:
            raise ValidationFailed("Only an awarded grant can be paid.")
        paid = paid_total(application=current)
        if paid + value > current.amount_awarded:
            raise ValidationFailed(
                {
                    "amount": [
                        f"That is more than is left to pay on this grant: "
                        f"{money(current.amount_awarded)} awarded, {money(paid)} already paid"
                    ]
                }
            )
        round_paid = paid_total(round_=round_)
        if round_paid + value > round_.budget:
            raise ValidationFailed(
                {
                    "amount": [
                        f"That would take {round_.name}'s payments over its budget: "
                        f"{money(round_paid)} of {money(round_.budget)} already paid"
                    ]
                }
            )
        payment = Payment.objects.create(
            application=current,
            amount=value,
            paid_on=paid_on,
            reference=reference,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_PAYMENT_RECORDED,
            obj=current,
            organisation=round_.programme.organisation,
            detail={"amount": money(value), "paid_on": str(paid_on), "reference": reference},
        )
    return payment
