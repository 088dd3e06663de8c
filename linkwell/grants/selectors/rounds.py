"""Rounds for the public list and for staff (their programmes' and their panels')."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.grants.access import manager_org_ids
from linkwell.grants.models import Criterion, Programme, Round, Tier


def open_rounds() -> QuerySet[Round]:
    """Rounds taking applications today, with their tiers and criteria (three queries)."""
    today = timezone.localdate()
    return (
        Round.objects.filter(opens_on__lte=today, closes_on__gte=today)
        .select_related("programme", "programme__organisation")
        .prefetch_related(
            Prefetch("programme__tiers", queryset=Tier.objects.order_by("position", "pk")),
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk")),
        )
        .order_by("closes_on", "programme__name")
    )


def rounds_for_user(user: User) -> QuerySet[Round]:
    """Rounds of programmes the user manages, and rounds whose panel they sit on."""
    return (
        Round.objects.filter(
            Q(programme__organisation_id__in=manager_org_ids(user)) | Q(panel__user=user)
        )
        .distinct()
        .select_related("programme", "programme__organisation")
        .order_by("programme__name", "-opens_on")
    )


def grant_panel_rounds(user: User) -> QuerySet[Round]:
    return Round.objects.filter(panel__user=user)


def programmes_for_user(user: User) -> QuerySet[Programme]:
    """Programmes of the organisations the user manages (read-only managers included)."""
    return (
        Programme.objects.filter(organisation_id__in=manager_org_ids(user))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
