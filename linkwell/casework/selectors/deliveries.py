"""Messages back that could not be delivered electronically after the last retry, for the team
page: the manager's cue to print the letter and check the practice's mailbox."""

from __future__ import annotations

from django.db.models import QuerySet

from linkwell.casework.models import MessageBackDelivery


def failed_deliveries(team_ids: list[int]) -> QuerySet[MessageBackDelivery]:
    """Failed deliveries of the letters of these teams' cases, newest failure first."""
    return (
        MessageBackDelivery.objects.filter(
            status=MessageBackDelivery.Status.FAILED,
            letter__case__link_worker_service_id__in=team_ids,
        )
        .select_related("letter__case__person", "letter__recipient_organisation")
        .order_by("-failed_at", "-pk")
    )
