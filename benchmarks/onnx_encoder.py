"""The product's sentence encoder (onnxruntime) against its NumPy reference, in the same run.

    python benchmarks/onnx_encoder.py              # writes the BENCHMARKS.md section
    python benchmarks/onnx_encoder.py --no-write   # print only

`linkwell.matching.embedding.Encoder` runs on onnxruntime (`get_encoder()`, one thread), from
an ONNX graph `linkwell.matching.onnx_graph.build_model` builds in memory from the model's own
arrays; `Encoder(path, backend="numpy")` runs the NumPy forward pass over the same arrays, the
reference (docs/decisions/0009-onnxruntime-encoder.md). onnx and onnxruntime are Linkwell
dependencies: the main virtualenv has them (`make benchmark-encoder`).

What it does:

- **graph**: how long building and serialising the graph takes, and its size;
- **equivalence**: both encode the labelled directory's service texts; the largest absolute
  difference and the smallest cosine between the two vectors of each text are printed, and no
  rate is reported when the smallest cosine is below 0.9999;
- **throughput**: the same texts, the same tokenizer and ids, the same batches (32 texts sorted by
  word-piece length, padded per batch, tokenisation timed in both), best of `--repeat` runs each:
  the NumPy reference with BLAS on its default threads and on one thread; onnxruntime on one
  thread (the product's `get_encoder()`) and on its default threads (one per physical core:
  `Encoder(path, threads=None)`), all graph optimisations on;
- **person-sized input**: what one person of the labelled set said (their interests, needs,
  conditions and what matters to them: the phrases `Matcher.rank` encodes, in one call) and one
  short phrase alone; milliseconds, best of `--repeat` per person, median over the people. The
  NumPy reference uses one BLAS thread below 16 texts (`SINGLE_THREAD_BELOW`).

Rates are texts a second; ratios are NumPy / onnxruntime (above 1: NumPy is faster).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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
import directory_search as shared  # noqa: E402  (machine info)
from sections import publish  # noqa: E402

from linkwell.matching import embedding, onnx_graph  # noqa: E402

MARK_START = "<!-- encoder_onnx:start -->"
MARK_END = "<!-- encoder_onnx:end -->"
MIN_COSINE = 0.9999


def missing() -> str | None:
    """Why onnxruntime cannot be measured here, or None when onnx and onnxruntime import."""
    why = embedding.runtime_missing()
    if why is None:
        return None
    return f"{why}; {embedding.RUNTIME_HINT}"


# --- measuring ------------------------------------------------------------------------------


def _timed(encode: Callable[[Sequence[str]], Any], texts: Sequence[str]) -> float:
    t0 = time.perf_counter()
    encode(list(texts))
    return time.perf_counter() - t0


def person_latency(
    encode: Callable[[Sequence[str]], Any], inputs: Sequence[Sequence[str]], repeat: int
) -> float:
    """Milliseconds: best of `repeat` encodings of each input, median over the inputs."""
    encode(list(inputs[0]))
    return 1000 * statistics.median(
        min(_timed(encode, words) for _ in range(repeat)) for words in inputs
    )


def compare(
    reference: Any,
    product: Any,
    texts: Sequence[str],
    people: Sequence[Sequence[str]],
    *,
    repeat: int = 3,
) -> dict[str, Any]:
    """Equivalence, throughput and person-sized latency of the NumPy reference (`reference`, an
    `Encoder(path, backend="numpy")`) and the product's encoder on onnxruntime (`product`, one
    thread; a second one on onnxruntime's default threads is made here). Without onnx and
    onnxruntime: {"note": why}. If the vectors disagree: no rates, a note."""
    from linkwell.matching.embedding import Encoder, blas_threads

    why = missing()
    if why is not None:
        return {"note": why}
    import onnxruntime as ort

    t0 = time.perf_counter()
    model_bytes = onnx_graph.build_model(reference.weights).SerializeToString()
    export_seconds = time.perf_counter() - t0
    model_mb = len(model_bytes) / 1e6
    del model_bytes
    path = embedding.model_path()
    t0 = time.perf_counter()
    default_threads = Encoder(path, threads=None) if path is not None else product
    load_seconds = time.perf_counter() - t0
    ours = reference.encode(list(texts))
    theirs = product.encode(list(texts))
    cosines = np.sum(ours * theirs, axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1)
    )
    out: dict[str, Any] = {
        "texts": len(texts),
        "max_abs": float(np.max(np.abs(ours - theirs))),
        "min_cosine": float(np.min(cosines)),
        "onnxruntime_version": ort.__version__,
        "model_mb": model_mb,
        "export_seconds": export_seconds,
        "load_seconds": load_seconds,
        "people": len(people),
        "said": statistics.median(len(p) for p in people),
        "repeat": repeat,
        "kernels": blas_kernels(),
    }
    if out["min_cosine"] < MIN_COSINE:
        out["note"] = (
            f"onnxruntime and NumPy vectors disagree (smallest cosine {out['min_cosine']:.6f} < "
            f"{MIN_COSINE}): no rate reported"
        )
        return out

    def numpy_one_thread(batch: Sequence[str]) -> Any:
        with blas_threads(1):
            return reference.encode(batch)

    # Interleaved, so a change in the machine's load falls on every column alike.
    runs: dict[str, Callable[[Sequence[str]], Any]] = {
        "numpy": reference.encode,
        "numpy_1": numpy_one_thread,
        "ort_1": product.encode,
        "ort_default": default_threads.encode,
    }
    for encode in runs.values():
        encode(list(texts[:32]))  # warm-up
    seconds: dict[str, float] = {}
    for _ in range(repeat):
        for key, encode in runs.items():
            seconds[key] = min(seconds.get(key, float("inf")), _timed(encode, texts))
    out.update({key: len(texts) / s for key, s in seconds.items()})
    shortest = [[min(words, key=len)] for words in people]
    for key in ("numpy", "ort_1", "ort_default"):
        out[f"{key}_person_ms"] = person_latency(runs[key], people, repeat)
        out[f"{key}_phrase_ms"] = person_latency(runs[key], shortest, repeat)
    return out


def blas_kernels() -> str:
    """Which kernels NumPy's OpenBLAS runs here (threadpoolctl's "architecture"), e.g. Haswell."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    found = [i.get("architecture", "?") for i in threadpool_info() if i["user_api"] == "blas"]
    return ", ".join(found) or "unknown"


