import json
from pathlib import Path

import pytest

from linkwell.matching.profile import Availability, ProfileError, profile_from_json, schema

SHARED = Path(__file__).resolve().parents[4] / "shared" / "contracts" / "person-profile.schema.json"


def test_the_vendored_schema_is_the_shared_contract():
    if not SHARED.exists():
        pytest.skip("the shared contract is not beside the repository")
    assert schema() == json.loads(SHARED.read_text())


def test_it_reads_a_full_profile_and_looks_up_the_postcode():
    profile = profile_from_json(
        {
            "id": "mike",
            "age": 74,
            "postcode": "sy11 1aa",
            "travel": "needs_transport",
            "interests": ["Cycling", "cycling ", "  being outdoors"],
            "needs": ["loneliness"],
            "what_matters": "  Getting out of the house ",
            "conditions": ["dementia"],
            "languages": ["EN"],
            "availability": [{"day": "TU", "from": "09:00", "to": "12:00"}, {"day": "TH"}],
            "cost": "free_only",
            "exclude_service_ids": ["s1"],
        }
    )
    assert profile.postcode == "SY11 1AA"
    assert profile.point is not None and 52.8 < profile.point[0] < 52.9
    assert profile.interests == ("Cycling", "being outdoors")
    assert profile.what_matters == "Getting out of the house"
    assert profile.languages == ("en",)
    assert profile.availability[1] == Availability(day="TH")
    assert profile.exclude_service_ids == frozenset({"s1"})


def test_a_minimal_profile_means_no_preferences():
    profile = profile_from_json({"id": "x"})
    assert profile.point is None and profile.cost == "any" and profile.interests == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "profile: must be a JSON object"),
        ({}, "id: is required"),
        ({"id": 7}, "id: must be text, not 7"),
        ({"id": "a", "age": -1}, "age: -1 must be at least 0"),
        ({"id": "a", "age": 30.5}, "age: must be a whole number"),
        ({"id": "a", "age": True}, "age: must be"),
        ({"id": "a", "travel": "bike"}, 'travel: "bike" is not one of walk'),
        ({"id": "a", "interests": ["ok", 3]}, "interests[1]: must be text, not 3"),
        ({"id": "a", "availability": [{"day": "XX"}]}, 'availability[0].day: "XX" is not one of'),
        (
            {"id": "a", "availability": [{"day": "MO", "from": "9am"}]},
            'availability[0].from: "9am" is not a time like 09:30',
        ),
        (
            {"id": "a", "availability": [{"day": "MO", "from": "10:00", "to": "09:00"}]},
            "availability[0].to: 09:00 is not after 10:00",
        ),
        ({"id": "a", "availability": [{"day": "MO", "to": "25:00"}]}, "availability[0].to: 25:00"),
        ({"id": "a", "max_distance_km": 0}, "max_distance_km: 0 must be more than 0"),
        ({"id": "a", "latitude": 52.1}, "longitude: is required when latitude is given"),
        ({"id": "a", "postcode": "nowhere"}, "postcode: nowhere is not a valid UK postcode"),
        ({"id": "a", "shoe_size": 9}, "shoe_size: is not a known field"),
    ],
)
def test_invalid_profiles_name_the_field(data, message):
    with pytest.raises(ProfileError) as exc:
        profile_from_json(data)
    assert str(exc.value).startswith(message), str(exc.value)


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_postcode_is_no_postcode(blank):
    # Exports often write "" for a postcode nobody recorded; the coordinates still place them.
    placed = profile_from_json(
        {"id": "a", "postcode": blank, "latitude": 52.86, "longitude": -3.05}
    )
    assert placed.postcode is None
    assert (placed.latitude, placed.longitude) == (52.86, -3.05)
    unplaced = profile_from_json({"id": "b", "postcode": blank})
    assert unplaced.postcode is None and unplaced.latitude is None
