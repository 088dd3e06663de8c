"""Who may read which part of the audit trail (the audit page in linkwell/web).

An access rule over roles, so it lives with them: the audit app below stays free of accounts.

- Administrators (superusers, or an active ADMINISTRATOR membership) see all of it.
- Team managers see the events of their organisations: rows tagged with one of those
  organisations, and their members' untagged rows that are not security events (their team's
  own work, e.g. records they read). Not what members did in another organisation (tagged
  with that one), and not sign-in and account events, which carry email addresses and belong
  to no organisation.
- Everyone else sees none of it (the audit page answers 403).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from linkwell.accounts.models import Role, User
from linkwell.accounts.selectors import (
    member_ids_of_organisations,
    organisation_ids_for_user,
    user_is_administrator,
)
from linkwell.audit.models import AuditEvent, Kind


def can_view_audit_trail(*, user: User | AnonymousUser | None) -> bool:
    return user_is_administrator(user=user) or bool(
        organisation_ids_for_user(user=user, roles=[Role.TEAM_MANAGER])
    )


def audit_events_for_user(*, user: User | AnonymousUser | None) -> QuerySet[AuditEvent]:
    """The events `user` may read, newest first (empty for those who may read none)."""
    qs = AuditEvent.objects.order_by("-at", "-id")
    if user_is_administrator(user=user):
        return qs
    org_ids = organisation_ids_for_user(user=user, roles=[Role.TEAM_MANAGER])
    if not org_ids:
        return qs.none()
    member_ids = member_ids_of_organisations(organisation_ids=org_ids)
    return qs.filter(
        Q(organisation_id__in=org_ids)
        | (Q(actor_id__in=member_ids, organisation_id__isnull=True) & ~Q(kind=Kind.SECURITY))
    )
