"""A suggestion's draft: its fields, normalising them, and every rule it must satisfy."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone

from linkwell.community.models import AssetKind, CostKind, Frequency, VenueKind
from linkwell.directory import postcodes

DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
WEEKS_OF_MONTH = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"}
MAX_AGE = 120
MAX_COST = Decimal("1000")
_PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")

# Fields a suggestion's draft carries (the public form and the moderator's edit form).
SUGGESTION_FIELDS = (
    "asset_kind",
    "name",
    "description",
    "organisation_name",
    "frequency",
    "day",
    "week_of_month",
    "on_date",
    "starts_at",
    "ends_at",
    "when_notes",
    "venue_kind",
    "venue_name",
    "address_1",
    "town",
    "postcode",
    "online_link",
    "cost_kind",
    "cost_amount",
    "cost_notes",
    "who_for",
    "minimum_age",
    "maximum_age",
    "contact_name",
    "contact_email",
    "contact_phone",
    "website",
    "suggester_name",
    "suggester_email",
)
MAX_LENGTHS = {
    "name": 200,
    "description": 2000,
    "organisation_name": 200,
    "when_notes": 500,
    "venue_name": 200,
    "address_1": 200,
    "town": 100,
    "postcode": 10,
    "online_link": 500,
    "cost_notes": 255,
    "who_for": 500,
    "contact_name": 100,
    "contact_email": 254,
    "contact_phone": 30,
    "website": 500,
    "suggester_name": 100,
    "suggester_email": 254,
}
LENGTH_LABELS = {
    "name": "The name",
    "description": "The description",
    "organisation_name": "The organisation's name",
    "when_notes": "When it happens",
    "venue_name": "The name of the place",
    "address_1": "The address",
    "town": "The town or area",
    "postcode": "The postcode",
    "online_link": "The link",
    "cost_notes": "The cost details",
    "who_for": "Who it is for",
    "contact_name": "The contact's name",
    "contact_email": "The contact email address",
    "contact_phone": "The contact phone number",
    "website": "The website address",
    "suggester_name": "Your name",
    "suggester_email": "Your email address",
}


def _email_ok(value: str) -> bool:
    try:
        EmailValidator()(value)
    except ValidationError:
        return False
    return True


def _url_ok(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


_CHOICE_FIELDS = ("asset_kind", "frequency", "day", "venue_kind", "cost_kind")


def normalise_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Strip text, blank -> None for optional values; unknown keys are refused."""
    unknown = set(data) - set(SUGGESTION_FIELDS)
    if unknown:
        raise ValueError(f"Suggestions have no fields {sorted(unknown)}")
    out: dict[str, Any] = {}
    for key in SUGGESTION_FIELDS:
        value = data.get(key)
        if key in MAX_LENGTHS or key in _CHOICE_FIELDS:
            out[key] = str(value).strip() if value else ""
        else:
            out[key] = None if value in ("", None) else value
    if out["postcode"]:
        with contextlib.suppress(postcodes.InvalidPostcode):  # reported by suggestion_errors
            out["postcode"] = postcodes.normalise(out["postcode"])
    if out["contact_email"]:
        out["contact_email"] = out["contact_email"].lower()
    return out


def suggestion_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every problem with a (normalised) draft, keyed by field; empty when it may be saved."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for key, limit in MAX_LENGTHS.items():
        if len(data.get(key) or "") > limit:
            add(key, f"{LENGTH_LABELS[key]} must be {limit} characters or fewer")
    if data.get("asset_kind") not in AssetKind.values:
        add("asset_kind", "Select what you are suggesting")
    if not data.get("name"):
        add("name", "Enter the name of the group or activity")
    if not data.get("description"):
        add("description", "Describe what happens there")

    frequency = data.get("frequency")
    if frequency not in Frequency.values:
        add("frequency", "Select how often it happens")
    if frequency in (Frequency.WEEKLY, Frequency.FORTNIGHTLY, Frequency.MONTHLY):
        if data.get("day") not in DAYS:
            add("day", "Select the day it happens")
    elif data.get("day") and data.get("day") not in DAYS:
        add("day", "Select the day it happens")
    if frequency == Frequency.MONTHLY and data.get("week_of_month") not in WEEKS_OF_MONTH:
        add("week_of_month", "Select which week of the month")
    if frequency == Frequency.ONCE:
        on_date = data.get("on_date")
        today = timezone.localdate()
        if on_date is None:
            add("on_date", "Enter the date it happens")
        elif on_date < today:
            add("on_date", "The date must be today or in the future")
        elif on_date > today + dt.timedelta(days=2 * 366):
            add("on_date", "The date must be within the next 2 years")
    if frequency == Frequency.OTHER and not data.get("when_notes"):
        add("when_notes", "Tell us when it happens")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if ends is not None and starts is None:
        add("starts_at", "Enter the start time")
    if starts is not None and ends is not None and ends <= starts:
        add("ends_at", "The end time must be after the start time")

    venue = data.get("venue_kind")
    if venue not in VenueKind.values:
        add("venue_kind", "Select where it happens")
    if venue == VenueKind.ADDRESS:
        if not data.get("address_1"):
            add("address_1", "Enter the first line of the address")
        if not data.get("town"):
            add("town", "Enter the town")
    if venue == VenueKind.HOME and not data.get("town"):
        add("town", "Enter the town or area, so people know roughly where it is")
    if data.get("postcode"):
        try:
            postcodes.normalise(data["postcode"])
        except postcodes.InvalidPostcode:
            add("postcode", "Enter a real postcode, like SY11 1PJ")
    elif venue == VenueKind.ADDRESS:
        add("postcode", "Enter the postcode")
    if data.get("online_link") and not _url_ok(data["online_link"]):
        add("online_link", "Enter a link in the correct format, like https://www.example.org")

    cost = data.get("cost_kind")
    if cost not in CostKind.values:
        add("cost_kind", "Select whether it costs anything")
    if cost == CostKind.PAID:
        amount = data.get("cost_amount")
        try:
            value = Decimal(str(amount)) if amount is not None else None
        except InvalidOperation:
            value = None
        if value is None:
            add("cost_amount", "Enter how much it costs, for example 3.50")
        elif not Decimal("0") < value < MAX_COST:
            add("cost_amount", f"The cost must be more than £0 and less than £{MAX_COST:,.0f}")

    for key, label in (("minimum_age", "Minimum age"), ("maximum_age", "Maximum age")):
        age = data.get(key)
        if age is not None and not 0 <= int(age) <= MAX_AGE:
            add(key, f"{label} must be between 0 and {MAX_AGE}")
    low, high = data.get("minimum_age"), data.get("maximum_age")
    if low is not None and high is not None and "minimum_age" not in errors and low >= high:
        add("minimum_age", "The minimum age must be lower than the maximum age")

    for key in ("contact_email", "suggester_email"):
        if data.get(key) and key not in errors and not _email_ok(data[key]):
            add(key, "Enter an email address in the correct format, like name@example.com")
    if data.get("contact_phone") and not _PHONE_RE.match(data["contact_phone"]):
        add("contact_phone", "Enter a telephone number, like 01632 960 001")
    if data.get("website") and "website" not in errors and not _url_ok(data["website"]):
        add(
            "website", "Enter a website address in the correct format, like https://www.example.org"
        )
    return errors
