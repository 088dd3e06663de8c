"""The council evaluation people: valid profiles, unique ids, real postcodes and a fixed split."""

import json
import math
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from linkwell.directory import postcodes
from linkwell.matching.evaluation.council import make_split, resolve
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


@pytest.mark.parametrize(
    ("a", "b", "hard", "final"),
    [
        (3, 3, False, 3),
        (2, 3, False, 2),
        (1, 0, False, 0),
        (3, 1, False, 1),
        (3, 0, False, 1),
        (2, 0, False, 1),
        (3, 3, True, 0),
    ],
)
def test_the_disagreement_rule_in_the_grading_guide(a, b, hard, final):
    assert resolve.final_grade(a, b, hard) == final


def test_resolving_two_graders_keeps_only_grades_of_one_and_above():
    grades_a = {"c01": {"s1": 3, "s2": 2, "s3": 3}, "c02": {}}
    grades_b = {"c01": {"s1": 3, "s2": 3, "s4": 1}, "c02": {"s5": 2}}
    hard_b = {"c01": {"s3": "cost"}}
    assert resolve.resolve(grades_a, grades_b, {}, hard_b) == {
        "c01": {"s1": 3, "s2": 2},
        "c02": {"s5": 1},
    }


def test_a_grader_file_that_breaks_the_format_is_refused_with_the_pair_named():
    people = {"c01", "c02"}
    with pytest.raises(resolve.GradeFileError, match="c01 / s1: grade 0"):
        resolve.check("grader-A", {"c01": {"s1": 0}, "c02": {}}, {}, people)
    with pytest.raises(resolve.GradeFileError, match="both graded and a hard 0"):
        resolve.check("grader-A", {"c01": {"s1": 2}, "c02": {}}, {"c01": {"s1": "age"}}, people)
    with pytest.raises(resolve.GradeFileError, match="unknown reason 'too far'"):
        resolve.check("grader-A", {"c01": {}, "c02": {}}, {"c01": {"s1": "too far"}}, people)
    with pytest.raises(resolve.GradeFileError, match=r"people missing \['c02'\]"):
        resolve.check("grader-A", {"c01": {}}, {}, people)


def test_agreement_is_perfect_only_when_the_graders_agree():
    same = resolve.agreement({"c01": {"s1": 3, "s2": 1}}, {"c01": {"s1": 3, "s2": 1}})
    assert same["exact"] == 1.0 and same["weighted_kappa"] == 1.0
    apart = resolve.agreement({"c01": {"s1": 3, "s2": 1}}, {"c01": {"s1": 1, "s2": 3}})
    assert apart["exact"] == 0.0 and apart["weighted_kappa"] < 0


def test_a_grader_read_as_a_ranking_scores_one_only_when_the_order_is_right():
    listings = ["s1", "s2", "s3", "s4"]
    truth = {"c01": {"s1": 3, "s2": 1}, "c02": {}}  # c02 has nothing relevant: left out
    same = resolve.ranking_agreement({"c01": {"s1": 3, "s2": 1}}, truth, listings, k=2)
    assert same == {"people": 1, "ndcg": 1.0}
    swapped = resolve.ranking_agreement({"c01": {"s1": 1, "s2": 3}}, truth, listings, k=2)
    # s2 (gain 1) first, then s1 (gain 7): (1 + 7/log2 3) / (7 + 1/log2 3)
    assert swapped["ndcg"] == pytest.approx((1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3)))


def test_listings_a_grader_tied_are_taken_in_every_order():
    # Grader gives s1 and s3 the same grade; only s1 matters to the other: on average it is
    # first half the time and second half the time.
    listings = ["s1", "s2", "s3"]
    tied = resolve.ranking_agreement({"c01": {"s1": 2, "s3": 2}}, {"c01": {"s1": 3}}, listings, k=5)
    assert tied["ndcg"] == pytest.approx((1 + 1 / math.log2(3)) / 2)
    # Nothing graded by the first: all three tied at 0.
    blind = resolve.ranking_agreement({"c01": {}}, {"c01": {"s1": 3}}, listings, k=5)
    assert blind["ndcg"] == pytest.approx((1 + 1 / math.log2(3) + 1 / math.log2(4)) / 3)


REWORDED_FIELDS = ("needs", "interests", "what_matters")


@pytest.mark.parametrize(
    "name", ["people-development-reworded.jsonl", "people-development-reworded-b.jsonl"]
)
def test_the_reworded_development_people_differ_only_in_their_words(name):
    """A reworded view keeps the grades valid: the same development people, in split order,
    with every fact but their needs, interests and what matters unchanged, each list item
    rewritten (none copied) and nothing added or dropped."""
    lines = (COUNCIL / name).read_text(encoding="utf-8")
    reworded = [json.loads(line) for line in lines.splitlines() if line.strip()]
    original = {person["id"]: person for person in _people()}
    assert [person["id"] for person in reworded] == _split()["development"]
    for person in reworded:
        before = original[person["id"]]
        assert list(person) == list(before)
        assert {k: v for k, v in person.items() if k not in REWORDED_FIELDS} == {
            k: v for k, v in before.items() if k not in REWORDED_FIELDS
        }
        for field in ("needs", "interests"):
            assert len(person.get(field, [])) == len(before.get(field, []))
            assert not set(person.get(field, [])) & set(before.get(field, []))
        assert person["what_matters"] != before["what_matters"]
        assert not [e.message for e in Draft202012Validator(schema()).iter_errors(person)]


def _more(name: str = "people-more.jsonl") -> list[dict[str, Any]]:
    lines = (COUNCIL / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


LATER_GROUPS = ["people-more.jsonl", "people-more-2.jsonl", "people-more-3.jsonl"]


@pytest.mark.parametrize("name", LATER_GROUPS)
def test_the_36_more_people_are_new_valid_profiles(name):
    more = _more(name)
    ids = [person["id"] for person in more]
    earlier = {person["id"] for person in _people()}
    for before in LATER_GROUPS[: LATER_GROUPS.index(name)]:
        earlier |= {person["id"] for person in _more(before)}
    assert len(ids) == 36 and len(set(ids)) == 36
    assert not set(ids) & earlier
    for person in more:
        assert not [e.message for e in Draft202012Validator(schema()).iter_errors(person)]
        assert profile_from_json(person).what_matters
        postcodes.lookup(person["postcode"])  # a real postcode: raises when unknown
