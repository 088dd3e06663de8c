"""The council evaluation people: valid profiles, unique ids, real postcodes and a fixed split."""

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from linkwell.directory import postcodes
from linkwell.matching.evaluation.council import make_split
from linkwell.matching.profile import profile_from_json, schema

COUNCIL = Path(make_split.__file__).resolve().parent


def _people() -> list[dict[str, Any]]:
    lines = (COUNCIL / "people.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _split() -> dict[str, Any]:
    return json.loads((COUNCIL / "split.json").read_text(encoding="utf-8"))


def test_there_are_72_people_with_unique_ids():
    ids = [person["id"] for person in _people()]
    assert len(ids) == 72
    assert len(set(ids)) == len(ids)
    assert all(person_id.startswith("c") for person_id in ids)


@pytest.mark.parametrize("person", _people(), ids=lambda person: person["id"])
def test_every_person_is_valid_against_the_schema_and_reads_as_a_profile(person):
    errors = [error.message for error in Draft202012Validator(schema()).iter_errors(person)]
    assert errors == []
    profile = profile_from_json(person)
    assert profile.what_matters, "every person has a what-matters paragraph"
    assert profile.needs, "every person has needs in their own words"


@pytest.mark.parametrize("person", _people(), ids=lambda person: person["id"])
def test_every_postcode_is_a_real_bolton_postcode_that_geocodes(person):
    postcode = postcodes.normalise(person["postcode"])
    assert postcode.split()[0] in {"BL1", "BL2", "BL3", "BL4", "BL5", "BL6", "BL7"}
    latitude, longitude = postcodes.lookup(postcode)
    assert 53.4 < latitude < 53.8 and -2.7 < longitude < -2.2  # around Bolton


def test_the_split_covers_every_person_exactly_once_in_two_equal_halves():
    split = _split()
    development, held_out = split["development"], split["held_out"]
    everyone = sorted(person["id"] for person in _people())
    assert sorted(development + held_out) == everyone
    assert not set(development) & set(held_out)
    assert len(development) == len(held_out) == 36


def test_each_person_has_one_stratum_and_each_stratum_is_split_evenly():
    split = _split()
    in_strata = sorted(p for ids in split["strata"].values() for p in ids)
    assert in_strata == sorted(person["id"] for person in _people())
    development = set(split["development"])
    for name, ids in split["strata"].items():
        in_development = sum(person_id in development for person_id in ids)
        assert abs(2 * in_development - len(ids)) <= 1, name


def test_the_committed_split_is_exactly_what_the_seeded_script_makes():
    assert _split() == make_split.make_split()
    assert _split()["seed"] == make_split.SEED


def test_a_different_seed_would_give_a_different_split():
    assert make_split.make_split(seed=1)["held_out"] != _split()["held_out"]
