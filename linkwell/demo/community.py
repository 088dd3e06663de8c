"""Demo data: two pending community suggestions in the moderation queue (`linkwell demo`).

One is an informal group at a village hall; the other is at a venue a demo provider owns, so it
also waits for that provider's agreement (their "venue requests"). Idempotent: run again, it
adds nothing.
"""

from __future__ import annotations

import datetime as dt

from linkwell.community.models import Suggestion
from linkwell.community.services import suggestion_submit
from linkwell.directory.models import Address

KNITTING = "Gobowen Knit and Natter"
SKILL = "Bike repair with Dev"


def load() -> int:
    """Add the demo suggestions that are missing; returns how many were added."""
    added = 0
    if not Suggestion.objects.filter(name=KNITTING).exists():
        suggestion_submit(
            actor=None,
            data={
                "asset_kind": "group",
                "name": KNITTING,
                "description": "A friendly knitting and crochet circle. Beginners welcome; "
                "needles and wool to borrow. Tea and cake.",
                "frequency": "weekly",
                "day": "TH",
                "starts_at": dt.time(14, 0),
                "ends_at": dt.time(16, 0),
                "venue_kind": "address",
                "venue_name": "Gobowen Village Hall",
                "address_1": "Station Road",
                "town": "Gobowen",
                "postcode": "SY11 3JS",
                "cost_kind": "donation",
                "who_for": "Anyone; lots of our members are over 60",
                "contact_name": "Mavis",
                "contact_email": "mavis.knits@example.org",
                "suggester_name": "Pat (a member)",
                "suggester_email": "pat@example.org",
            },
        )
        added += 1
    if not Suggestion.objects.filter(name=SKILL).exists():
        # At a demo provider's own venue, when the demo has one: it then needs their agreement.
        venue = (
            Address.objects.filter(location__organization__owner__isnull=False)
            .exclude(postal_code="")
            .order_by("id")
            .first()
        )
        where = (
            {"address_1": venue.address_1, "town": venue.city, "postcode": venue.postal_code}
            if venue is not None
            else {"address_1": "Cross Street", "town": "Oswestry", "postcode": "SY11 2NF"}
        )
        suggestion_submit(
            actor=None,
            data={
                "asset_kind": "skill",
                "name": SKILL,
                "description": "Dev, a retired mechanic, shows people how to fix punctures, "
                "brakes and gears on their own bikes.",
                "frequency": "monthly",
                "day": "SA",
                "week_of_month": 1,
                "starts_at": dt.time(10, 0),
                "ends_at": dt.time(12, 0),
                "venue_kind": "address",
                **where,
                "cost_kind": "free",
                "who_for": "Adults; bring your bike",
                "minimum_age": 16,
                "contact_phone": "07700 900456",
            },
        )
        added += 1
    return added
