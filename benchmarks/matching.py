"""Matching quality on the labelled set, and ranking latency at 1k / 10k / 100k services.

    python benchmarks/matching.py                 # full run; writes the BENCHMARKS.md section
    python benchmarks/matching.py --quick         # smoke run: small directory, a few people
    python benchmarks/matching.py --sizes 1000 --no-write

Quality: `linkwell.matching.engine.Matcher.rank` (top 10, at the set's evaluation time) for each
person of `linkwell/matching/evaluation` against the hand-written graded judgments: nDCG@5,
precision@5 (grade >= 2 counts as relevant) and recall@10, averaged over the people, for the full
engine, the plain keyword baseline (`bm25_baseline`) and the engine with each component switched
off (`disable={...}`).

Latency: directories of generated services (variations of the evaluation catalogue spread over
~40 x 75 km around it), a Matcher built once (service embeddings included; build time reported
separately), then every person of the set ranked `--repeat` times (once above 20k services)
after a warm-up; p50/p95 per query — as they are, and again with their location removed (no
postcode or coordinates: nothing is out of reach, so every active service is a candidate). Above
`--encode-limit` services the service embeddings are not computed one by one: each service reuses
the embedding of the catalogue entry it varies (same vector size, same query cost), and the build
time shown is the measured rest of the build plus the encoding time extrapolated from the largest
fully encoded size (marked "est.").

Each figure is set against its limit measured in the same run (the machine may be shared, so
ratios are what to compare):

- ranking: the **brute-force limit** per person = BM25 scores of each thing they said over the
  whole index + one float32 product of their (already encoded) vectors with every service vector
  + picking the best; `rank` is timed with what the person said encoded beforehand (as when the
  profile is saved: `Matcher.prepare`) and, separately, encoding it inside `rank`; a person's
  runs of `rank`, of `rank` with no location and of the limit alternate, so each ratio compares
  work timed under the same load;
- encoder throughput: the encoder (onnxruntime, one thread) on the labelled directory's texts,
  against its NumPy reference on the same weights (`benchmarks/onnx_encoder.py` compares the
  two alone, with its own section) and the reference's matrix products alone (its linear
  layers, no attention or GELU);
- rebuild: a directory of the largest size in which 1% of the listings changed, rebuilt with the
  vectors kept in a `FileVectorStore` (only the changed listings are encoded), against the
  same build with every vector already stored (the index build alone).

Not part of the test suite; `tests/test_matching_benchmark_smoke.py` runs it with `--quick`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import django  # noqa: E402
import onnx_encoder  # noqa: E402
from sections import write_section  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()  # the directory reader behind the evaluation sets uses the directory's models

from linkwell.matching.embedding import Encoder, get_encoder, model_path  # noqa: E402
from linkwell.matching.engine import COMPONENTS, Matcher, Suggestion, bm25_baseline  # noqa: E402
from linkwell.matching.evaluation import EvaluationSet, load_evaluation_set  # noqa: E402
from linkwell.matching.evaluation.catalogue import ENTRIES  # noqa: E402
from linkwell.matching.evaluation.generate import scaled_services  # noqa: E402
from linkwell.matching.evaluation.metrics import (  # noqa: E402
    judged_people,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)

MARK_START = "<!-- matching:start -->"
MARK_END = "<!-- matching:end -->"
QUALITY_START = "<!-- matching-quality:start -->"
QUALITY_END = "<!-- matching-quality:end -->"
TOP = 10


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown CPU"
    ram = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "os": platform.platform(terse=True),
        "load": " / ".join(f"{v:.1f}" for v in os.getloadavg()),
    }


# --- quality -------------------------------------------------------------------------------

Ranker = Callable[[Any], list[Suggestion]]


def score(evaluation: EvaluationSet, rank: Ranker, people: Sequence[Any]) -> dict[str, float]:
    """Means over the people with a service graded 1 or more (`metrics.judged_people`; the
    count left out is `quality`'s "excluded")."""
    kept, _ = judged_people(people, evaluation.judgments, lambda p: p.id)
    ndcg, precision, recall = [], [], []
    for person in kept:
        ranked = [s.service_id for s in rank(person)]
        judged = evaluation.judgments[person.id]
        ndcg.append(ndcg_at_k(ranked, judged, 5))
        precision.append(precision_at_k(ranked, judged, 5))
        recall.append(recall_at_k(ranked, judged, 10))
    if not kept:
        return {
            "ndcg5": float("nan"),
            "p5": float("nan"),
            "r10": float("nan"),
        }
    return {
        "ndcg5": statistics.fmean(ndcg),
        "p5": statistics.fmean(precision),
        "r10": statistics.fmean(recall),
    }


def quality(
    evaluation: EvaluationSet,
    *,
    people: int | None = None,
    ablations: bool = True,
    name: str = "labelled set",
) -> dict[str, Any]:
    chosen = evaluation.people[:people] if people else evaluation.people
    started = time.perf_counter()
    matcher = Matcher(evaluation.services)
    build = time.perf_counter() - started
    at = evaluation.at
    rows: list[tuple[str, dict[str, float]]] = []
    rows.append(
        ("Full engine", score(evaluation, lambda p: matcher.rank(p, top=TOP, at=at), chosen))
    )
    rows.append(
        (
            "BM25 keyword baseline",
            score(evaluation, lambda p: bm25_baseline(evaluation.services, p, top=TOP), chosen),
        )
    )
    for component in sorted(COMPONENTS) if ablations else ():
        rows.append(
            (f"without {component}", score(evaluation, _without(matcher, component, at), chosen))
        )
    return {
        "name": name,
        "rows": rows,
        "people": len(chosen),
        "excluded": judged_people(chosen, evaluation.judgments, lambda p: p.id)[1],
        "services": len(evaluation.services),
        "judged": sum(len(evaluation.judgments[p.id]) for p in chosen),
        "build_seconds": build,
        "encoder": matcher.encoder is not None,
        "weights": matcher.ranker.source if matcher.ranker is not None else "hand weights",
    }


# The council views shown with the full engine and BM25 only (no ablations), after development.
OTHER_VIEWS = (
    ("development_reworded", "council set, development part reworded"),
    (
        "development_reworded_b",
        "council set, development part reworded as referral letters (a check)",
    ),
    ("more", "council set, 36 more development people"),
    ("more_2", "council set, 36 more development people, second group"),
    ("more_3", "council set, 36 more development people, third group (an everyday caseload)"),
)


def council_views(*, held_out: bool, people: int | None = None) -> list[dict[str, Any]]:
    """The council set's development part (with each component switched off in turn), the same
    people reworded twice, the three groups of 36 more development people (full engine and BM25)
    and, only with `held_out`, its held-out part."""
    from linkwell.matching.evaluation.council import load_council_set

    views = [
        quality(
            load_council_set("development"), people=people, name="council set, development part"
        )
    ]
    parts = [*OTHER_VIEWS, *([("held_out", "council set, held-out part")] if held_out else [])]
    for part, name in parts:
        views.append(quality(load_council_set(part), people=people, ablations=False, name=name))
    return views


# The council part each graders'-agreement line of the section is about.
PART_OF_AGREEMENT = {
    "development": "development",
    "more development": "more",
    "second more development": "more_2",
    "third more development": "more_3",
    "held-out": "held_out",
}


def graders_agreement(part: str) -> dict[str, float]:
    """The two council graders' raw agreement (`resolve.agreement`) on one part's people."""
    import json

    from linkwell.matching.evaluation.council import grades_folder, part_ids
    from linkwell.matching.evaluation.council.resolve import agreement

    wanted = part_ids(part)
    folder = grades_folder(part)
    a, b = (json.loads((folder / f"grader-{x}.json").read_text(encoding="utf-8")) for x in "AB")
    return agreement(
        {p: g for p, g in a.items() if p in wanted}, {p: g for p, g in b.items() if p in wanted}
    )


def graders_ranking(part: str) -> dict[str, dict[str, float]]:
    """Each council grader's grades read as a ranking and scored against the other's
    (`resolve.ranking_agreement`): nDCG@5 that one careful person reaches against another."""
    import json

    from linkwell.matching.evaluation.council import HERE, grades_folder, part_ids
    from linkwell.matching.evaluation.council.resolve import ranking_agreement

    wanted = part_ids(part)
    a, b = (
        {
            p: g
            for p, g in json.loads(
                (grades_folder(part) / f"grader-{x}.json").read_text(encoding="utf-8")
            ).items()
            if p in wanted
        }
        for x in "AB"
    )
    feed = json.loads((HERE / "directory.json").read_text(encoding="utf-8"))
    listings = [item["id"] for item in feed["contents"]]
    return {
        "A against B": ranking_agreement(a, b, listings),
        "B against A": ranking_agreement(b, a, listings),
    }


def _without(matcher: Matcher, component: str, at: dt.datetime) -> Ranker:
    off = frozenset({component})

    def rank(person: Any) -> list[Suggestion]:
        return matcher.rank(person, top=TOP, at=at, disable=off)

    return rank


# --- latency -------------------------------------------------------------------------------


class _ReusingEncoder:
    """For directories above --encode-limit: the base entry's vector for each varied service."""

    name = "reused catalogue embeddings"

    def __init__(self, real: Any, base_text_of: dict[str, str]) -> None:
        self.real = real
        self.base_text_of = base_text_of
        bases = sorted(set(base_text_of.values()))
        self.vectors = dict(zip(bases, real.encode(bases), strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # Service texts reuse their entry's vector; anything else (what a person said) is encoded.
        unknown = [t for t in texts if t not in self.base_text_of]
        said = dict(zip(unknown, self.real.encode(unknown), strict=True)) if unknown else {}
        return np.vstack(
            [said[t] if t in said else self.vectors[self.base_text_of[t]] for t in texts]
        )


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[
        min(len(timings) - 1, round(0.95 * (len(timings) - 1)))
    ]


def brute_force_limit(matcher: Matcher, person: Any) -> Callable[[], None]:
    """One person's limit, ready to time: BM25 over the whole index for each thing they said,
    one float32 product of their already-encoded vectors with every service vector, and the
    best 10 of the sum — the least any exact ranker over this index and these vectors has to
    do."""
    from linkwell.matching.embedding import blas_threads
    from linkwell.matching.engine import _facets

    facets = _facets(person, matcher.index)
    queries = (
        matcher._encode_said([f.said for f in facets])
        if matcher.embeddings is not None and facets
        else None
    )

    def run() -> None:
        with blas_threads(1):
            total = np.zeros(len(matcher.services))
            for facet in facets:
                total += matcher.index.scores(facet.query)
            if queries is not None and matcher.embeddings is not None:
                total += (queries @ matcher.embeddings.T).max(axis=0)
            best = np.argpartition(-total, TOP)[:TOP] if len(total) > TOP else total
            best.sort()

    return run


def _without_location(people: Sequence[Any]) -> list[Any]:
    """The same people with no postcode or coordinates (what they said is unchanged, so what
    `Matcher.prepare` encoded for them still serves)."""
    return [dataclasses.replace(p, postcode=None, latitude=None, longitude=None) for p in people]


def _alternating(
    matcher: Matcher, people: Sequence[Any], runs: int, at: dt.datetime
) -> tuple[list[float], list[float], list[float]]:
    """Milliseconds of `rank` (top 10), of `rank` for the person with no location, and of
    their limit: each person's runs alternate between the three after one warm-up each, so a
    ratio compares work timed under the same load (the machine may be shared)."""
    timings: tuple[list[float], list[float], list[float]] = ([], [], [])
    for person, unplaced in zip(people, _without_location(people), strict=True):
        steps: list[Callable[[], object]] = [
            functools.partial(matcher.rank, person, top=TOP, at=at),
            functools.partial(matcher.rank, unplaced, top=TOP, at=at),
            brute_force_limit(matcher, person),
        ]
        for step in steps:
            step()  # warm-up
        for _ in range(runs):
            for out, step in zip(timings, steps, strict=True):
                t0 = time.perf_counter()
                step()
                out.append((time.perf_counter() - t0) * 1000)
    return timings


def latency(
    sizes: Sequence[int],
    evaluation: EvaluationSet,
    *,
    repeat: int,
    encode_limit: int,
    people: int | None = None,
) -> list[dict[str, Any]]:
    encoder = get_encoder()
    chosen = evaluation.people[:people] if people else evaluation.people
    results: list[dict[str, Any]] = []
    per_service_encode: float | None = None
    for size in sizes:
        started = time.perf_counter()
        services = list(scaled_services(size))
        generate_seconds = time.perf_counter() - started
        estimated = False
        use: Any = encoder
        encode_seconds = 0.0
        if encoder is not None and size > encode_limit:
            by_name = {e.name: e for e in ENTRIES}
            base_text_of = {}
            for s in services:
                entry_name = s.name.split(" ", 1)[1]
                base = by_name[entry_name]
                base_text_of[s.text] = s.text.replace(s.name, base.name, 1).replace(
                    f" Meets in {s.name.split(' ', 1)[0]}.", ""
                )
            use = _ReusingEncoder(encoder, base_text_of)
            estimated = per_service_encode is not None
        started = time.perf_counter()
        matcher = Matcher(services, encoder=use)
        build_seconds = time.perf_counter() - started
        if encoder is not None and size <= encode_limit:
            # The encoder's share of the build, for extrapolating to bigger directories.
            t0 = time.perf_counter()
            encoder.encode([s.text for s in services])
            per_service_encode = (time.perf_counter() - t0) / size
        if estimated and per_service_encode is not None:
            encode_seconds = per_service_encode * size
        runs = repeat if size <= 20_000 else 2
        # What each person said encoded inside `rank` (a Matcher that was never prepared) ...
        cold: list[float] = []
        for person in chosen:
            matcher.forget()
            matcher.rank(person, top=TOP, at=evaluation.at)  # warm-up
            for _ in range(runs):
                matcher.forget()
                t0 = time.perf_counter()
                matcher.rank(person, top=TOP, at=evaluation.at)
                cold.append((time.perf_counter() - t0) * 1000)
        # ... and encoded beforehand, as when the profile is saved (`Matcher.prepare`).
        # With them, the same people with no postcode or coordinates (nothing is out of reach,
        # so every active service their other constraints allow is a candidate), and the limit.
        matcher.prepare(chosen)
        timings, unplaced, limit = _alternating(matcher, chosen, runs, evaluation.at)
        p50, p95 = _percentiles(timings)
        unplaced50, unplaced95 = _percentiles(unplaced)
        limit50, limit95 = _percentiles(limit)
        cold50, cold95 = _percentiles(cold)
        results.append(
            {
                "services": size,
                "generate_seconds": generate_seconds,
                "build_seconds": build_seconds + encode_seconds,
                "estimated": estimated,
                "p50": p50,
                "p95": p95,
                "cold_p50": cold50,
                "cold_p95": cold95,
                "unplaced_p50": unplaced50,
                "unplaced_p95": unplaced95,
                "limit_p50": limit50,
                "limit_p95": limit95,
                "queries": len(timings),
                "encoder": use.name if use is not None else "none",
            }
        )
        print(
            f"   {size:>7,} services: build {results[-1]['build_seconds']:.1f} s"
            f"{' (est.)' if estimated else ''}, p50/p95 {p50:.1f}/{p95:.1f} ms "
            f"(limit {limit50:.1f}/{limit95:.1f} ms, {p95 / limit95:.2f}x at p95; "
            f"encoding inside rank {cold50:.1f}/{cold95:.1f} ms); no location "
            f"{unplaced50:.1f}/{unplaced95:.1f} ms ({unplaced95 / limit95:.2f}x at p95)",
            flush=True,
        )
        del matcher
    return results


# --- encoder throughput ---------------------------------------------------------------------


def encoder_throughput(
    texts: Sequence[str], people: Sequence[Sequence[str]] = (), *, repeat: int = 3
) -> dict[str, Any]:
    """Texts a second (best of `repeat`): the product's encoder (onnxruntime, one thread), its NumPy
    reference (`Encoder(path, backend="numpy")`), the reference's matrix products alone (its
    bound: what BLAS does with these shapes), and `onnx_encoder.compare` of the two in the
    same process (equivalence, rates on 1 thread and the defaults, what one of `people`
    said)."""
    encoder = get_encoder()
    path = model_path()
    if encoder is None or path is None:
        return {"skipped": "the model is not installed"}
    reference = Encoder(path, backend="numpy")
    out: dict[str, Any] = {"texts": len(texts)}
    for key, enc in (("encoder", encoder), ("numpy", reference)):
        enc.encode(list(texts[:32]))  # warm-up
        seconds = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            enc.encode(list(texts))
            seconds.append(time.perf_counter() - t0)
        out[key] = len(texts) / min(seconds)
    out["matmul"] = _matmul_bound(reference, texts)
    out["onnx"] = onnx_encoder.compare(
        reference, encoder, texts, list(people) or [[t] for t in texts[:5]], repeat=repeat
    )
    out["onnx_summary"] = onnx_encoder.summary(out["onnx"])
    return out


def _matmul_bound(reference: Any, texts: Sequence[str]) -> float:
    """Texts a second if the NumPy reference did nothing but its linear layers' products, on
    the same batches (same word-piece counts, same padding)."""
    lengths = sorted(len(e.ids) for e in reference._counter.encode_batch(list(texts)))
    t0 = time.perf_counter()
    for start in range(0, len(lengths), reference.batch_size):
        batch = lengths[start : start + reference.batch_size]
        x = np.ones((len(batch) * batch[-1], reference.hidden), dtype=np.float32)
        for layer in reference.weights.layers:
            x @ layer.qkv_w
            x @ layer.out_w
            (x @ layer.inter_w) @ layer.ffn_w
    return len(texts) / (time.perf_counter() - t0)


# --- rebuild after a small change -----------------------------------------------------------


class _CountingEncoder:
    """Wraps an encoder; counts what it encodes. A new wrapper per build: the engine's
    in-process cache is per encoder, so only the store can spare the work (as in a new process)."""

    def __init__(self, inner: Any, name: str) -> None:
        self.inner = inner
        self.name = name
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        return np.asarray(self.inner.encode(texts))


def rebuild(size: int, *, changed_share: float = 0.01) -> dict[str, Any] | None:
    """Build a `size` directory with its vectors in a FileVectorStore, change `changed_share`
    of the listings, and time the rebuild: only the changed listings meet the (real) encoder."""
    import tempfile

    from linkwell.matching.vectors import FileVectorStore, model_key

    encoder = get_encoder()
    if encoder is None:
        return None
    services = list(scaled_services(size))
    by_name = {e.name: e for e in ENTRIES}
    base_text_of = {
        s.text: s.text.replace(s.name, by_name[s.name.split(" ", 1)[1]].name, 1).replace(
            f" Meets in {s.name.split(' ', 1)[0]}.", ""
        )
        for s in services
    }
    reusing = _ReusingEncoder(encoder, base_text_of)
    with tempfile.TemporaryDirectory() as tmp:
        store = FileVectorStore(tmp)
        name = model_key(encoder)
        first = _CountingEncoder(reusing, name)
        t0 = time.perf_counter()
        Matcher(services, encoder=first, vectors=store)
        first_seconds = time.perf_counter() - t0
        step = round(1 / changed_share)
        changed = [
            dataclasses.replace(s, description=s.description + " Now also on Saturday mornings.")
            if i % step == 0
            else s
            for i, s in enumerate(services)
        ]
        again = _CountingEncoder(encoder, name)  # the real encoder for what changed
        t0 = time.perf_counter()
        Matcher(changed, encoder=again, vectors=store)
        rebuild_seconds = time.perf_counter() - t0
        same = _CountingEncoder(encoder, name)
        t0 = time.perf_counter()
        Matcher(changed, encoder=same, vectors=store)
        index_seconds = time.perf_counter() - t0
        store_mb = store.path.stat().st_size / 1e6
    result = {
        "services": size,
        "changed": sum(1 for i in range(size) if i % step == 0),
        "first_seconds": first_seconds,
        "rebuild_seconds": rebuild_seconds,
        "rebuild_encoded": again.encoded,
        "index_seconds": index_seconds,
        "index_encoded": same.encoded,
        "store_mb": store_mb,
    }
    print(
        f"   {size:,} services, {result['changed']:,} changed: rebuild {rebuild_seconds:.1f} s "
        f"({again.encoded:,} encoded) vs {index_seconds:.1f} s with every vector stored "
        f"({same.encoded} encoded); first build into the store {first_seconds:.1f} s "
        f"(vectors reused from the catalogue); store {store_mb:.0f} MB",
        flush=True,
    )
    return result


# --- report --------------------------------------------------------------------------------


def render(
    q: dict[str, Any],
    lat: list[dict[str, Any]],
    info: dict[str, str],
    enc: dict[str, Any] | None = None,
    rebuilt: dict[str, Any] | None = None,
) -> str:
    base = dict(q["rows"])["Full engine"]
    lines = [
        MARK_START,
        "## Matching (`benchmarks/matching.py`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, "
        f"Python {info['python']}, NumPy {info['numpy']} ({info['os']}); load average "
        f"{info.get('load', '?')} at the start — the machine was shared with other work, so "
        "compare each figure with its limit measured in the same run.",
        "",
        f"Quality on the labelled set (`linkwell/matching/evaluation/`: {q['services']} services, "
        f"{q['people']} people, {q['judged']} graded judgments), top {TOP} at the set's evaluation "
        f"time, averaged over the people; relevant = grade 2 or 3. Semantic encoder: "
        f"{'all-MiniLM-L6-v2 (NumPy)' if q['encoder'] else 'not installed'}. Build of the "
        f"{q['services']}-service index, embeddings included: {q['build_seconds']:.1f} s.",
        "",
        "| Ranking | nDCG@5 | Precision@5 | Recall@10 | nDCG@5 vs full |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, m in q["rows"]:
        delta = m["ndcg5"] - base["ndcg5"]
        lines.append(
            f"| {name} | {m['ndcg5']:.3f} | {m['p5']:.3f} | {m['r10']:.3f} | "
            f"{'' if name == 'Full engine' else f'{delta:+.3f}'} |"
        )
    lines += [
        "",
        "Latency of `Matcher.rank` (top 10) per person over generated directories; every person "
        "of the set, each timed after one warm-up (a person's runs of *rank*, of *rank* with no "
        "location and of the limit alternate); milliseconds. *Rank* has what the person said "
        "encoded beforehand (as when the profile is saved: `Matcher.prepare`); *encoding inside* "
        "encodes it in `rank`. *Limit*: BM25 over the whole index for each thing they said + one "
        "float32 product with every service vector + the best 10 (`brute_force_limit`). Build = "
        "`Matcher(...)` once (indexes and service embeddings).",
        "",
        "| Services | Build (s) | Rank p50 / p95 | Limit p50 / p95 | p95 vs limit "
        "| Encoding inside p50 / p95 | Queries timed |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in lat:
        build = f"{r['build_seconds']:.1f}" + (" (est.)" if r["estimated"] else "")
        lines.append(
            f"| {r['services']:,} | {build} | {r['p50']:.1f} / {r['p95']:.1f} "
            f"| {r['limit_p50']:.1f} / {r['limit_p95']:.1f} | {r['p95'] / r['limit_p95']:.2f}x "
            f"| {r['cold_p50']:.1f} / {r['cold_p95']:.1f} | {r['queries']:,} |"
        )
    lines += [
        "",
        "The same people with their postcode and coordinates removed: nothing is out of reach, "
        "so every active service their other constraints allow is a candidate. Timed like *Rank* "
        "(what they said encoded beforehand), against the same limit (timed between them).",
        "",
        "| Services | No location: rank p50 / p95 | Limit p50 / p95 | p95 vs limit |",
        "|---:|---:|---:|---:|",
    ]
    for r in lat:
        lines.append(
            f"| {r['services']:,} | {r['unplaced_p50']:.1f} / {r['unplaced_p95']:.1f} "
            f"| {r['limit_p50']:.1f} / {r['limit_p95']:.1f} "
            f"| {r['unplaced_p95'] / r['limit_p95']:.2f}x |"
        )
    if any(r["estimated"] for r in lat):
        lines += [
            "",
            "(est.): service embeddings reused from the catalogue entry each generated service "
            "varies, and the encoding time extrapolated from the per-service rate measured at the "
            "largest fully encoded size; ranking work per query is unchanged.",
        ]
    if enc and "numpy" in enc:
        lines += [
            "",
            f"Encoder throughput on the labelled directory's {enc['texts']} texts (texts a "
            "second, batches of 32 by word-piece length): the encoder (onnxruntime, one "
            f"thread) **{enc['encoder']:.1f}/s**; its NumPy reference {enc['numpy']:.1f}/s, "
            f"whose matrix products alone run at {enc['matmul']:.1f}/s "
            f"({enc['numpy'] / enc['matmul']:.2f} of that bound); the two compared: "
            f"{enc['onnx_summary']}.",
        ]
    if rebuilt:
        lines += [
            "",
            f"Rebuild after a change: {rebuilt['services']:,} services with their vectors in a "
            f"`FileVectorStore` ({rebuilt['store_mb']:.0f} MB), {rebuilt['changed']:,} listings "
            f"(1%) edited: **{rebuilt['rebuild_seconds']:.1f} s** ({rebuilt['rebuild_encoded']:,} "
            f"texts encoded) against {rebuilt['index_seconds']:.1f} s for the same build with "
            f"every vector stored ({rebuilt['index_encoded']} encoded: the index build alone).",
        ]
    lines += ["", MARK_END]
    return "\n".join(lines)


def render_views(
    views: list[dict[str, Any]], agreement: dict[str, dict[str, float]], info: dict[str, str]
) -> str:
    """The quality section: one table per view (old set, council development, council held-out
    when measured), BM25 alongside, ablations where measured, the graders' agreement."""
    lines = [
        QUALITY_START,
        "### Matching quality on three views (`benchmarks/matching.py --quality-only`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {info['cpu']}, {info['cores']} cores, Python "
        f"{info['python']}; load average {info.get('load', '?')} — the machine was shared with "
        "other work (quality figures do not depend on load). Top "
        f"{TOP} at each set's evaluation time; nDCG@5 (gain 2^grade - 1), precision@5 and "
        "recall@10 with grade >= 2 relevant, averaged over the people who have at least one "
        "service graded 1 or more (the others have an ideal DCG of 0 and are left out; the count "
        "is given).",
        "",
    ]
    for q in views:
        base = dict(q["rows"])["Full engine"]
        bm25 = dict(q["rows"])["BM25 keyword baseline"]
        ratio = base["ndcg5"] / bm25["ndcg5"] if bm25["ndcg5"] else float("nan")
        lines += [
            f"**{q['name'][0].upper()}{q['name'][1:]}**: {q['services']} services, "
            f"{q['people']} people ({q['excluded']} left out: nothing graded relevant), "
            f"{q['judged']} graded pairs; weights: `{Path(q['weights']).name}`. "
            f"nDCG@5 {base['ndcg5']:.3f} = {ratio:.2f}x BM25.",
            "",
            "| Ranking | nDCG@5 | Precision@5 | Recall@10 | nDCG@5 vs full |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, m in q["rows"]:
            delta = m["ndcg5"] - base["ndcg5"]
            lines.append(
                f"| {name} | {m['ndcg5']:.3f} | {m['p5']:.3f} | {m['r10']:.3f} | "
                f"{'' if name == 'Full engine' else f'{delta:+.3f}'} |"
            )
        lines.append("")
    for part, a in agreement.items():
        lines.append(
            f"Graders' raw agreement on the council {part} people ({a['pairs']} pairs either "
            f"graded): exact {a['exact']:.0%}, within one grade {a['within_one']:.0%}, "
            f"quadratic-weighted kappa {a['weighted_kappa']:.3f}."
            + (
                " One grader's grades read as a ranking and scored against the other's grades "
                f"(nDCG@5, tied listings in every order): A against B {a['ranking A against B']:.3f}, "
                f"B against A {a['ranking B against A']:.3f} — about what a careful person "
                "reaches against another's judgement."
                if "ranking A against B" in a
                else ""
            )
        )
    lines += ["", QUALITY_END]
    return "\n".join(lines)


def run(
    *,
    sizes: Sequence[int],
    repeat: int,
    encode_limit: int,
    people: int | None = None,
    output: Path | None = None,
    rebuild_size: int | None = None,
    encoder_texts: int | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """`encoder_texts`: how many of the labelled listings the encoder's throughput is timed on
    (all of them by default; a smoke run times a few)."""
    info = machine()
    evaluation = load_evaluation_set()
    print("== quality on the labelled set ...", flush=True)
    q = quality(evaluation, people=people)
    for name, m in q["rows"]:
        print(f"   {name:<24} nDCG@5 {m['ndcg5']:.3f}  P@5 {m['p5']:.3f}  R@10 {m['r10']:.3f}")
    print("== latency ...", flush=True)
    lat = latency(sizes, evaluation, repeat=repeat, encode_limit=encode_limit, people=people)
    print("== encoder throughput ...", flush=True)
    said = onnx_encoder.person_words(evaluation.people)
    enc = encoder_throughput(
        [s.text for s in evaluation.services][:encoder_texts],
        said[:people] if people else said,
        repeat=repeat,
    )
    if "numpy" in enc:
        print(
            f"   encoder (onnxruntime) {enc['encoder']:.1f} texts/s; NumPy reference "
            f"{enc['numpy']:.1f}/s, matrix products alone {enc['matmul']:.1f}/s; "
            f"onnxruntime: {enc['onnx_summary']}",
            flush=True,
        )
    rebuilt = None
    if rebuild_size:
        print("== rebuild after a 1% change ...", flush=True)
        rebuilt = rebuild(rebuild_size)
    section = render(q, lat, info, enc, rebuilt)
    if output is not None:
        write_section(section, output)
    return q, lat, section


def run_quality(*, held_out: bool, output: Path | None, people: int | None = None) -> str:
    info = machine()
    views = [
        quality(load_evaluation_set(), people=people, ablations=False, name="old labelled set")
    ]
    views += council_views(held_out=held_out, people=people)
    for q in views:
        print(f"== {q['name']} ({q['people']} people, {q['excluded']} left out)", flush=True)
        for name, m in q["rows"]:
            print(f"   {name:<24} nDCG@5 {m['ndcg5']:.3f}  P@5 {m['p5']:.3f}  R@10 {m['r10']:.3f}")
    agreement = {
        "development": graders_agreement("development"),
        "more development": graders_agreement("more"),
        "second more development": graders_agreement("more_2"),
        "third more development": graders_agreement("more_3"),
    }
    if held_out:
        agreement["held-out"] = graders_agreement("held_out")
    for part, figures in agreement.items():
        figures.update(
            {
                f"ranking {who}": r["ndcg"]
                for who, r in graders_ranking(PART_OF_AGREEMENT[part]).items()
            }
        )
    section = render_views(views, agreement, info)
    if output is not None:
        write_section(section, output)
    return section


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--repeat", type=int, default=3, help="Timed runs per person (one above 20k services)."
    )
    parser.add_argument(
        "--encode-limit",
        type=int,
        default=10_000,
        help="Largest directory whose service embeddings are all computed (see above).",
    )
    parser.add_argument(
        "--rebuild-size",
        type=int,
        default=100_000,
        help="Directory size for the rebuild-after-a-1%%-change measurement (0: skip).",
    )
    parser.add_argument("--quick", action="store_true", help="Smoke run: 200 services, 5 people.")
    parser.add_argument(
        "--quality-only",
        action="store_true",
        help="Only the quality views (old set, council development, and with --held-out the "
        "council held-out part); writes their own section of BENCHMARKS.md.",
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="Also report the council set's held-out people: only for a final change.",
    )
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.quality_only:
        run_quality(held_out=args.held_out, output=None if args.no_write else args.output)
        return
    if args.quick:
        run(sizes=[200], repeat=1, encode_limit=100, people=5, rebuild_size=300, encoder_texts=64)
        return
    run(
        sizes=args.sizes,
        repeat=args.repeat,
        encode_limit=args.encode_limit,
        output=None if args.no_write else args.output,
        rebuild_size=args.rebuild_size or None,
    )


if __name__ == "__main__":
    main()
