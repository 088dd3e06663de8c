"""Small builders for matching tests: services near a fixed point, and people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from linkwell.matching.documents import Place, ServiceDoc, Session
from linkwell.matching.profile import Profile, profile_from_json

# Oswestry (SY11 1AA): a real GB postcode, so profiles may use it offline.
HOME = (52.85935, -3.05602)
KM_PER_DEGREE_LAT = 111.2


def place(km_north: float = 0.0, **fields: Any) -> Place:
    return Place(latitude=HOME[0] + km_north / KM_PER_DEGREE_LAT, longitude=HOME[1], **fields)


def session(
    day: str, opens: str | None = None, closes: str | None = None, **fields: Any
) -> Session:
    return Session(
        day=day,
        opens=dt.time.fromisoformat(opens) if opens else None,
        closes=dt.time.fromisoformat(closes) if closes else None,
        **fields,
    )


def svc(sid: str, name: str = "", *, km: float | None = 1.0, **fields: Any) -> ServiceDoc:
    """A service `km` north of HOME (None: no venue)."""
    locations = fields.pop("locations", (place(km),) if km is not None else ())
    return ServiceDoc(id=sid, name=name or f"Service {sid}", locations=locations, **fields)


def person(**fields: Any) -> Profile:
    data = {"id": "p", "latitude": HOME[0], "longitude": HOME[1], **fields}
    return profile_from_json({k: v for k, v in data.items() if v is not None})


AT = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
