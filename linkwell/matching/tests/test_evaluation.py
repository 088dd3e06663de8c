"""The labelled evaluation set: files agree with each other and with the generator; metrics."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from linkwell.directory import postcodes
from linkwell.directory.exchange import schemas
from linkwell.matching.evaluation import (
    DIRECTORY_FILE,
    PEOPLE_FILE,
    EvaluationError,
    EvaluationSet,
    generate,
    load_evaluation_set,
    load_judgments,
)
from linkwell.matching.evaluation.catalogue import ENTRIES
from linkwell.matching.evaluation.metrics import ndcg_at_k, precision_at_k, recall_at_k

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "person-profile.schema.json"
ENTRY = {entry.slug: entry for entry in ENTRIES}
# Services that collect people from home, so a link worker counts them within reach however far
# the venue is (README.md, "Grading").
COLLECTS = {"garden-therapeutic", "ex-falls"}


@pytest.fixture(scope="module")
def evaluation() -> EvaluationSet:
    return load_evaluation_set()


def test_committed_directory_is_what_the_seeded_generator_writes() -> None:
    assert DIRECTORY_FILE.read_text(encoding="utf-8") == generate.render()


def test_every_service_is_valid_open_referral_uk_and_hsds() -> None:
    items = json.loads(DIRECTORY_FILE.read_text(encoding="utf-8"))
    for name in (schemas.ORUK_SERVICE, schemas.HSDS_SERVICE):
        check = schemas.validator(name)
        errors = [f"{o['name']}: {e.message}" for o in items for e in check.iter_errors(o)]
        assert errors == [], errors[:3]


def test_directory_reads_as_hsds_with_the_cases_the_engine_must_handle(
    evaluation: EvaluationSet,
) -> None:
    services = evaluation.services
    assert 150 <= len(services) <= 300
    assert len({s.id for s in services}) == len(services)
    by_slug = {evaluation.slugs[s.id]: s for s in services}
    # Many near-identical walking groups (the diversity test) ...
    walks = [s for s in services if s.name.endswith("Health Walk")]
    assert len(walks) >= 12
    assert len({s.description.split(" Meet ")[0] for s in walks}) == 1
    # ... inactive, defunct, full, stale, age-limited, paid and transport-providing services.
    assert Counter(s.status for s in services)["active"] == len(services) - 2
    assert sum(1 for s in services if s.capacity_available == 0) >= 5
    assert sum(1 for s in services if s.last_modified and s.last_modified.year < 2025) >= 3
    assert sum(1 for s in services if s.max_age is not None) >= 8
    assert sum(1 for s in services if s.free is False) >= 30
    assert by_slug["cycle-pedal-pals"].provides_transport
    assert "Cycling" in by_slug["cycle-pedal-pals"].taxonomy_terms


def test_venues_are_real_postcodes_in_the_fictional_area(evaluation: EvaluationSet) -> None:
    centre = postcodes.lookup("WA7 1NR")
    for service in evaluation.services:
        for place in service.locations:
            assert place.point is not None
            assert place.point == pytest.approx(postcodes.lookup(place.postcode), abs=1e-5)
            assert postcodes.haversine_km(centre, place.point) < 25


def test_people_follow_the_person_profile_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    lines = [json.loads(line) for line in PEOPLE_FILE.read_text(encoding="utf-8").splitlines()]
    assert 30 <= len(lines) <= 40
    for person in lines:
        jsonschema.validate(person, schema)
        postcodes.lookup(person["postcode"])


def test_every_person_has_judgments_with_something_relevant(evaluation: EvaluationSet) -> None:
    assert {p.id for p in evaluation.people} == set(evaluation.judgments)
    for pid, grades in evaluation.judgments.items():
        assert max(grades.values()) >= 2, pid
        assert evaluation.notes[pid]


def test_no_positive_judgment_breaks_a_hard_constraint(evaluation: EvaluationSet) -> None:
    """A link worker would never offer these; the judgments must agree with the constraints."""
    services = {s.id: s for s in evaluation.services}
    for person in evaluation.people:
        home = postcodes.lookup(person.postcode or "")
        for sid, grade in evaluation.judgments[person.id].items():
            if grade == 0:
                continue
            service, slug = services[sid], evaluation.slugs[sid]
            where = f"{person.id} / {slug}"
            assert service.status == "active", where
            assert person.age is not None
            assert service.min_age is None or person.age >= service.min_age, where
            assert service.max_age is None or person.age <= service.max_age, where
            if person.cost == "free_only":
                assert service.free, where
            if service.points and slug not in COLLECTS and person.max_distance_km:
                assert postcodes.haversine_km(home, service.points[0]) <= person.max_distance_km, (
                    where
                )
            if "wheelchair" in person.accessibility:
                assert not {"stairs", "rough"} & set(ENTRY[slug].access.split()), where


def test_unknown_slug_or_bad_grade_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "judgments.json"
    bad.write_text(json.dumps({"p1": {"grades": {"no-such-service": 2}}}), encoding="utf-8")
    with pytest.raises(EvaluationError, match="unknown service 'no-such-service'"):
        load_judgments(bad)
    bad.write_text(json.dumps({"p1": {"grades": {"cycle-pedal-pals": 5}}}), encoding="utf-8")
    with pytest.raises(EvaluationError, match="must be 0-3, not 5"):
        load_judgments(bad)


def test_metrics_on_a_worked_example() -> None:
    judged = {"a": 3, "b": 2, "c": 1, "d": 2}
    # Ideal order a, b|d, d|b, c: DCG = 7 + 3/log2(3) + 3/2 + 1/log2(5).
    assert ndcg_at_k(["a", "b", "d", "c"], judged, 5) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], judged, 5) == 0.0
    assert 0 < ndcg_at_k(["c", "a"], judged, 5) < ndcg_at_k(["a", "c"], judged, 5) < 1
    assert precision_at_k(["a", "c", "x", "d"], judged, 5) == pytest.approx(2 / 5)
    assert recall_at_k(["x", "a", "c"], judged, 10) == pytest.approx(1 / 3)
    assert recall_at_k(["a"], {"a": 1}, 10) == 0.0
