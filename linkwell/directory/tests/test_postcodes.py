"""Postcode -> lat/long against ONSPD ground truth (fixtures/onspd_ab_sample.csv, OGL v3)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from linkwell.core.exceptions import LinkwellError
from linkwell.directory import postcodes
from linkwell.directory.postcodes import InvalidPostcode, UnknownPostcode

FIXTURE = Path(__file__).parent / "fixtures" / "onspd_ab_sample.csv"


def _sample() -> list[dict[str, str]]:
    with FIXTURE.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_it_places_postcodes_within_five_metres_of_the_ons_postcode_directory() -> None:
    rows = _sample()
    assert len(rows) == 50
    for row in rows:
        lat, lon = postcodes.lookup(row["pcds"])
        error_m = postcodes.haversine_km((lat, lon), (float(row["lat"]), float(row["long"]))) * 1000
        assert error_m < 5, (row["pcds"], error_m)


def test_it_converts_grid_references_like_the_ons_postcode_directory() -> None:
    row = _sample()[0]
    lat, lon = postcodes.grid_to_latlon(int(row["oseast1m"]), int(row["osnrth1m"]))
    assert abs(lat - float(row["lat"])) < 0.0001
    assert abs(lon - float(row["long"])) < 0.0001


@pytest.mark.parametrize("text", ["sy111aa", "SY11 1AA", " sy11  1aa ", "Sy11\t1aA"])
def test_it_accepts_postcodes_in_any_case_and_spacing(text: str) -> None:
    assert postcodes.normalise(text) == "SY11 1AA"
    assert postcodes.lookup(text) == postcodes.lookup("SY11 1AA")


def test_it_finds_postcodes_in_single_letter_areas_and_london_sub_districts() -> None:
    birmingham = postcodes.lookup("b1 1ay")
    assert 52.4 < birmingham[0] < 52.5 and -1.95 < birmingham[1] < -1.85
    london = postcodes.lookup("EC1A1AA")
    assert 51.5 < london[0] < 51.53 and -0.12 < london[1] < -0.09


def test_oswestry_is_about_twenty_five_km_from_shrewsbury() -> None:
    oswestry = postcodes.lookup("SY11 1AA")
    shrewsbury = postcodes.lookup("SY1 1AA")
    assert 24 < postcodes.haversine_km(oswestry, shrewsbury) < 28


@pytest.mark.parametrize("text", ["", "hello", "SY11", "12345", "SY11 1A", "SY11 AAA", "QQ1 1AA1"])
def test_it_rejects_text_that_is_not_a_uk_postcode(text: str) -> None:
    with pytest.raises(InvalidPostcode, match="is not a valid UK postcode"):
        postcodes.lookup(text)


@pytest.mark.parametrize(
    "text",
    [
        "SY11 9ZZ",  # well formed, not allocated
        "BT1 1AA",  # Northern Ireland: not in Code-Point Open
        "AB43 1AG",  # in Code-Point Open without coordinates (quality 90)
        "QQ1 1AA",  # no such area
    ],
)
def test_it_says_when_it_cannot_find_a_well_formed_postcode(text: str) -> None:
    with pytest.raises(UnknownPostcode, match="We could not find the postcode"):
        postcodes.lookup(text)


def test_postcode_errors_are_messages_a_user_can_act_on() -> None:
    assert issubclass(InvalidPostcode, LinkwellError)
    assert issubclass(UnknownPostcode, LinkwellError)


def test_the_bounding_box_contains_the_whole_circle() -> None:
    centre = (52.86, -3.05)
    min_lat, max_lat, min_lon, max_lon = postcodes.bounding_box(centre, 10)
    for corner in [(max_lat, centre[1]), (centre[0], max_lon), (min_lat, centre[1])]:
        assert postcodes.haversine_km(centre, corner) >= 9.99
    assert min_lon < centre[1] < max_lon
