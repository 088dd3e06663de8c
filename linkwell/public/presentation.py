"""What the public pages show of a service, from prefetched data only (never queries).

Only public fields are read here; this module is the list of what leaves for the public
(with the templates under web/templates/public/). Staff notes, quality checks, verification
by whom, reminders and the owning tenant are deliberately absent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from linkwell.directory.models import Service
from linkwell.directory.presentation import (
    capacity_text,
    cost_text,
    miles,
    schedule_text,
    schedules_of,
)

FULL = "Full at the moment"


def _km(km: float | None) -> str:
    if km is None:
        return ""
    if km < 0.1:
        return "less than 100 metres"
    text = f"{km:.1f} km" if km < 10 else f"{km:.0f} km"
    return f"{text} ({miles(km)})"


def public_capacity(service: Service) -> str:
    text = capacity_text(service)
    return FULL if text == "Full" else text


def last_checked(service: Service) -> dt.date:
    """When the listing was last confirmed or changed: the later of the date it was confirmed
    correct and its last change. Only the date; never who checked."""
    changed = service.source_last_modified or service.updated_at
    dates = [d for d in (service.last_verified_at, changed) if d is not None]
    return max(dates).date()


def result_row(service: Service) -> dict[str, Any]:
    """One search result (prefetched by `directory.selectors.search_services`)."""
    sessions = [schedule_text(s) for s in schedules_of(service)]
    first = next(iter(service.service_at_locations.all()), None)
    address = next(iter(first.location.addresses.all()), None) if first else None
    return {
        "service": service,
        "distance": _km(getattr(service, "distance_km", None)),
        "sessions": sessions[:2],
        "more_sessions": max(0, len(sessions) - 2),
        "cost": cost_text(service.cost_options.all()),
        "capacity": public_capacity(service),
        "address": address,
    }


def map_link(lat: float | None, lon: float | None) -> str:
    """A link to a map of the place (text link only: the page loads no map tiles)."""
    if lat is None or lon is None:
        return ""
    query = urlencode({"mlat": f"{lat:.5f}", "mlon": f"{lon:.5f}"})
    return f"https://www.openstreetmap.org/?{query}#map=17/{lat:.5f}/{lon:.5f}"


def venue(sal: Any) -> dict[str, Any]:
    location = sal.location
    return {
        "name": location.name,
        "online": location.location_type == "virtual",
        "addresses": list(location.addresses.all()),
        "transportation": location.transportation,
        "accessibility": list(location.accessibility.all()),
        "languages": list(location.languages.all()),
        "phones": list(location.phones.all()),
        "map_url": map_link(location.latitude, location.longitude),
    }


def service_page(service: Service) -> dict[str, Any]:
    """Everything the public service page shows (prefetched by `public_service_detail`)."""
    locations = list(service.service_at_locations.all())
    contacts = list(service.contacts.all()) + [c for sal in locations for c in sal.contacts.all()]
    if not contacts:
        contacts = list(service.organization.contacts.all())
    return {
        "service": service,
        "organization": service.organization,
        "venues": [venue(sal) for sal in locations],
        "sessions": [schedule_text(s) for s in schedules_of(service)],
        "cost": cost_text(service.cost_options.all()),
        "capacity": public_capacity(service),
        "full": service.capacity_available == 0,
        "contacts": contacts,
        "phones": list(service.phones.all()),
        "languages": list(service.languages.all()),
        "service_areas": list(service.service_areas.all()),
        "last_checked": last_checked(service),
    }
