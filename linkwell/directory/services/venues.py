"""The venue whose access text a listing's edit form shows, and who may change it."""

from __future__ import annotations

from django.db.models import Q

from linkwell.accounts.models import User
from linkwell.directory.access import can_edit_location
from linkwell.directory.models import Location, Service


def accessibility_location(service: Service) -> Location | None:
    """The location whose accessibility text the edit form shows: the service's first location,
    if it belongs to the same provider (or to nobody). A shared venue owned by another provider
    is theirs to describe."""
    sal = (
        service.service_at_locations.select_related("location")
        .filter(
            Q(location__organization__isnull=True)
            | Q(location__organization_id=service.organization_id)
        )
        .order_by("id")
        .first()
    )
    return sal.location if sal is not None else None


SHARED_VENUE_MESSAGE = (
    "The venue is not owned by your organisation, so its access information can only be "
    "changed by the social prescribing team"
)


def may_edit_venue(actor: User | None, service: Service) -> bool:
    """Whether `actor` may change the access text of the service's venue (accessibility_location).
    Without an actor (a command or an import) it may; otherwise access.can_edit_location
    decides: provider staff only for a venue their organisation owns."""
    location = accessibility_location(service)
    return location is None or actor is None or can_edit_location(actor, location)
