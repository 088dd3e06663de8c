"""Reads for the economics app: who may use the models, and the figures Linkwell can supply
from its own records for inputs that name a `data` key.

Figures from the records are aggregates that leave the system, so they pass through disclosure
control (rounded to 5; 1-7 withheld, and then the input falls back to its default) unless the
user holds `reports.view_unsuppressed` (the use is then audited by the caller).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from linkwell.accounts.models import Role, User
from linkwell.accounts.selectors import (
    organisation_ids_for_user,
    user_has_role,
    user_is_administrator,
)
from linkwell.analysis.disclosure import SUPPRESSED, suppress_count

# Commissioners and administrators see every service's figures (aggregated); team managers see
# their own teams'. linkwell/economics/README.md explains the choice.
ECONOMICS_ROLES = (Role.COMMISSIONER, Role.TEAM_MANAGER, Role.ADMINISTRATOR)
OUTCOME_WINDOW = dt.timedelta(days=365)


def user_can_use_economics(*, user: User | AnonymousUser | None) -> bool:
    return user_is_administrator(user=user) or user_has_role(user=user, roles=ECONOMICS_ROLES)


def service_ids_for_economics(*, user: User | AnonymousUser | None) -> list[int] | None:
    """Link-worker services whose records feed the models for `user`; None means all."""
    if user is None or user_is_administrator(user=user):
        return None
    if user_has_role(user=user, roles=[Role.COMMISSIONER]):
        return None
    return organisation_ids_for_user(user=user, roles=[Role.TEAM_MANAGER])


@dataclass(frozen=True)
class DataFigure:
    key: str
    value: Decimal | None  # what the model may use (None: not available)
    description: str
    note: str = ""


def people_with_goal_achieved(
    *, service_ids: Iterable[int] | None, now: dt.datetime | None = None
) -> int:
    """Distinct people with a plan goal marked achieved, changed in the last 12 months."""
    from linkwell.casework.models import Goal, GoalStatus

    since = (now or timezone.now()) - OUTCOME_WINDOW
    qs = Goal.objects.filter(status=GoalStatus.ACHIEVED, updated_at__gte=since)
    if service_ids is not None:
        qs = qs.filter(plan__case__link_worker_service_id__in=list(service_ids))
    return qs.values("plan__case__person_id").distinct().count()


def model_data(
    *, user: User | AnonymousUser | None, unsuppressed: bool = False
) -> dict[str, DataFigure]:
    """Every `data` figure, for `user` (None: the command line, all services)."""
    services = service_ids_for_economics(user=user)
    raw = people_with_goal_achieved(service_ids=services)
    description = "people with a plan goal achieved in the last 12 months (Linkwell records)"
    if raw == 0:
        figure = DataFigure("people_with_goal_achieved", None, description, "none recorded yet")
    elif unsuppressed:
        figure = DataFigure("people_with_goal_achieved", Decimal(raw), description, "unsuppressed")
    else:
        published = suppress_count(raw)
        if published == SUPPRESSED:
            figure = DataFigure(
                "people_with_goal_achieved", None, description, "fewer than 8: not shown"
            )
        else:
            figure = DataFigure(
                "people_with_goal_achieved",
                Decimal(int(published)),
                description,
                "rounded to the nearest 5",
            )
    return {figure.key: figure}


def data_values(figures: dict[str, DataFigure]) -> dict[str, Decimal | None]:
    return {key: figure.value for key, figure in figures.items()}
