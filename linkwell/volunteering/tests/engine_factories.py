"""Test data for the befriending engine's tests: profiles without the database — a volunteer who
may be introduced to anyone (`volunteer`), a person, what they want, and a fixed date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from linkwell.matching.profile import Availability, Profile
from linkwell.volunteering.profile import SupportWanted, VolunteerProfile

# --- the engine's tests: profiles without the database ---------------------------------

HOME = (52.85935, -3.05602)  # Oswestry
AT = dt.date(2026, 12, 1)
KM_PER_DEGREE_LAT = 111.2
EVERY_TRAINING = frozenset(
    {"induction", "safeguarding_adults", "befriending", "connector_coaching", "lone_working"}
)


def north(km: float) -> dict[str, Any]:
    return {"latitude": HOME[0] + km / KM_PER_DEGREE_LAT, "longitude": HOME[1]}


def volunteer(vid: str = "v1", **fields: Any) -> VolunteerProfile:
    base: dict[str, Any] = {
        "id": vid,
        "status": "active",
        "roles": frozenset({"befriender", "telephone_befriender", "connector", "peer_supporter"}),
        "dbs_level": "enhanced",
        "dbs_checked_on": dt.date(2025, 6, 1),
        "training": EVERY_TRAINING,
        "home_visits": True,
        "travel_radius_km": 10.0,
        **north(1),
    }
    base.update(fields)
    return VolunteerProfile(**base)


def person(pid: str = "p1", **fields: Any) -> Profile:
    base: dict[str, Any] = {"id": pid, "latitude": HOME[0], "longitude": HOME[1]}
    base.update(fields)
    return Profile(**base)


def wanted(**fields: Any) -> SupportWanted:
    return SupportWanted(**fields)


def slot(day: str, start: int | None = None, end: int | None = None) -> Availability:
    return Availability(
        day,
        dt.time(start) if start is not None else None,
        dt.time(end) if end is not None else None,
    )
