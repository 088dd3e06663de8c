"""Plain-English schedules, costs, capacity and distances shown in search results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from linkwell.directory.models import CostOption, Schedule, Service
from linkwell.directory.presentation import capacity_text, cost_text, miles, schedule_text


def schedule(**fields: object) -> Schedule:
    return Schedule(**fields)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        (
            {"byday": "TU", "opens_at": dt.time(10), "closes_at": dt.time(12)},
            "Tuesdays 10:00\u201312:00",
        ),
        ({"byday": "TH,MO"}, "Mondays and Thursdays"),
        (
            {"byday": "MO,WE,FR", "opens_at": dt.time(9, 30)},
            "Mondays, Wednesdays and Fridays from 09:30",
        ),
        (
            {"byday": "FR", "interval": 2, "opens_at": dt.time(14), "closes_at": dt.time(16)},
            "Every other Friday 14:00\u201316:00",
        ),
        ({"byday": "1MO", "freq": "MONTHLY"}, "First Monday of the month"),
        ({"byday": "-1SA", "freq": "MONTHLY"}, "Last Saturday of the month"),
        (
            {"description": "Term time only", "opens_at": dt.time(9), "closes_at": dt.time(10)},
            "Term time only 09:00\u201310:00",
        ),
        ({}, "See schedule details"),
    ],
)
def test_schedules_read_as_plain_english(fields: dict[str, object], text: str) -> None:
    assert schedule_text(schedule(**fields)) == text


@pytest.mark.parametrize(
    ("options", "text"),
    [
        ([], ""),
        ([CostOption(option="Free", amount=Decimal("0"))], "Free"),
        (
            [CostOption(option="Per session", amount=Decimal("3.5"), currency="GBP")],
            "£3.50 (Per session)",
        ),
        ([CostOption(option="Free taster"), CostOption(amount=Decimal("2"))], "Free taster; £2.00"),
    ],
)
def test_costs_read_as_plain_english(options: list[CostOption], text: str) -> None:
    assert cost_text(options) == text


def test_capacity_says_places_left_or_full() -> None:
    assert capacity_text(Service(capacity_available=None)) == ""
    assert capacity_text(Service(capacity_available=0)) == "Full"
    assert capacity_text(Service(capacity_available=1, capacity_unit="places")) == "1 place left"
    assert capacity_text(Service(capacity_available=3, capacity_unit="places")) == "3 places left"


def test_distances_are_in_miles() -> None:
    assert miles(None) == ""
    assert miles(0.05) == "less than 0.1 miles"
    assert miles(1.609344) == "1.0 mile"
    assert miles(2.25) == "1.4 miles"
    assert miles(40.2) == "25 miles"
