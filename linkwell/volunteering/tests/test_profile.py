"""Reading volunteers and the person's volunteer preferences: the schema, the extra rules, and
the message that names the line, the volunteer and the field."""

import datetime as dt
import json
from pathlib import Path

import pytest

from linkwell.matching.profile import Availability, profile_from_json
from linkwell.volunteering.profile import (
    SupportWanted,
    VolunteerProfileError,
    load_volunteers,
    schema,
    support_wanted_from_json,
    volunteer_from_json,
)

# The programme's contracts sit beside the checkout (or beside the folder of worktrees).
SHARED = [
    folder / "shared" / "contracts" / "volunteer-profile.schema.json"
    for folder in Path(__file__).resolve().parents[3:6]
]


def test_the_vendored_schema_is_the_shared_contract():
    found = [path for path in SHARED if path.exists()]
    if not found:
        pytest.skip("the shared contract is not beside the repository")
    assert schema() == json.loads(found[0].read_text())


def test_it_reads_a_full_volunteer_and_looks_up_the_postcode():
    v = volunteer_from_json(
        {
            "id": "v1",
            "age": 68,
            "gender": " Female ",
            "postcode": "sy11 1aa",
            "travel_radius_km": 8,
            "travel": "car",
            "roles": ["befriender", "telephone_befriender"],
            "status": "active",
            "interests": ["Gardening", "gardening", " baking "],
            "skills": ["IT help"],
            "lived_experience": ["caring for a parent with dementia"],
            "languages": ["PL", "en"],
            "availability": [{"day": "TU", "from": "13:00", "to": "17:00"}, {"day": "TH"}],
            "dbs": {"level": "enhanced", "checked_on": "2025-02-10"},
            "training": ["induction", "safeguarding_adults"],
            "max_matches": 2,
            "current_matches": 1,
            "home_visits": True,
            "preferences": {"person_gender": "female", "person_min_age": 60},
        }
    )
    assert v.postcode == "SY11 1AA" and v.point is not None and 52.8 < v.point[0] < 52.9
    assert v.gender == "Female" and v.interests == ("Gardening", "baking")
    assert v.languages == ("pl", "en") and v.roles == {"befriender", "telephone_befriender"}
    assert v.availability[0] == Availability("TU", dt.time(13), dt.time(17))
    assert v.dbs_level == "enhanced" and v.dbs_checked_on == dt.date(2025, 2, 10)
    assert (v.max_matches, v.current_matches, v.home_visits) == (2, 1, True)
    assert (v.pref_person_gender, v.pref_person_min_age, v.pref_person_max_age) == (
        "female",
        60,
        None,
    )


def test_a_minimal_volunteer_means_nothing_known_and_nothing_done():
    v = volunteer_from_json({"id": "v"})
    assert v.point is None and v.roles == frozenset() and v.dbs_level is None
    assert v.training == frozenset() and v.current_matches == 0 and v.max_matches is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "volunteer: must be a JSON object"),
        ({}, "volunteer: id: is required"),
        ({"id": " "}, "id: must not be empty"),
        ({"id": "v7", "dbs": {"level": "enhanced", "checked_on": "2021-13-01"}},
         "volunteer id=v7: dbs.checked_on: '2021-13-01' is not a date"),
        ({"id": "v7", "dbs": {"level": "enhanced", "checked_on": "1/3/2021"}},
         "dbs.checked_on: '1/3/2021' is not a date"),
        ({"id": "v7", "dbs": {"level": "enhanced"}}, "dbs.checked_on: is required"),
        ({"id": "v7", "dbs": {"level": "gold", "checked_on": "2024-01-01"}}, 'dbs.level: "gold" is not one of'),
        ({"id": "v7", "roles": ["hero"]}, 'roles[0]: "hero" is not one of befriender'),
        ({"id": "v7", "max_matches": True}, "max_matches: must be a whole number, not true"),
        ({"id": "v7", "current_matches": 1.5}, "current_matches: must be a whole number"),
        ({"id": "v7", "current_matches": -1}, "current_matches: -1 must be at least 0"),
        ({"id": "v7", "latitude": 52.8}, "longitude: is required when latitude is given"),
        ({"id": "v7", "postcode": "nowhere"}, "postcode: nowhere is not a valid UK postcode"),
        ({"id": "v7", "availability": [{"day": "TU", "from": "10:00", "to": "09:00"}]},
         "availability[0].to: 09:00 is not after 10:00"),
        ({"id": "v7", "availability": [{"day": "TU", "from": "25:00"}]}, "availability[0].from: 25:00 is not a time of day"),
        ({"id": "v7", "preferences": {"person_min_age": 60, "person_max_age": 40}},
         "preferences.person_max_age: 40 is below person_min_age 60"),
        ({"id": "v7", "nickname": "Vee"}, "nickname: is not a known field"),
    ],
)  # fmt: skip
def test_bad_volunteers_are_refused_naming_the_field(data, message):
    with pytest.raises(VolunteerProfileError) as refused:
        volunteer_from_json(data)
    assert message in str(refused.value)


def test_jsonl_names_the_line_skips_blank_lines_and_refuses_a_repeated_id():
    good = json.dumps({"id": "v1"})
    assert [v.id for v in load_volunteers([good, "", "  ", json.dumps({"id": "v2"})])] == [
        "v1",
        "v2",
    ]
    bad = json.dumps({"id": "v7", "dbs": {"level": "enhanced", "checked_on": "2021-13-01"}})
    with pytest.raises(VolunteerProfileError, match=r"^line 3 id=v7: dbs.checked_on: '2021-13-01'"):
        load_volunteers([good, "", bad])
    with pytest.raises(VolunteerProfileError, match="line 2 id=v1: id: the same id is on line 1"):
        load_volunteers([good, good])
    with pytest.raises(VolunteerProfileError, match="line 1: not valid JSON"):
        load_volunteers(["{nope"])


def test_the_support_wanted_defaults_to_a_befriender_and_reads_every_field():
    assert support_wanted_from_json({"id": "p"}) == SupportWanted()
    assert support_wanted_from_json(
        {
            "id": "p",
            "volunteer_preferences": {
                "volunteer_gender": "woman",
                "contact": "phone",
                "role": "connector",
                "exclude_volunteer_ids": ["v1", "v1", "v2"],
            },
        }
    ) == SupportWanted("woman", "phone", "connector", frozenset({"v1", "v2"}))


@pytest.mark.parametrize(
    ("prefs", "message"),
    [
        ({"contact": "visit"}, 'volunteer_preferences.contact: "visit" is not one of home_visit'),
        ({"role": "driver"}, 'volunteer_preferences.role: "driver" is not one of befriender'),
        ({"exclude_volunteer_ids": [3]}, "volunteer_preferences.exclude_volunteer_ids[0]: must be text"),
        ({"colour": "blue"}, "volunteer_preferences.colour: is not a known field"),
    ],
)  # fmt: skip
def test_bad_volunteer_preferences_are_refused_naming_the_field(prefs, message):
    with pytest.raises(VolunteerProfileError) as refused:
        support_wanted_from_json({"id": "p", "volunteer_preferences": prefs})
    assert message in str(refused.value)


def test_the_person_reader_accepts_and_ignores_volunteer_preferences():
    """`linkwell match` reads the same person file: the befriending part must not trouble it."""
    profile = profile_from_json(
        {"id": "p", "interests": ["walking"], "volunteer_preferences": {"contact": "phone"}}
    )
    assert profile.interests == ("walking",)
