"""The labelled befriending set: its files are valid, the hand grading agrees with the hard
constraints on who may be introduced, and the engine ranks better than the baseline."""

import json
from pathlib import Path
from typing import Any

import jsonschema

from linkwell.matching.profile import schema as person_schema
from linkwell.volunteering.engine import (
    VolunteerMatcher,
    hard_constraint_failures,
    shared_interests_baseline,
)
from linkwell.volunteering.evaluation import (
    PEOPLE_FILE,
    VOLUNTEERS_FILE,
    load_evaluation_set,
)
from linkwell.volunteering.evaluation.metrics import ndcg_at_k
from linkwell.volunteering.profile import schema as volunteer_schema


def _lines(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_the_files_follow_the_contracts_and_the_judgments_name_known_people_and_volunteers():
    for item in _lines(VOLUNTEERS_FILE):
        jsonschema.validate(item, volunteer_schema())
    for item in _lines(PEOPLE_FILE):
        jsonschema.validate(item, person_schema())
    evaluation = load_evaluation_set()
    volunteer_ids = {v.id for v in evaluation.volunteers}
    assert len(volunteer_ids) >= 40 and len(evaluation.people) >= 20
    assert set(evaluation.judgments) == {p.id for p, _ in evaluation.people}
    for grades in evaluation.judgments.values():
        assert set(grades) <= volunteer_ids
        assert set(grades.values()) <= {1, 2, 3}


def test_the_hand_grading_and_the_hard_constraints_agree_on_who_may_be_introduced():
    evaluation = load_evaluation_set()
    disagree = []
    for person, wanted in evaluation.people:
        graded = evaluation.judgments[person.id]
        for v in evaluation.volunteers:
            allowed = not hard_constraint_failures(person, wanted, v, at=evaluation.at)
            if allowed != (v.id in graded):
                disagree.append((person.id, v.id))
    assert disagree == []


def test_the_engine_ranks_better_than_counting_shared_interest_words():
    from linkwell.matching import embedding

    evaluation = load_evaluation_set()
    for encoder in (None, embedding.get_encoder()):
        matcher = VolunteerMatcher(evaluation.volunteers, encoder=encoder)
        engine, baseline = [], []
        for person, wanted in evaluation.people:
            grades = evaluation.judgments[person.id]
            ranked = matcher.rank(person, wanted, top=5, at=evaluation.at)
            plain = shared_interests_baseline(
                evaluation.volunteers, person, wanted, top=5, at=evaluation.at
            )
            engine.append(ndcg_at_k([s.volunteer_id for s in ranked], grades, 5))
            baseline.append(ndcg_at_k([s.volunteer_id for s in plain], grades, 5))
        assert sum(engine) / len(engine) > sum(baseline) / len(baseline), encoder
