"""The NumPy sentence encoder against onnxruntime on the same weights, in the same run.

    python benchmarks/onnx_encoder.py              # writes the BENCHMARKS.md section
    python benchmarks/onnx_encoder.py --no-write   # print only

Benchmark-only: needs `onnx` and `onnxruntime` (`pip install -r requirements-bench.txt`, in a
virtualenv of its own: `make benchmark-encoder`); without them it says so and measures nothing.

What it does:

- **export**: an ONNX graph (standard opset 18 operators, built with `onnx.helper`, no PyTorch)
  of all-MiniLM-L6-v2 from the arrays the NumPy encoder (`linkwell.matching.embedding.Encoder`)
  loaded from the model's safetensors file: word, position and token-type embeddings and their
  LayerNorm; 6 layers of self-attention (the encoder's fused query/key/value matrix, the query
  already scaled by 1/sqrt(head size), an additive mask over padded keys, softmax), LayerNorm,
  the feed-forward block with GELU through the exact `Erf`; mean pooling over the real tokens and
  L2 normalisation. Inputs: word-piece ids, attention mask, token type ids (int64, batch x
  length); output: (batch, 384) float32;
- **equivalence**: both encode the labelled directory's service texts; the largest absolute
  difference and the smallest cosine between the two vectors of each text are printed, and no
  rate is reported when the smallest cosine is below 0.9999;
- **throughput**: the same texts, the same tokenizer and ids, the same batches (32 texts sorted by
  word-piece length, padded per batch, tokenisation timed in both), best of `--repeat` runs each:
  the NumPy encoder with BLAS on its default threads and on one thread; onnxruntime with
  `intra_op_num_threads=1` and with its default (one per physical core), all graph optimisations
  on;
- **person-sized input**: what one person of the labelled set said (their interests, needs,
  conditions and what matters to them: the phrases `Matcher.rank` encodes, in one call) and one
  short phrase alone; milliseconds, best of `--repeat` per person, median over the people. The
  NumPy encoder uses one BLAS thread below 16 texts (`SINGLE_THREAD_BELOW`).

Rates are texts a second; ratios are NumPy / onnxruntime (above 1: NumPy is faster).
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from sections import publish  # noqa: E402

MARK_START = "<!-- encoder_onnx:start -->"
MARK_END = "<!-- encoder_onnx:end -->"
OPSET = 18  # LayerNormalization from 17 on; every Reduce* takes its axes as an input from 18
# The file format version opset 18 came with: newer onnx writes one onnxruntime may not read yet.
IR_VERSION = 8
MIN_COSINE = 0.9999
INSTALL = (
    "install with pip install -r requirements-bench.txt in a virtualenv of its own "
    "(make benchmark-encoder does)"
)


def missing() -> str | None:
    """Why onnxruntime cannot be measured here, or None when onnx and onnxruntime import."""
    absent = []
    for name in ("onnx", "onnxruntime"):
        try:
            __import__(name)
        except ImportError:
            absent.append(name)
    if not absent:
        return None
    return f"{' and '.join(absent)} not installed here; they are for benchmarks only: {INSTALL}"


# --- export ---------------------------------------------------------------------------------


def build_model(encoder: Any) -> Any:
    """The ONNX model of `encoder` (a loaded `embedding.Encoder`), from its own arrays."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []
    counter = iter(range(1_000_000))

    def name(hint: str) -> str:
        return f"{hint}_{next(counter)}"

    def const(array: Any, hint: str) -> str:
        key = name(hint)
        inits.append(numpy_helper.from_array(np.asarray(array), key))
        return key

    def op(kind: str, inputs: list[str], hint: str, **attrs: Any) -> str:
        out = name(hint)
        nodes.append(helper.make_node(kind, inputs, [out], name=out, **attrs))
        return out

    h, d, hidden, eps = encoder.heads, encoder.head_dim, encoder.hidden, encoder.eps

    def layer_norm(x: str, weight: Any, bias: Any, hint: str) -> str:
        return op(
            "LayerNormalization",
            [x, const(weight, f"{hint}_w"), const(bias, f"{hint}_b")],
            hint,
            axis=-1,
            epsilon=eps,
        )

    def linear(x: str, weight: Any, bias: Any, hint: str) -> str:
        # weight is (in, out) already: the encoder keeps transposed copies for x @ W.
        product = op("MatMul", [x, const(weight, f"{hint}_w")], f"{hint}_mm")
        return op("Add", [product, const(bias, f"{hint}_b")], hint)

    # Embeddings: word + position (0 .. length - 1) + token type, then LayerNorm.
    words = op("Gather", [const(encoder.word_emb, "word_emb"), "input_ids"], "words", axis=0)
    length = op(
        "Gather",
        [op("Shape", ["input_ids"], "shape"), const(np.array(1, dtype=np.int64), "one_i")],
        "length",
        axis=0,
    )
    positions = op(
        "Range",
        [const(np.array(0, dtype=np.int64), "zero_i"), length, const(np.array(1, np.int64), "st")],
        "positions",
    )
    pos = op("Gather", [const(encoder.pos_emb, "pos_emb"), positions], "pos", axis=0)
    types = op("Gather", [const(encoder.type_emb, "type_emb"), "token_type_ids"], "types", axis=0)
    x = op("Add", [op("Add", [words, pos], "wp"), types], "emb")
    x = layer_norm(x, encoder.emb_ln_w, encoder.emb_ln_b, "emb_ln")

    # Additive mask over keys: 0 for real tokens, -1e30 for padding; (batch, 1, 1, length).
    mask = op("Cast", ["attention_mask"], "mask", to=TensorProto.FLOAT)
    bias = op(
        "Mul",
        [op("Sub", [const(np.float32(1.0), "one"), mask], "pad"), const(np.float32(-1e30), "neg")],
        "bias",
    )
    bias = op("Unsqueeze", [bias, const(np.array([1, 2], dtype=np.int64), "ax12")], "bias4")
    split_shape = const(np.array([0, 0, 3, h, d], dtype=np.int64), "qkv_shape")
    merge_shape = const(np.array([0, 0, hidden], dtype=np.int64), "ctx_shape")
    half = const(np.float32(0.5), "half")
    one = const(np.float32(1.0), "one_f")
    inv_sqrt2 = const(np.float32(1.0 / np.sqrt(2.0)), "inv_sqrt2")

    for i, layer in enumerate(encoder.layers):
        p = f"l{i}"
        qkv = linear(x, layer.qkv_w, layer.qkv_b, f"{p}_qkv")  # (b, l, 3 * hidden)
        qkv = op("Reshape", [qkv, split_shape], f"{p}_qkv5")  # (b, l, 3, h, d)
        parts = [
            op("Gather", [qkv, const(np.array(j, dtype=np.int64), f"{p}_i{j}")], f"{p}_{n}", axis=2)
            for j, n in enumerate("qkv")
        ]  # each (b, l, h, d)
        q = op("Transpose", [parts[0]], f"{p}_q", perm=[0, 2, 1, 3])  # (b, h, l, d)
        k = op("Transpose", [parts[1]], f"{p}_kt", perm=[0, 2, 3, 1])  # (b, h, d, l)
        v = op("Transpose", [parts[2]], f"{p}_v", perm=[0, 2, 1, 3])  # (b, h, l, d)
        scores = op("Add", [op("MatMul", [q, k], f"{p}_qk"), bias], f"{p}_scores")
        probs = op("Softmax", [scores], f"{p}_probs", axis=-1)
        context = op("MatMul", [probs, v], f"{p}_ctx")
        context = op("Transpose", [context], f"{p}_ctx_t", perm=[0, 2, 1, 3])
        context = op("Reshape", [context, merge_shape], f"{p}_ctx_m")
        attn = linear(context, layer.out_w, layer.out_b, f"{p}_out")
        x = layer_norm(op("Add", [attn, x], f"{p}_res1"), layer.ln1_w, layer.ln1_b, f"{p}_ln1")
        inter = linear(x, layer.inter_w, layer.inter_b, f"{p}_inter")
        # GELU, exact: 0.5 * x * (1 + erf(x / sqrt(2))).
        erf = op("Erf", [op("Mul", [inter, inv_sqrt2], f"{p}_z")], f"{p}_erf")
        gate = op("Mul", [op("Add", [erf, one], f"{p}_1erf"), half], f"{p}_gate")
        inter = op("Mul", [inter, gate], f"{p}_gelu")
        ffn = linear(inter, layer.ffn_w, layer.ffn_b, f"{p}_ffn")
        x = layer_norm(op("Add", [ffn, x], f"{p}_res2"), layer.ln2_w, layer.ln2_b, f"{p}_ln2")

    # Mean over the real tokens, then L2 normalisation (clamped as the NumPy encoder does).
    axis1 = const(np.array([1], dtype=np.int64), "ax1")
    weights = op("Unsqueeze", [mask, const(np.array([2], dtype=np.int64), "ax2")], "mask3")
    summed = op("ReduceSum", [op("Mul", [x, weights], "masked"), axis1], "summed", keepdims=0)
    counts = op("ReduceSum", [mask, axis1], "counts", keepdims=1)
    counts = op("Max", [counts, const(np.float32(1e-9), "tiny")], "counts_c")
    pooled = op("Div", [summed, counts], "pooled")
    norms = op("ReduceL2", [pooled, axis1], "norms", keepdims=1)
    norms = op("Max", [norms, const(np.float32(1e-12), "tinier")], "norms_c")
    nodes.append(helper.make_node("Div", [pooled, norms], ["embeddings"], name="embeddings"))

    ints = [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "length"])
        for n in ("input_ids", "attention_mask", "token_type_ids")
    ]
    output = helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", hidden])
    graph = helper.make_graph(nodes, "all_minilm_l6_v2", ints, [output], initializer=inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="linkwell-benchmarks"
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


class OnnxEncoder:
    """`encode(texts)` like the NumPy encoder's: its tokenizer, its batches, an ORT session."""

    def __init__(self, encoder: Any, model_bytes: bytes, *, threads: int | None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads is not None:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            model_bytes, options, providers=["CPUExecutionProvider"]
        )
        self.encoder = encoder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        enc = self.encoder
        out = np.zeros((len(texts), enc.dimension), dtype=np.float32)
        # The same order and batches as `Encoder._encode_into`.
        lengths = [len(e.ids) for e in enc._counter.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda i: (lengths[i], i))
        for start in range(0, len(texts), enc.batch_size):
            idx = order[start : start + enc.batch_size]
            encodings = enc._tokenizer.encode_batch([texts[i] for i in idx])
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            out[idx] = self.session.run(["embeddings"], feed)[0]
        return out


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
    encoder: Any,
    texts: Sequence[str],
    people: Sequence[Sequence[str]],
    *,
    repeat: int = 3,
) -> dict[str, Any]:
    """Equivalence, throughput and person-sized latency of the NumPy encoder and onnxruntime.
    Without onnx/onnxruntime: {"note": why}. If the vectors disagree: no rates, a note."""
    from linkwell.matching.embedding import blas_threads

    why = missing()
    if why is not None:
        return {"note": why}
    import onnxruntime as ort

    t0 = time.perf_counter()
    model_bytes = build_model(encoder).SerializeToString()
    export_seconds = time.perf_counter() - t0
    sessions = {
        "ort_1": OnnxEncoder(encoder, model_bytes, threads=1),
        "ort_default": OnnxEncoder(encoder, model_bytes, threads=None),
    }
    ours = encoder.encode(list(texts))
    theirs = sessions["ort_default"].encode(list(texts))
    cosines = np.sum(ours * theirs, axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1)
    )
    out: dict[str, Any] = {
        "texts": len(texts),
        "max_abs": float(np.max(np.abs(ours - theirs))),
        "min_cosine": float(np.min(cosines)),
        "onnxruntime_version": ort.__version__,
        "model_mb": len(model_bytes) / 1e6,
        "export_seconds": export_seconds,
        "people": len(people),
        "said": statistics.median(len(p) for p in people),
        "repeat": repeat,
        "kernels": blas_kernels(),
    }
    if out["min_cosine"] < MIN_COSINE:
        out["note"] = (
            f"ONNX and NumPy vectors disagree (smallest cosine {out['min_cosine']:.6f} < "
            f"{MIN_COSINE}): no rate reported"
        )
        return out

    def numpy_one_thread(batch: Sequence[str]) -> Any:
        with blas_threads(1):
            return encoder.encode(batch)

    # Interleaved, so a change in the machine's load falls on every column alike.
    runs: dict[str, Callable[[Sequence[str]], Any]] = {
        "numpy": encoder.encode,
        "numpy_1": numpy_one_thread,
        "ort_1": sessions["ort_1"].encode,
        "ort_default": sessions["ort_default"].encode,
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
        "### Sentence encoder against onnxruntime (`benchmarks/onnx_encoder.py`)",
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
            f"cosine between the NumPy and ONNX vectors of a text **{first['min_cosine']:.7f}**, "
            f"largest absolute difference {first['max_abs']:.1e} (a rate is reported only above "
            f"a cosine of {MIN_COSINE}). ONNX graph built from the NumPy encoder's own arrays "
            f"(opset {OPSET}, {first['model_mb']:.0f} MB) in {first['export_seconds']:.1f} s.",
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
        "| OpenBLAS kernels | Threads | NumPy encoder | onnxruntime | NumPy / onnxruntime |",
        "|---|---|---:|---:|---:|",
    ]
    for r in measured:
        label = _kernels_label(r)
        lines += [
            f"| {label} | 1 | {r['numpy_1']:.1f} | {r['ort_1']:.1f} "
            f"| **{r['numpy_1'] / r['ort_1']:.2f}x** |",
            f"| {label} | default (BLAS's; onnxruntime's: one per core) | {r['numpy']:.1f} "
            f"| {r['ort_default']:.1f} | **{r['numpy'] / r['ort_default']:.2f}x** |",
        ]
    lines += [
        "",
        f"Person-sized input ({first['people']} people of the labelled set; median "
        f"{first['said']:g} phrases each), milliseconds, best of {first['repeat']} per person, "
        "median over the people (the NumPy encoder uses one BLAS thread below 16 texts):",
        "",
        "| OpenBLAS kernels | Input | NumPy encoder | onnxruntime, 1 thread "
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
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "load": " / ".join(f"{v:.1f}" for v in os.getloadavg()),
    }


def measure(repeat: int) -> dict[str, Any]:
    """`compare` on the labelled set, in this process."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()  # the labelled set's directory reader uses the directory's models
    from linkwell.matching.embedding import get_encoder
    from linkwell.matching.evaluation import load_evaluation_set

    encoder = get_encoder()
    if encoder is None:
        return {"note": "the sentence-embedding model is not installed", "kernels": blas_kernels()}
    evaluation = load_evaluation_set()
    return compare(
        encoder,
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
