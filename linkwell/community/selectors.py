"""Reads for community suggestions and timetables. Each takes the acting user (access checked
by the caller through access.py) and runs a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from linkwell.accounts.models import User
from linkwell.community.access import partner_organisation_ids
from linkwell.community.models import PartnerDecision, Suggestion, SuggestionStatus, TimetableFeed
from linkwell.directory.models import Service


def moderation_queue(*, user: User, status: str = SuggestionStatus.PENDING) -> QuerySet[Suggestion]:
    """Suggestions with this status, oldest first (one query)."""
    return (
        Suggestion.objects.filter(status=status)
        .select_related("partner_organisation", "service", "decided_by")
        .order_by("created_at", "id")
    )


def venue_requests(*, user: User) -> QuerySet[Suggestion]:
    """Pending suggestions at venues the user's organisations own, waiting for them first."""
    return (
        Suggestion.objects.filter(
            status=SuggestionStatus.PENDING,
            partner_organisation_id__in=partner_organisation_ids(user),
        )
        .exclude(partner_decision=PartnerDecision.NOT_NEEDED)
        .select_related("partner_organisation", "partner_location")
        .order_by("partner_decision", "created_at")
    )


def provenance_for_service(*, service: Service) -> list[Suggestion]:
    """The community suggestions behind a listing (approved as, or merged into, it)."""
    return list(
        Suggestion.objects.filter(service=service)
        .select_related("decided_by", "suggested_by")
        .order_by("decided_at", "id")
    )


def feed_for_service(*, service: Service) -> TimetableFeed | None:
    return TimetableFeed.objects.filter(service=service).first()
