"""Setting up a programme: its tiers, rounds with published criteria, and each round's panel.

The creators, used by the setup pages (`views/setup.py`), the demo and tests; each write
validated (every problem at once, nothing written on any) and audited. Changes and removals
are in `services/setup_changes.py` and share the checks here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.grants.models import Criterion, PanelMember, Programme, Round, Tier, WhoMayApply
from linkwell.grants.services._common import Errors, clean_text, money
from linkwell.volunteering.models import CommunityMember

CRITERIA_FIXED = "The criteria are fixed once the round has applications"


def check_programme(
    errors: Errors,
    *,
    organisation: Organisation,
    name: str,
    summary: str,
    eligibility: str,
    instance: Programme | None = None,
) -> tuple[str, str, str]:
    name = clean_text(errors, "name", name, limit=200, required="Enter a name", label="The name")
    summary = clean_text(errors, "summary", summary, limit=2000, label="The description")
    eligibility = clean_text(errors, "eligibility", eligibility, limit=4000, label="Eligibility")
    same = Programme.objects.filter(organisation=organisation, name__iexact=name)
    if instance is not None:
        same = same.exclude(pk=instance.pk)
    if name and same.exists():
        errors.add("name", f"{organisation.name} already has a programme called {name}")
    return name, summary, eligibility


def check_tier(
    errors: Errors,
    *,
    programme: Programme,
    name: str,
    description: str,
    minimum_amount: Decimal,
    maximum_amount: Decimal,
    who_may_apply: str,
    instance: Tier | None = None,
) -> tuple[str, str]:
    name = clean_text(errors, "name", name, limit=100, required="Enter a name", label="The name")
    description = clean_text(errors, "description", description, limit=500, label="The description")
    if minimum_amount < 0:
        errors.add("minimum_amount", "The least a tier awards cannot be negative")
    if maximum_amount <= 0:
        errors.add("maximum_amount", "The most a tier awards must be more than £0")
    elif minimum_amount >= 0 and maximum_amount < minimum_amount:
        errors.add(
            "maximum_amount",
            f"The most a tier awards ({money(maximum_amount)}) cannot be less than the least "
            f"({money(minimum_amount)})",
        )
    if who_may_apply not in WhoMayApply.values:
        errors.add("who_may_apply", "Choose who may apply")
    same = Tier.objects.filter(programme=programme, name__iexact=name)
    if instance is not None:
        same = same.exclude(pk=instance.pk)
    if name and same.exists():
        errors.add("name", f"This programme already has a tier called {name}")
    return name, description


def check_round(
    errors: Errors,
    *,
    programme: Programme,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    budget: Decimal,
    instance: Round | None = None,
) -> str:
    name = clean_text(errors, "name", name, limit=100, required="Enter a name", label="The name")
    if closes_on < opens_on:
        errors.add("closes_on", "The closing date must be on or after the opening date")
    if budget < 0:
        errors.add("budget", "The budget cannot be negative")
    same = Round.objects.filter(programme=programme, name__iexact=name)
    if instance is not None:
        same = same.exclude(pk=instance.pk)
    if name and same.exists():
        errors.add("name", f"This programme already has a round called {name}")
    return name


def check_criterion(
    errors: Errors,
    *,
    round_: Round,
    name: str,
    description: str,
    max_score: int,
    weight: Decimal,
    instance: Criterion | None = None,
) -> tuple[str, str]:
    name = clean_text(errors, "name", name, limit=200, required="Enter a name", label="The name")
    description = clean_text(
        errors, "description", description, limit=1000, label="The description"
    )
    if not 1 <= max_score <= 100:
        errors.add("max_score", "The maximum score must be from 1 to 100")
    if not Decimal("0") < weight <= Decimal("100"):
        errors.add("weight", "The weight must be more than 0 and at most 100")
    same = Criterion.objects.filter(round=round_, name__iexact=name)
    if instance is not None:
        same = same.exclude(pk=instance.pk)
    if name and same.exists():
        errors.add("name", f"This round already has a criterion called {name}")
    if round_.applications.exists():
        errors.add("__all__", CRITERIA_FIXED)
    return name, description


def programme_create(
    *, actor: User | None, organisation: Organisation, name: str, summary: str, eligibility: str
) -> Programme:
    errors = Errors()
    name, summary, eligibility = check_programme(
        errors, organisation=organisation, name=name, summary=summary, eligibility=eligibility
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        programme = Programme.objects.create(
            organisation=organisation, name=name, summary=summary, eligibility=eligibility
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_PROGRAMME_CREATED,
            obj=programme,
            organisation=organisation,
        )
    return programme


def tier_add(
    *,
    actor: User | None,
    programme: Programme,
    name: str,
    maximum_amount: Decimal,
    minimum_amount: Decimal = Decimal("0"),
    description: str = "",
    who_may_apply: str = WhoMayApply.ANYONE,
) -> Tier:
    errors = Errors()
    name, description = check_tier(
        errors,
        programme=programme,
        name=name,
        description=description,
        minimum_amount=minimum_amount,
        maximum_amount=maximum_amount,
        who_may_apply=who_may_apply,
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        tier = Tier.objects.create(
            programme=programme,
            name=name,
            description=description,
            minimum_amount=minimum_amount,
            maximum_amount=maximum_amount,
            who_may_apply=who_may_apply,
            position=programme.tiers.count(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_TIER_ADDED,
            obj=tier,
            organisation=programme.organisation,
            detail={"range": f"{money(minimum_amount)} to {money(maximum_amount)}"},
        )
    return tier


def round_create(
    *,
    actor: User | None,
    programme: Programme,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    budget: Decimal,
) -> Round:
    errors = Errors()
    name = check_round(
        errors,
        programme=programme,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        budget=budget,
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        round_ = Round.objects.create(
            programme=programme, name=name, opens_on=opens_on, closes_on=closes_on, budget=budget
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_ROUND_CREATED,
            obj=round_,
            organisation=programme.organisation,
            detail={
                "budget": money(budget),
                "opens_on": str(opens_on),
                "closes_on": str(closes_on),
            },
        )
    return round_


def criterion_add(
    *,
    actor: User | None,
    round_: Round,
    name: str,
    max_score: int,
    weight: Decimal = Decimal("1"),
    description: str = "",
) -> Criterion:
    errors = Errors()
    name, description = check_criterion(
        errors,
        round_=round_,
        name=name,
        description=description,
        max_score=max_score,
        weight=weight,
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        criterion = Criterion.objects.create(
            round=round_,
            name=name,
            description=description,
            max_score=max_score,
            weight=weight,
            position=round_.criteria.count(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_CRITERION_ADDED,
            obj=criterion,
            organisation=round_.programme.organisation,
        )
    return criterion


def panel_member_add(
    *,
    actor: User | None,
    round_: Round,
    user: User,
    community_member: CommunityMember | None = None,
) -> PanelMember:
    errors = Errors()
    if PanelMember.objects.filter(round=round_, user=user).exists():
        errors.add("user", f"{user.full_name or user.email} is already on this round's panel")
    if community_member is not None and community_member.user_id not in (None, user.pk):
        errors.add("community_member", "That community member is someone else")
    if not user.is_active:
        errors.add("user", "That account is not active")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        member = PanelMember.objects.create(
            round=round_, user=user, community_member=community_member
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_PANEL_MEMBER_ADDED,
            obj=member,
            organisation=round_.programme.organisation,
            detail={"user": user.email, "community_member": community_member is not None},
        )
    return member
