"""The labelled evaluation set that measures the matching engine's ranking, and its metrics.

``load_evaluation_set()`` returns the generated directory (``directory.json``, HSDS 3 / ORUK), the
fictional people (``people.jsonl``, person-profile JSON) and the hand-written graded judgments
(``judgments.json``), with judgments keyed by the directory's service ids. See README.md for how
the set was built and how to grade.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from linkwell.core.exceptions import LinkwellError
from linkwell.matching.documents import ServiceDoc, load_directory
from linkwell.matching.evaluation.catalogue import ENTRIES, EVALUATION_AT, service_id
from linkwell.matching.profile import Profile, profile_from_json

HERE = Path(__file__).resolve().parent
DIRECTORY_FILE = HERE / "directory.json"
PEOPLE_FILE = HERE / "people.jsonl"
JUDGMENTS_FILE = HERE / "judgments.json"
RELEVANT = 2  # a grade of 2 or 3 counts as relevant for precision and recall


class EvaluationError(LinkwellError):
    """The evaluation files disagree with each other (unknown slug, person or grade)."""


@dataclass(frozen=True)
class EvaluationSet:
    services: list[ServiceDoc]
    people: list[Profile]
    judgments: dict[str, dict[str, int]]  # person id -> service id -> grade (0-3); missing = 0
    notes: dict[str, str]  # person id -> why the grades are what they are
    slugs: dict[str, str]  # service id -> catalogue slug (for reading results)
    at: dt.datetime


def load_judgments(path: Path = JUDGMENTS_FILE) -> dict[str, tuple[str, dict[str, int]]]:
    """person id -> (note, {slug: grade}); raises EvaluationError on a bad grade or slug."""
    known = {entry.slug for entry in ENTRIES}
    raw = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, dict[str, int]]] = {}
    for person, value in raw.items():
        if person.startswith("_"):
            continue
        grades = value.get("grades") if isinstance(value, dict) else None
        if not isinstance(grades, dict):
            raise EvaluationError(f"{person}: no grades")
        for slug, grade in grades.items():
            if slug not in known:
                raise EvaluationError(f"{person}: unknown service {slug!r}")
            if not isinstance(grade, int) or isinstance(grade, bool) or not 0 <= grade <= 3:
                raise EvaluationError(f"{person}: grade for {slug} must be 0-3, not {grade!r}")
        out[person] = (str(value.get("note", "")), dict(grades))
    return out


def load_people(path: Path = PEOPLE_FILE) -> list[Profile]:
    people = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                people.append(profile_from_json(json.loads(line)))
            except (ValueError, LinkwellError) as exc:
                raise EvaluationError(f"{path.name} line {number}: {exc}") from exc
    return people


def load_evaluation_set() -> EvaluationSet:
    services = load_directory(DIRECTORY_FILE)
    people = load_people()
    judged = load_judgments()
    ids = {service.id for service in services}
    slugs = {service_id(entry.slug): entry.slug for entry in ENTRIES}
    if set(slugs) != ids:
        raise EvaluationError("directory.json is out of date with catalogue.py: run the generator")
    person_ids = [person.id for person in people]
    if set(person_ids) != set(judged):
        missing = sorted(set(person_ids) ^ set(judged))
        raise EvaluationError(f"people and judgments do not match: {', '.join(missing)}")
    return EvaluationSet(
        services=services,
        people=people,
        judgments={
            pid: {service_id(slug): grade for slug, grade in grades.items()}
            for pid, (_, grades) in judged.items()
        },
        notes={pid: note for pid, (note, _) in judged.items()},
        slugs=slugs,
        at=EVALUATION_AT,
    )
