"""Over-referral protection: how many places a service has left for new referrals."""

from __future__ import annotations

from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import Service

# Over-referral protection: a full service gets no more referrals than it has places. "Open
# referrals" here are referrals sent and not yet answered (`requested`): they will take places the
# provider's published `capacity_available` does not show yet; accepted ones the provider counts
# itself. The same count the matching engine uses (matching/directory.py), so the "full" label on
# the suggestions and this refusal agree.
FULL_NOTE = (
    "Sent while your listing shows no places left: please add them to your waiting list, "
    "or decline if you cannot take them."
)


def places_left(service: Service) -> int | None:
    """Published places minus referrals awaiting the provider's answer (never below 0); None
    when the provider publishes no capacity."""
    if service.capacity_available is None:
        return None
    waiting = Connection.objects.filter(
        service=service, kind=ConnectionKind.REFERRAL, status=ConnectionStatus.REQUESTED
    ).count()
    return max(0, service.capacity_available - waiting)


def is_full(service: Service) -> bool:
    return places_left(service) == 0


def _refuse_if_full(service: Service, left: int | None) -> None:
    if left != 0:
        return
    waiting = ""
    if service.capacity_available:
        waiting = (
            f" ({service.capacity_available} published, all taken by referrals waiting "
            "for an answer)"
        )
    raise ValidationFailed(
        {
            "service": [
                f"“{service.name}” has no places at the moment{waiting}, so a referral would wait "
                "unanswered. Choose another service, signpost and check back later, or confirm "
                "“refer anyway” and the provider will be told it is full."
            ]
        }
    )
