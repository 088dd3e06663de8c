"""Changing a programme, its tiers, a round's dates and budget, its criteria, and its panel.

The rules are the creators' (`services/setup.py`: the same checks), plus what a change must not
break once a round is under way:

- a round's dates are fixed once an application of it has been decided (the decisions were
  made on the round as it was);
- its budget may change at any time but never below the money already awarded: the round row
  is locked first, as awards lock it (`_common.lock_round`), so an award and a budget cut at
  once are serialised and the second sees the first;
- a tier's most may not fall below an amount already awarded on it;
- criteria are fixed once the round has applications;
- a panel member who has scored, or declared a conflict, stays on the panel (their work is
  the round's record).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff, snapshot
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.grants.models import (
    Application,
    ApplicationStatus,
    Criterion,
    PanelMember,
    Programme,
    Round,
    Tier,
)
from linkwell.grants.selectors.money import awarded_total
from linkwell.grants.services._common import Errors, money
from linkwell.grants.services.setup import (
    check_criterion,
    check_programme,
    check_round,
    check_tier,
    panel_member_add,
)
from linkwell.volunteering.models import CommunityMember

PROGRAMME_FIELDS = ("name", "summary", "eligibility")
TIER_FIELDS = ("name", "description", "minimum_amount", "maximum_amount", "who_may_apply")
ROUND_FIELDS = ("name", "opens_on", "closes_on", "budget")
CRITERION_FIELDS = ("name", "description", "max_score", "weight")


def programme_update(
    *, actor: User, programme: Programme, name: str, summary: str, eligibility: str
) -> Programme:
    errors = Errors()
    name, summary, eligibility = check_programme(
        errors,
        organisation=programme.organisation,
        name=name,
        summary=summary,
        eligibility=eligibility,
        instance=programme,
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = Programme.objects.select_for_update().get(pk=programme.pk)
        before = snapshot(current, PROGRAMME_FIELDS)
        current.name, current.summary, current.eligibility = name, summary, eligibility
        current.save(update_fields=[*PROGRAMME_FIELDS, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_PROGRAMME_UPDATED,
            obj=current,
            organisation=current.organisation,
            changes=diff(before, snapshot(current, PROGRAMME_FIELDS)),
        )
    return current


def tier_update(
    *,
    actor: User,
    tier: Tier,
    name: str,
    minimum_amount: Decimal,
    maximum_amount: Decimal,
    description: str = "",
    who_may_apply: str,
) -> Tier:
    errors = Errors()
    name, description = check_tier(
        errors,
        programme=tier.programme,
        name=name,
        description=description,
        minimum_amount=minimum_amount,
        maximum_amount=maximum_amount,
        who_may_apply=who_may_apply,
        instance=tier,
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = Tier.objects.select_for_update().get(pk=tier.pk)
        largest = (
            Application.objects.filter(tier=current, status=ApplicationStatus.AWARDED)
            .order_by("-amount_awarded")
            .values_list("amount_awarded", flat=True)
            .first()
        )
        if largest is not None and maximum_amount < largest:
            raise ValidationFailed(
                {
                    "maximum_amount": [
                        f"{money(largest)} has already been awarded on this tier, so its most "
                        "cannot be less than that"
                    ]
                }
            )
        before = snapshot(current, TIER_FIELDS)
        current.name, current.description = name, description
        current.minimum_amount, current.maximum_amount = minimum_amount, maximum_amount
        current.who_may_apply = who_may_apply
        current.save(update_fields=[*TIER_FIELDS, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_TIER_UPDATED,
            obj=current,
            organisation=current.programme.organisation,
            changes=diff(before, snapshot(current, TIER_FIELDS)),
        )
    return current


def round_update(
    *,
    actor: User,
    round_: Round,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    budget: Decimal,
    expected_version: int | None,
) -> Round:
    errors = Errors()
    name = check_round(
        errors,
        programme=round_.programme,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        budget=budget,
        instance=round_,
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        # The same row lock awards take (`_common.lock_round`), with the version the form saw.
        current = lock_versioned(
            Round.objects.select_related("programme__organisation"),
            round_.pk,
            expected_version=expected_version,
            what=lambda r: f"The round {r.name}",
            required=True,
        )
        decided = current.applications.exclude(status=ApplicationStatus.SUBMITTED).exists()
        if decided and (opens_on, closes_on) != (current.opens_on, current.closes_on):
            errors.add(
                "opens_on",
                "The dates are fixed once an application in this round has been decided",
            )
        awarded = awarded_total(current)
        if budget < awarded:
            errors.add(
                "budget",
                f"{money(awarded)} has already been awarded in this round, so the budget cannot "
                "be less than that",
            )
        if errors:
            raise ValidationFailed(errors)
        before = snapshot(current, ROUND_FIELDS)
        current.name, current.opens_on, current.closes_on = name, opens_on, closes_on
        current.budget = budget
        save_versioned(current, update_fields=ROUND_FIELDS)
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_ROUND_UPDATED,
            obj=current,
            organisation=current.programme.organisation,
            changes=diff(before, snapshot(current, ROUND_FIELDS)),
            detail={"awarded": money(awarded)},
        )
    return current


def criterion_update(
    *,
    actor: User,
    criterion: Criterion,
    name: str,
    max_score: int,
    weight: Decimal,
    description: str = "",
) -> Criterion:
    errors = Errors()
    name, description = check_criterion(
        errors,
        round_=criterion.round,
        name=name,
        description=description,
        max_score=max_score,
        weight=weight,
        instance=criterion,
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = Criterion.objects.select_for_update().get(pk=criterion.pk)
        before = snapshot(current, CRITERION_FIELDS)
        current.name, current.description = name, description
        current.max_score, current.weight = max_score, weight
        current.save(update_fields=[*CRITERION_FIELDS, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_CRITERION_UPDATED,
            obj=current,
            organisation=criterion.round.programme.organisation,
            changes=diff(before, snapshot(current, CRITERION_FIELDS)),
        )
    return current


def panel_member_add_by_email(*, actor: User, round_: Round, email: str) -> PanelMember:
    """Add the person signing in with `email`: a member of staff (an active membership of any
    organisation), or else a volunteering community member with a sign-in (linked to their
    `CommunityMember` record). Anyone else is refused."""
    address = str(email or "").strip()
    if not address:
        raise ValidationFailed({"email": ["Enter the email address the person signs in with"]})
    if len(address) > 254:
        raise ValidationFailed({"email": ["The email address must be 254 characters or fewer"]})
    user = User.objects.filter(email__iexact=address, is_active=True).first()
    staff = user is not None and user.memberships.filter(is_active=True).exists()
    community_member = (
        CommunityMember.objects.filter(user=user).order_by("pk").first()
        if user is not None and not staff
        else None
    )
    if user is None or (not staff and community_member is None):
        raise ValidationFailed(
            {
                "email": [
                    f"No member of staff or volunteering community member signs in with "
                    f"{address}. Community members need a sign-in from their volunteering "
                    "organisation first"
                ]
            }
        )
    return panel_member_add(
        actor=actor, round_=round_, user=user, community_member=community_member
    )


def panel_member_remove(*, actor: User, member: PanelMember) -> None:
    with transaction.atomic():
        # Lock the member: a score or conflict being written references this row, so it waits
        # for (or is seen by) this check, and removing never deletes their work with them.
        current = (
            PanelMember.objects.select_for_update(of=("self",))
            .select_related("user", "round__programme__organisation")
            .get(pk=member.pk)
        )
        who = current.user.full_name or current.user.email
        if current.scores.exists():
            raise ValidationFailed(
                f"{who} has already scored applications in this round, so they stay on the panel."
            )
        if current.conflicts.exists():
            raise ValidationFailed(
                f"{who} has declared a conflict of interest in this round, so they stay on the "
                "panel: the declaration is part of the round's record."
            )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_PANEL_MEMBER_REMOVED,
            obj=current,
            organisation=current.round.programme.organisation,
            detail={"user": current.user.email},
        )
        current.delete()
