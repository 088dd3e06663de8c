"""The council evaluation set: people written from link workers' case notes, graded by hand against
the Calderside council directory. See GRADING.md for how the grades are made and combined.

``load_council_set(part)`` returns the set as an ``EvaluationSet`` (the same shape as the first
set's, so the same metrics and benchmark read it): ``"development"`` (tune on this),
``"development_reworded"`` (the same people and grades, their needs, interests and what
matters written again in other everyday words: whether a reading holds beyond the words it was
made from), ``"development_reworded_b"`` (written again by another hand, as referral forms and
letters: a check on readings made from the first rewording, not tuned on), ``"more"`` (36 more
development people, written and graded later in the same way: ``people-more.jsonl``,
``grades/more/``), ``"more_2"`` (36 more again, written and graded later still:
``people-more-2.jsonl``, ``grades/more-2/``), ``"more_3"`` (36 more, as a link worker's
everyday caseload: ``people-more-3.jsonl``, ``grades/more-3/``), ``"held_out"`` (report it only
for a final change)
or ``"all"`` (the first 72). The grades are the resolved ones (``resolved.json`` in each grades
folder, made by ``resolve.py`` from the two graders' files).
"""

from __future__ import annotations

import json
from pathlib import Path

from linkwell.matching.documents import load_directory
from linkwell.matching.evaluation import EvaluationError, EvaluationSet, load_people
from linkwell.matching.evaluation.catalogue import EVALUATION_AT

HERE = Path(__file__).resolve().parent
RESOLVED_FILE = HERE / "grades" / "resolved.json"
PARTS = (
    "development", "development_reworded", "development_reworded_b", "more", "more_2", "more_3",
    "held_out", "all",
)  # fmt: skip
# Every group of development people: what the ranking weights are fitted on.
DEVELOPMENT_PARTS = ("development", "more", "more_2", "more_3")
# Development people written and graded after the first 72: each group's people file and the
# folder under grades/ with its graders' files.
MORE_GROUPS = {
    "more": ("people-more.jsonl", "more"),
    "more_2": ("people-more-2.jsonl", "more-2"),
    "more_3": ("people-more-3.jsonl", "more-3"),
}
# The development people written again, each file with the same people and facts.
REWORDED_FILES = {
    "development_reworded": "people-development-reworded.jsonl",
    "development_reworded_b": "people-development-reworded-b.jsonl",
}


def grades_folder(part: str, folder: Path = HERE) -> Path:
    """Where a part's graders' files and resolved grades are: a later group's in its own folder
    (``grades/more/``, ``grades/more-2/``), every other part's in ``grades/``."""
    if part in MORE_GROUPS:
        return folder / "grades" / MORE_GROUPS[part][1]
    return folder / "grades"


def part_ids(part: str, folder: Path = HERE) -> set[str]:
    """The person ids in one part of the fixed split."""
    if part not in PARTS:
        raise EvaluationError(f"unknown part {part!r}: choose one of {', '.join(PARTS)}")
    split = json.loads((folder / "split.json").read_text(encoding="utf-8"))
    if part == "all":
        return set(split["development"]) | set(split["held_out"])
    if part in REWORDED_FILES:
        return set(split["development"])
    if part in MORE_GROUPS:
        lines = (folder / MORE_GROUPS[part][0]).read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["id"] for line in lines if line.strip()}
    return set(split[part])


def load_council_set(part: str = "development", folder: Path = HERE) -> EvaluationSet:
    """The council set's `part`, read from `folder` (this package's own files unless a copy is
    named); raises EvaluationError when a file is missing, the grades are not resolved yet or
    the files disagree (a grade for an unknown person or listing)."""
    files = {
        "people": folder
        / (
            MORE_GROUPS[part][0]
            if part in MORE_GROUPS
            else REWORDED_FILES.get(part, "people.jsonl")
        ),
        "split": folder / "split.json",
        "directory": folder / "directory.json",
        "grades": grades_folder(part, folder) / "resolved.json",
    }
    missing = [f"{name} ({path})" for name, path in files.items() if not path.exists()]
    if missing:
        raise EvaluationError(
            "the council set is not complete, missing: "
            + ", ".join(missing)
            + (
                " (the grades are not resolved yet: put both graders' files in grades/ and run "
                "resolve.py)"
                if not files["grades"].exists()
                else ""
            )
        )
    wanted = part_ids(part, folder)
    services = load_directory(files["directory"])
    ids = {service.id for service in services}
    people = [person for person in load_people(files["people"]) if person.id in wanted]
    if len(people) != len(wanted):
        raise EvaluationError("split.json names people that people.jsonl lacks")
    resolved = json.loads(files["grades"].read_text(encoding="utf-8"))
    judgments: dict[str, dict[str, int]] = {}
    for person in people:
        grades = resolved.get(person.id)
        if grades is None:
            raise EvaluationError(f"{person.id} has no resolved grades")
        unknown = sorted(set(grades) - ids)
        if unknown:
            raise EvaluationError(f"{person.id}: graded listings not in the feed: {unknown[:3]}")
        judgments[person.id] = {sid: int(grade) for sid, grade in grades.items()}
    return EvaluationSet(
        services=services,
        people=people,
        judgments=judgments,
        notes={person.id: "" for person in people},
        slugs={service.id: service.name for service in services},
        at=EVALUATION_AT,
    )


def load_development_people() -> EvaluationSet:
    """Every development person (`DEVELOPMENT_PARTS`) in one set, with the council directory:
    what the ranking weights are fitted and cross-validated on. Never the held-out part."""
    parts = [load_council_set(part) for part in DEVELOPMENT_PARTS]
    first = parts[0]
    return EvaluationSet(
        services=first.services,
        people=[person for part in parts for person in part.people],
        judgments={pid: grades for part in parts for pid, grades in part.judgments.items()},
        notes={pid: note for part in parts for pid, note in part.notes.items()},
        slugs=first.slugs,
        at=first.at,
    )
