"""Publishing an approved suggestion as a directory listing, through the directory's one creator."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.community.models import AssetKind, CostKind, Frequency, Suggestion, VenueKind
from linkwell.core.exceptions import LinkwellError
from linkwell.directory import postcodes
from linkwell.directory.models import (
    Address,
    CostOption,
    DirectoryOrganization,
    Location,
    ReferralMode,
    Schedule,
    Service,
    ServiceStatus,
)
from linkwell.directory.services import (
    AtLocation,
    organization_create,
    service_create,
    service_rows,
)

# The text a listing shows instead of contact details nobody has confirmed yet.
ASK_A_LINK_WORKER = "Ask a link worker for contact details."
HOME_VENUE_TEXT = "Meets at a member's home{area}. Ask a link worker for details."


def _schedule_for(suggestion: Suggestion) -> dict[str, Any] | None:
    common = {
        "opens_at": suggestion.starts_at,
        "closes_at": suggestion.ends_at,
        "attending_type": "online" if suggestion.venue_kind == VenueKind.ONLINE else "in person",
        "notes": suggestion.when_notes,
        "timezone": "",
    }
    freq = suggestion.frequency
    if freq in (Frequency.WEEKLY, Frequency.FORTNIGHTLY):
        return {
            **common,
            "freq": "WEEKLY",
            "byday": suggestion.day,
            "interval": 2 if freq == Frequency.FORTNIGHTLY else 1,
        }
    if freq == Frequency.MONTHLY:
        return {
            **common,
            "freq": "MONTHLY",
            "byday": f"{suggestion.week_of_month}{suggestion.day}",
            "interval": 1,
        }
    if freq == Frequency.ONCE and suggestion.on_date:
        return {
            **common,
            "dtstart": suggestion.on_date,
            "valid_from": suggestion.on_date,
            "valid_to": suggestion.on_date,
            "description": f"{suggestion.on_date:%A} {suggestion.on_date.day} "
            f"{suggestion.on_date:%B %Y}",
        }
    if suggestion.when_notes:
        return {**common, "description": suggestion.when_notes, "notes": ""}
    return None


def _description(suggestion: Suggestion) -> str:
    parts = [suggestion.description]
    if suggestion.venue_kind == VenueKind.HOME:
        area = f" in {suggestion.town}" if suggestion.town else ""
        parts.append(HOME_VENUE_TEXT.format(area=area))
    if suggestion.venue_kind == VenueKind.ONLINE:
        parts.append("This happens online.")
    return "\n\n".join(p for p in parts if p)


def _cost_options(suggestion: Suggestion) -> list[CostOption]:
    if suggestion.cost_kind == CostKind.FREE:
        return [CostOption(option="Free", amount=Decimal("0"), currency="GBP")]
    if suggestion.cost_kind == CostKind.PAID and suggestion.cost_amount is not None:
        return [CostOption(option="Per session", amount=suggestion.cost_amount, currency="GBP")]
    if suggestion.cost_kind == CostKind.DONATION:
        return [CostOption(option="Donation", amount_description="Pay what you can")]
    return []


def _venue(suggestion: Suggestion, organization: DirectoryOrganization) -> AtLocation | None:
    """Where the listing is delivered: the partner's venue, a new one at the suggested address
    or an online one; None for a group that meets at home or gave no link."""
    if suggestion.venue_kind == VenueKind.ADDRESS:
        if suggestion.partner_location is not None:
            return AtLocation(location=suggestion.partner_location)
        latlon: tuple[float | None, float | None] = (None, None)
        # An unknown postcode is listed without a map position.
        with contextlib.suppress(LinkwellError):
            latlon = postcodes.lookup(suggestion.postcode)
        return AtLocation(
            location=Location(
                organization=organization,
                name=suggestion.venue_name or suggestion.address_1,
                latitude=latlon[0],
                longitude=latlon[1],
            ),
            new=True,
            addresses=[
                Address(
                    address_1=suggestion.address_1,
                    city=suggestion.town,
                    postal_code=suggestion.postcode,
                )
            ],
        )
    if suggestion.venue_kind == VenueKind.ONLINE and suggestion.online_link:
        return AtLocation(
            location=Location(
                organization=organization,
                name="Online",
                location_type=Location.LocationType.VIRTUAL,
                url=suggestion.online_link,
            ),
            new=True,
        )
    return None


def _create_listing(suggestion: Suggestion, *, actor: User | None) -> Service:
    provenance = {"community_suggestion": str(suggestion.uuid)}
    org_name = suggestion.organisation_name or suggestion.name
    organization = organization_create(
        actor=actor,
        name=org_name[:255],
        fields={
            "description": (
                "A community group suggested through Linkwell."
                if suggestion.asset_kind != AssetKind.ORGANISATION
                else ""
            )
        },
        detail=provenance,
    )
    venue = _venue(suggestion, organization)
    schedule = _schedule_for(suggestion)
    listing = service_rows(
        organization=organization,
        name=suggestion.name[:255],
        fields={
            "description": _description(suggestion),
            "status": ServiceStatus.ACTIVE,
            "referral_mode": ReferralMode.SIGNPOST_ONLY,
            "eligibility_description": suggestion.who_for,
            "minimum_age": suggestion.minimum_age,
            "maximum_age": suggestion.maximum_age,
            "fees_description": suggestion.cost_notes,
            # Contact details are published only once confirmed (contact_confirm_by_link).
            "application_process": ASK_A_LINK_WORKER,
            # A moderator just checked it: this is the first verification.
            "last_verified_at": timezone.now(),
            "last_verified_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
        at_locations=[venue] if venue is not None else [],
        # The session belongs to the service, wherever it is held (timetables read it there).
        schedules=[Schedule(**schedule)] if schedule is not None else [],
        cost_options=_cost_options(suggestion),
    )
    return service_create(actor=actor, listing=listing, detail=provenance)