def summary(r: dict[str, Any]) -> str:
    """One line for the matching section and the console."""
    if "numpy" not in r or "ort_1" not in r:
        return f"not measured: {r['note']}"
    return (
        f"{r['ort_1']:.1f}/s on 1 thread, {r['ort_default']:.1f}/s on its default threads "
        f"(NumPy / onnxruntime {r['numpy_1'] / r['ort_1']:.2f}x on 1 thread, "
        f"{r['numpy'] / r['ort_default']:.2f}x on the defaults; vectors agree to a cosine of "
        f"{r['min_cosine']:.7f}, largest difference {r['max_abs']:.1e}; "
        "`benchmarks/onnx_encoder.py`)"
    )


def person_words(people: Sequence[Any]) -> list[list[str]]:
    """What each person said that `rank` encodes: interests, needs, conditions, what matters."""
    words = [
        [*p.interests, *p.needs, *p.conditions, *([p.what_matters] if p.what_matters else [])]
        for p in people
    ]
    return [w for w in words if w]


# --- report ---------------------------------------------------------------------------------


def _kernels_label(r: dict[str, Any]) -> str:
    how = f"`OPENBLAS_CORETYPE={r['coretype']}`" if r.get("coretype") else "as installed"
    return f"{r.get('kernels', '?')} ({how})"


def render(runs: list[dict[str, Any]], info: dict[str, str]) -> str:
    """The section: equivalence, then throughput and person-sized latency for each run (the
    first in this process, then one child process per `--coretype`)."""
    first = runs[0]
    lines = [
        MARK_START,
        "### Sentence encoder: onnxruntime (the product's) against the NumPy reference "
        "(`benchmarks/onnx_encoder.py`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {info['cpu']}, {info['cores']} cores, Python "
        f"{info['python']}, NumPy {info['numpy']}, onnxruntime "
        f"{first.get('onnxruntime_version', '-')}; load average {info['load']} at the start — "
        "the machine was shared with other work: compare the ratios, each measured in one "
        "process with its runs interleaved.",
        "",
    ]
    if "min_cosine" in first:
        lines += [
            f"Equivalence on the labelled directory's {first['texts']} service texts: smallest "
            f"cosine between the NumPy and onnxruntime vectors of a text "
            f"**{first['min_cosine']:.7f}**, largest absolute difference {first['max_abs']:.1e} "
            f"(a rate is reported only above a cosine of {MIN_COSINE}). ONNX graph "
            f"(`linkwell/matching/onnx_graph.py`, opset {onnx_graph.OPSET}, "
            f"{first['model_mb']:.0f} MB) built from the model's arrays in "
            f"{first['export_seconds']:.1f} s; a whole encoder on onnxruntime (weights read, "
            f"graph built, session made) loaded in {first['load_seconds']:.1f} s.",
            "",
        ]
    measured = [r for r in runs if "ort_1" in r]
    for r in runs:
        if "ort_1" not in r:
            lines += [f"{_kernels_label(r)}: onnxruntime not measured: {r['note']}.", ""]
    if not measured:
        lines.append(MARK_END)
        return "\n".join(lines)
    lines += [
        f"Throughput on those texts (texts a second, best of {first['repeat']}; batches of 32 "
        "by word-piece length, the same tokenizer and ids, tokenisation included). *OpenBLAS "
        "kernels*: the ones NumPy's OpenBLAS picked for this CPU (threadpoolctl), in this "
        "process or in a child process told otherwise by `OPENBLAS_CORETYPE` (`--coretype`); "
        "onnxruntime is measured again in each process:",
        "",
        "| OpenBLAS kernels | Threads | NumPy reference | onnxruntime | NumPy / onnxruntime |",
        "|---|---|---:|---:|---:|",
    ]
    for r in measured:
        label = _kernels_label(r)
        lines += [
            f"| {label} | 1 (the product's encoder) | {r['numpy_1']:.1f} | {r['ort_1']:.1f} "
            f"| **{r['numpy_1'] / r['ort_1']:.2f}x** |",
            f"| {label} | default (BLAS's; onnxruntime's: one per core) | {r['numpy']:.1f} "
            f"| {r['ort_default']:.1f} | **{r['numpy'] / r['ort_default']:.2f}x** |",
        ]
    lines += [
        "",
        f"Person-sized input ({first['people']} people of the labelled set; median "
        f"{first['said']:g} phrases each), milliseconds, best of {first['repeat']} per person, "
        "median over the people (the NumPy reference uses one BLAS thread below 16 texts):",
        "",
        "| OpenBLAS kernels | Input | NumPy reference | onnxruntime, 1 thread (product) "
        "| onnxruntime, default |",
        "|---|---|---:|---:|---:|",
    ]
    for r in measured:
        label = _kernels_label(r)
        lines += [
            f"| {label} | what one person said, one call | {r['numpy_person_ms']:.1f} "
            f"| {r['ort_1_person_ms']:.1f} | {r['ort_default_person_ms']:.1f} |",
            f"| {label} | their shortest phrase alone | {r['numpy_phrase_ms']:.1f} "
            f"| {r['ort_1_phrase_ms']:.1f} | {r['ort_default_phrase_ms']:.1f} |",
        ]
    lines += ["", MARK_END]
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """The machine as the other benchmarks describe it, with NumPy's version and the load."""
    return {
        **shared.machine(),
        "numpy": np.__version__,
        "load": " / ".join(f"{v:.1f}" for v in os.getloadavg()),
    }


