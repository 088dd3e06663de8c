"""Befriending match quality on the labelled set, and ranking latency for larger volunteer pools.

    python benchmarks/befriending.py              # full run; writes the BENCHMARKS.md section
    python benchmarks/befriending.py --no-write   # print only

Quality: `VolunteerMatcher.rank` (top 5, at the set's evaluation date) for each person of
`linkwell/volunteering/evaluation` against the hand-written graded judgments (written before the
engine: see that folder's README), nDCG@5 and precision@5 (grade >= 2 counts as relevant),
averaged over the people, for the engine with the sentence encoder, the engine by words alone,
and the plain shared-interest-words baseline (`shared_interests_baseline`). All three apply the
same hard constraints, so the differences are the ranking of eligible volunteers only.

Latency: the set's volunteers copied under new ids and spread over the area (`--sizes`), a
matcher built once (phrase embeddings included, reported separately), every person ranked after
a warm-up; p50/p95 per person.

Not part of the test suite; `linkwell/volunteering/tests/test_evaluation.py` checks the engine
beats the baseline.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from matching import machine  # noqa: E402
from sections import write_section  # noqa: E402

from linkwell.matching.embedding import get_encoder  # noqa: E402
from linkwell.matching.engine import Encoder  # noqa: E402
from linkwell.matching.evaluation.metrics import precision_at_k  # noqa: E402
from linkwell.matching.profile import Profile  # noqa: E402
from linkwell.volunteering.engine import (  # noqa: E402
    VolunteerMatcher,
    VolunteerSuggestion,
    shared_interests_baseline,
)
from linkwell.volunteering.evaluation import EvaluationSet, load_evaluation_set  # noqa: E402
from linkwell.volunteering.evaluation.metrics import ndcg_at_k  # noqa: E402
from linkwell.volunteering.profile import SupportWanted, VolunteerProfile  # noqa: E402

MARK_START = "<!-- befriending:start -->"
MARK_END = "<!-- befriending:end -->"
TOP = 5

Ranker = Callable[[Profile, SupportWanted], list[VolunteerSuggestion]]


def quality(evaluation: EvaluationSet, rank: Ranker) -> dict[str, float]:
    ndcg, precision = [], []
    for person, wanted in evaluation.people:
        grades = evaluation.judgments[person.id]
        ids = [s.volunteer_id for s in rank(person, wanted)]
        ndcg.append(ndcg_at_k(ids, grades, TOP))
        precision.append(precision_at_k(ids, grades, TOP))
    return {"ndcg": statistics.mean(ndcg), "precision": statistics.mean(precision)}


def pool(volunteers: Sequence[VolunteerProfile], size: int) -> list[VolunteerProfile]:
    """`size` volunteers: copies of the set's, each copy moved a little (up to ~6 km)."""
    out = []
    for i in range(size):
        v = volunteers[i % len(volunteers)]
        shift = (i // len(volunteers)) % 11 - 5
        out.append(
            dataclasses.replace(
                v,
                id=f"{v.id}-{i}",
                latitude=None if v.latitude is None else v.latitude + shift * 0.01,
                longitude=None if v.longitude is None else v.longitude - shift * 0.01,
            )
        )
    return out


def latency(
    evaluation: EvaluationSet, size: int, encoder: Encoder | None
) -> tuple[float, float, float]:
    volunteers = pool(evaluation.volunteers, size)
    started = time.perf_counter()
    matcher = VolunteerMatcher(volunteers, encoder=encoder)
    build = time.perf_counter() - started
    person, wanted = evaluation.people[0]
    matcher.rank(person, wanted, top=TOP, at=evaluation.at)  # warm-up
    times = []
    for person, wanted in evaluation.people:
        started = time.perf_counter()
        matcher.rank(person, wanted, top=TOP, at=evaluation.at)
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return build, statistics.median(times), p95


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[42, 1_000, 5_000])
    parser.add_argument("--no-write", action="store_true", help="Print; leave BENCHMARKS.md.")
    args = parser.parse_args(argv)

    evaluation = load_evaluation_set()
    encoder = get_encoder()
    at = evaluation.at
    engine = VolunteerMatcher(evaluation.volunteers, encoder=encoder)
    words = VolunteerMatcher(evaluation.volunteers, encoder=None)
    rows = [
        (
            "Engine (words + sentence encoder)" if encoder else "Engine (no encoder installed)",
            quality(evaluation, lambda p, w: engine.rank(p, w, top=TOP, at=at)),
        ),
        ("Engine, words only", quality(evaluation, lambda p, w: words.rank(p, w, top=TOP, at=at))),
        (
            "Shared interest words (baseline)",
            quality(
                evaluation,
                lambda p, w: shared_interests_baseline(evaluation.volunteers, p, w, top=TOP, at=at),
            ),
        ),
    ]
    timings = [(size, *latency(evaluation, size, encoder)) for size in args.sizes]
    graded = sum(len(g) for g in evaluation.judgments.values())
    info = machine()
    lines = [
        MARK_START,
        "## Befriending matches (`benchmarks/befriending.py`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {info['cpu']}, {info['cores']} cores, {info['ram']} "
        f"RAM, Python {info['python']}, NumPy {info['numpy']} ({info['os']}).",
        "",
        f"Quality on the labelled set (`linkwell/volunteering/evaluation/`: "
        f"{len(evaluation.volunteers)} volunteers, {len(evaluation.people)} people, {graded} "
        f"graded volunteer-person pairs, judged before the engine was written), top {TOP} at "
        f"{at:%d %B %Y}, averaged over the people; relevant = grade 2 or 3. All rankings apply "
        "the same hard constraints.",
        "",
        "| Ranking | nDCG@5 | Precision@5 |",
        "|---|---:|---:|",
        *[f"| {name} | {q['ndcg']:.3f} | {q['precision']:.3f} |" for name, q in rows],
        "",
        "Latency per person (the set's volunteers copied and spread out; build includes the "
        "phrase embeddings):",
        "",
        "| Volunteers | Build | p50 | p95 |",
        "|---:|---:|---:|---:|",
        *[
            f"| {size:,} | {build:.2f} s | {p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms |"
            for size, build, p50, p95 in timings
        ],
        MARK_END,
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(section, ROOT / "BENCHMARKS.md")


if __name__ == "__main__":
    main()
