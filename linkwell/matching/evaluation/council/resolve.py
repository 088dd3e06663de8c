"""Combine the two graders' files into the final grades, by the rule in GRADING.md.

For every (person, listing) pair in any of the four files, with ``a`` and ``b`` the two grades
(a pair a grader didn't list counts as 0):

1. either grader recorded a hard-constraint 0 -> 0;
2. equal -> that grade;
3. differ by 1 -> the lower;
4. differ by 2 or more -> 1.

Run ``python linkwell/matching/evaluation/council/resolve.py`` once both graders' files are in
``grades/``; it writes ``grades/resolved.json`` (only final grades of 1 and above, every person
present) and prints the raw agreement.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GRADES = HERE / "grades"
# Each group of people and where its graders' files are: the first 72 (split into development
# and held-out) and three groups of 36 more development people written and graded later the
# same way.
GROUPS = {
    "": ("people.jsonl", GRADES),
    "more": ("people-more.jsonl", GRADES / "more"),
    "more-2": ("people-more-2.jsonl", GRADES / "more-2"),
    "more-3": ("people-more-3.jsonl", GRADES / "more-3"),
}
HARD_REASONS = frozenset(
    (
        "age",
        "gender",
        "language",
        "cost",
        "distance",
        "availability",
        "inactive",
        "access",
        "eligibility",
    )
)

Grades = Mapping[str, Mapping[str, int]]
Hard = Mapping[str, Mapping[str, str]]


class GradeFileError(ValueError):
    """A grade file breaks the format in GRADING.md; the message says where."""


def check(name: str, grades: Grades, hard: Hard, people: set[str]) -> None:
    """Raise GradeFileError for the first problem in one grader's two files."""
    if set(grades) != people:
        missing, extra = sorted(people - set(grades)), sorted(set(grades) - people)
        raise GradeFileError(f"{name}: people missing {missing[:5]}, unknown {extra[:5]}")
    for person, by_listing in grades.items():
        for listing, grade in by_listing.items():
            if isinstance(grade, bool) or grade not in (1, 2, 3):
                raise GradeFileError(
                    f"{name}: {person} / {listing}: grade {grade!r} is not 1, 2 or 3"
                )
    for person, reasons in hard.items():
        if person not in people:
            raise GradeFileError(f"{name}-hard: unknown person {person}")
        for listing, reason in reasons.items():
            if reason not in HARD_REASONS:
                raise GradeFileError(
                    f"{name}-hard: {person} / {listing}: unknown reason {reason!r}"
                )
            if listing in grades.get(person, {}):
                raise GradeFileError(f"{name}: {person} / {listing} is both graded and a hard 0")


def final_grade(a: int, b: int, hard: bool) -> int:
    """The rule, for one pair."""
    if hard:
        return 0
    if a == b:
        return a
    if abs(a - b) == 1:
        return min(a, b)
    return 1


def resolve(
    grades_a: Grades, grades_b: Grades, hard_a: Hard, hard_b: Hard
) -> dict[str, dict[str, int]]:
    """Final grades of 1 and above, for every person either file mentions (sorted ids)."""
    people = sorted(set(grades_a) | set(grades_b) | set(hard_a) | set(hard_b))
    out: dict[str, dict[str, int]] = {}
    for person in people:
        ga, gb = grades_a.get(person, {}), grades_b.get(person, {})
        ha, hb = hard_a.get(person, {}), hard_b.get(person, {})
        final = {}
        for listing in sorted(set(ga) | set(gb) | set(ha) | set(hb)):
            grade = final_grade(
                ga.get(listing, 0), gb.get(listing, 0), listing in ha or listing in hb
            )
            if grade:
                final[listing] = grade
        out[person] = final
    return out


def agreement(grades_a: Grades, grades_b: Grades) -> dict[str, float]:
    """Raw agreement on pairs either grader gave 1 or more: exact, within one, weighted kappa."""
    pairs = [
        (grades_a.get(p, {}).get(s, 0), grades_b.get(p, {}).get(s, 0))
        for p in set(grades_a) | set(grades_b)
        for s in set(grades_a.get(p, {})) | set(grades_b.get(p, {}))
    ]
    if not pairs:
        return {"pairs": 0, "exact": 1.0, "within_one": 1.0, "weighted_kappa": 1.0}
    n = len(pairs)
    observed = sum((a - b) ** 2 for a, b in pairs) / n
    expected = sum((a - b) ** 2 for a, _ in pairs for _, b in pairs) / (n * n)
    return {
        "pairs": n,
        "exact": sum(a == b for a, b in pairs) / n,
        "within_one": sum(abs(a - b) <= 1 for a, b in pairs) / n,
        "weighted_kappa": 1.0 - observed / expected if expected else 1.0,
    }


def ranking_agreement(
    by: Grades, truth: Grades, listings: Sequence[str], *, k: int = 5
) -> dict[str, float]:
    """How far one grader's grades, read as a ranking, agree with another's: the mean nDCG@k
    (gain 2^grade - 1, as the engine is scored) of `by`'s ranking of `listings` against `truth`,
    over the people `truth` grades anything 1 or more. A grader ranks only in grades, so the
    listings of one grade are taken in every order: the figure is the expectation over those
    orders, computed exactly (each place in a tied block gets the block's mean gain). This is
    about what one careful person reaches against another's judgement, a ceiling to read the
    engine's nDCG against."""
    scores = []
    for person, judged in truth.items():
        gains = {s: 2**g - 1 for s, g in judged.items() if g >= 1}
        if not gains:
            continue
        ideal = sorted(gains.values(), reverse=True)[:k]
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        own = by.get(person, {})
        blocks: dict[int, list[str]] = {}
        for listing in listings:
            blocks.setdefault(own.get(listing, 0), []).append(listing)
        place, dcg = 0, 0.0
        for grade in sorted(blocks, reverse=True):
            block = blocks[grade]
            mean_gain = sum(gains.get(s, 0) for s in block) / len(block)
            for _ in block:
                if place >= k:
                    break
                dcg += mean_gain / math.log2(place + 2)
                place += 1
        scores.append(dcg / idcg)
    return {"people": len(scores), "ndcg": sum(scores) / len(scores) if scores else 0.0}


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def main(group: str = "") -> None:
    """Resolve one group's two graders' files (`GROUPS`;
    `python resolve.py [more | more-2 | more-3]`)."""
    if group not in GROUPS:
        known = " or ".join(repr(g) for g in GROUPS if g)
        sys.exit(f"unknown group {group!r}: give none (the first 72 people), {known}")
    people_name, folder = GROUPS[group]
    people_lines = (HERE / people_name).read_text(encoding="utf-8").splitlines()
    people = {json.loads(line)["id"] for line in people_lines if line.strip()}
    files = {
        x: (_load(folder / f"grader-{x}.json"), _load(folder / f"grader-{x}-hard.json"))
        for x in "AB"
    }
    try:
        for x, (grades, hard) in files.items():
            check(f"grader-{x}", grades, hard, people)
    except GradeFileError as exc:
        sys.exit(str(exc))
    (ga, ha), (gb, hb) = files["A"], files["B"]
    resolved = resolve(ga, gb, ha, hb)
    (folder / "resolved.json").write_text(json.dumps(resolved, indent=1, sort_keys=True) + "\n")
    print(json.dumps(agreement(ga, gb), indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
