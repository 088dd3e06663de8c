"""The befriending evaluation set (README.md): volunteers, people and graded judgments."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from linkwell.matching.profile import Profile, profile_from_json
from linkwell.volunteering.profile import (
    SupportWanted,
    VolunteerProfile,
    load_volunteers,
    support_wanted_from_json,
)

HERE = Path(__file__).resolve().parent
VOLUNTEERS_FILE = HERE / "volunteers.jsonl"
PEOPLE_FILE = HERE / "people.jsonl"
JUDGMENTS_FILE = HERE / "judgments.json"


@dataclass(frozen=True)
class EvaluationSet:
    volunteers: list[VolunteerProfile]
    people: list[tuple[Profile, SupportWanted]]
    judgments: dict[str, dict[str, int]]  # person id -> volunteer id -> grade
    at: dt.date


def load_evaluation_set() -> EvaluationSet:
    volunteers = load_volunteers(VOLUNTEERS_FILE.read_text(encoding="utf-8").splitlines())
    people = []
    for line in PEOPLE_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            people.append((profile_from_json(data), support_wanted_from_json(data)))
    raw = json.loads(JUDGMENTS_FILE.read_text(encoding="utf-8"))
    judgments = {pid: dict(item["grades"]) for pid, item in raw["people"].items()}
    return EvaluationSet(volunteers, people, judgments, dt.date.fromisoformat(raw["evaluated_at"]))
