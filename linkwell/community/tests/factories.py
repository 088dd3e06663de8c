"""Test data for community suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from linkwell.community.models import Suggestion
from linkwell.community.services import suggestion_submit


def suggestion_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "asset_kind": "group",
        "name": "Tuesday Knit and Natter",
        "description": "Bring your knitting, or learn. Tea and biscuits.",
        "organisation_name": "",
        "frequency": "weekly",
        "day": "TU",
        "week_of_month": None,
        "on_date": None,
        "starts_at": dt.time(10, 0),
        "ends_at": dt.time(12, 0),
        "when_notes": "",
        "venue_kind": "address",
        "venue_name": "The Library",
        "address_1": "Arthur Street",
        "town": "Oswestry",
        "postcode": "SY11 1JN",
        "online_link": "",
        "cost_kind": "free",
        "cost_amount": None,
        "cost_notes": "",
        "who_for": "Anyone, beginners welcome",
        "minimum_age": None,
        "maximum_age": None,
        "contact_name": "Mavis Jones",
        "contact_email": "mavis@example.org",
        "contact_phone": "01691 000 111",
        "website": "",
        "suggester_name": "Pat",
        "suggester_email": "pat@example.org",
    }
    data.update(overrides)
    return data


def make_suggestion(**overrides: Any) -> Suggestion:
    return suggestion_submit(actor=None, data=suggestion_data(**overrides))


def form_post(**overrides: str) -> dict[str, str]:
    """The public form as a browser posts it."""
    post = {
        "asset_kind": "group",
        "name": "Tuesday Knit and Natter",
        "description": "Bring your knitting, or learn.",
        "frequency": "weekly",
        "day": "TU",
        "starts_at": "10:00",
        "ends_at": "12:00",
        "venue_kind": "address",
        "address_1": "Arthur Street",
        "town": "Oswestry",
        "postcode": "SY11 1JN",
        "cost_kind": "free",
        "contact_name": "Mavis Jones",
        "contact_email": "mavis@example.org",
        "suggester_email": "pat@example.org",
    }
    post.update(overrides)
    return post