def measure(repeat: int) -> dict[str, Any]:
    """`compare` on the labelled set, in this process."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()  # the labelled set's directory reader uses the directory's models
    from linkwell.matching.embedding import Encoder, get_encoder
    from linkwell.matching.evaluation import load_evaluation_set

    path = embedding.model_path()
    if path is None:
        return {"note": "the sentence-embedding model is not installed", "kernels": blas_kernels()}
    product = get_encoder()
    evaluation = load_evaluation_set()
    return compare(
        Encoder(path, backend="numpy"),
        product,
        [s.text for s in evaluation.services],
        person_words(evaluation.people),
        repeat=repeat,
    )


AVX512 = {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}  # what SkylakeX kernels use
AVX512_KERNELS = {"SkylakeX", "Cooperlake", "SapphireRapids"}


def default_coretypes(kernels: str) -> list[str]:
    """["SkylakeX"] when this CPU has AVX-512 but OpenBLAS runs other kernels on it (as with a
    CPU newer than the bundled OpenBLAS knows), else nothing."""
    try:
        flags = next(
            set(line.split(":", 1)[1].split())
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("flags")
        )
    except (OSError, StopIteration):
        return []
    if flags >= AVX512 and kernels != "unknown" and kernels not in AVX512_KERNELS:
        return ["SkylakeX"]
    return []


def in_child(coretype: str, repeat: int) -> dict[str, Any]:
    """`measure` in a new process whose OpenBLAS is told to use `coretype`'s kernels (read
    when the library loads, so it cannot be switched inside this one)."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        subprocess.run(
            [sys.executable, __file__, "--repeat", str(repeat), "--child-json", str(out)],
            env={**os.environ, "OPENBLAS_CORETYPE": coretype},
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["coretype"] = coretype
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="Runs per figure; the best counts.")
    parser.add_argument(
        "--coretype",
        action="append",
        help="Also measure in a child process with OPENBLAS_CORETYPE set to this; 'none' for "
        "no child. Default: SkylakeX when the CPU has AVX-512 and OpenBLAS picked other kernels.",
    )
    parser.add_argument("--no-write", action="store_true", help="Print; leave BENCHMARKS.md.")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--child-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    why = missing()
    if why is not None:
        print(f"onnxruntime not measured: {why}", file=sys.stderr)
        return 2
    if args.child_json is not None:
        import json

        args.child_json.write_text(json.dumps(measure(args.repeat)), encoding="utf-8")
        return 0
    info = machine()
    runs = [measure(args.repeat)]
    print(f"{_kernels_label(runs[0])}: onnxruntime {summary(runs[0])}", flush=True)
    coretypes = args.coretype or default_coretypes(runs[0].get("kernels", "unknown"))
    for coretype in (c for c in coretypes if c.lower() != "none"):
        runs.append(in_child(coretype, args.repeat))
        print(f"{_kernels_label(runs[-1])}: onnxruntime {summary(runs[-1])}", flush=True)
    ok = "ort_1" in runs[0]
    publish(render(runs, info), args.output, write=not args.no_write and ok)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
