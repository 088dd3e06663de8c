from __future__ import annotations

from django.db.models import QuerySet

from linkwell.accounts.models import User
from linkwell.audit.models import AuditEvent


def audit_events_for_user(*, user: User) -> QuerySet[AuditEvent]:
    """Administrators see the whole trail; others see events about what they did or their
    organisations' records. Newest first."""
    qs = AuditEvent.objects.order_by("-at", "-id")
    if user.is_superuser or user.is_staff:
        return qs
    org_ids = list(
        user.memberships.filter(is_active=True).values_list("organisation_id", flat=True)
    )
    from django.db.models import Q

    return qs.filter(Q(actor_id=user.pk) | Q(organisation_id__in=org_ids))
