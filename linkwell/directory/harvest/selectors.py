"""Reads for a listing's page: which feeds it comes from, and the listing it was merged into."""

from __future__ import annotations

from django.db.models import Q

from linkwell.directory.models import (
    DuplicateCandidate,
    DuplicateStatus,
    Service,
    ServiceProvenance,
)


def listing_sources(service: Service) -> list[ServiceProvenance]:
    """The feeds that publish this listing (with their licence and attribution)."""
    return list(
        ServiceProvenance.objects.filter(service=service)
        .select_related("source")
        .order_by("source__name", "record_id")
    )


def merged_into(service: Service) -> Service | None:
    """The listing kept when this one was merged away as a duplicate, if it was."""
    pair = (
        DuplicateCandidate.objects.filter(status=DuplicateStatus.MERGED)
        .filter(Q(first=service) | Q(second=service))
        .exclude(kept=service)
        .select_related("kept")
        .order_by("-decided_at")
        .first()
    )
    return pair.kept if pair is not None else None
