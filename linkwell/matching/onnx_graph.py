"""The sentence encoder as an ONNX graph, for onnxruntime to run (`embedding.Encoder`).

`build_model(weights)` writes all-MiniLM-L6-v2 out as a graph of standard ONNX operators
(opset 18, built with `onnx.helper`; no PyTorch, no file, no download) from the very arrays the
NumPy forward pass uses (`embedding.ModelWeights`), so both compute the same function:

- word, position (0 .. length - 1) and token-type embeddings, summed, then LayerNorm;
- 6 layers of self-attention: the fused query/key/value matrix with the query already scaled by
  1/sqrt(head size), an additive mask over padded keys, softmax; residual and LayerNorm; the
  feed-forward block with GELU through the exact `Erf` (the NumPy pass uses a rational erf
  within 2e-7 of it); residual and LayerNorm;
- mean pooling over the real tokens and L2 normalisation, clamped as the NumPy pass clamps.

Inputs: `input_ids`, `attention_mask`, `token_type_ids` (int64, batch x length); output:
`embeddings` (batch x 384, float32, rows of unit length). `session(model_bytes)` turns it,
serialised, into an `onnxruntime.InferenceSession` in memory. `tests/test_onnx_graph.py` checks the two runtimes
agree; `benchmarks/onnx_encoder.py` measures them side by side.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from linkwell.matching.embedding import ModelWeights

OPSET = 18  # LayerNormalization from 17 on; every Reduce* takes its axes as an input from 18.
# The file format version that came with opset 18: a newer onnx would write a later one.
IR_VERSION = 8
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "embeddings"


def build_model(weights: ModelWeights) -> Any:
    """The `onnx.ModelProto` of the encoder whose arrays are `weights`."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []
    counter = itertools.count()

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

    def scalar(value: int) -> Any:
        return np.array(value, dtype=np.int64)

    def vector(*values: int) -> Any:
        return np.array(values, dtype=np.int64)

    w = weights
    h, d, hidden = w.heads, w.head_dim, w.hidden

    def layer_norm(x: str, scale: Any, bias: Any, hint: str) -> str:
        inputs = [x, const(scale, f"{hint}_w"), const(bias, f"{hint}_b")]
        return op("LayerNormalization", inputs, hint, axis=-1, epsilon=w.eps)

    def linear(x: str, matrix: Any, bias: Any, hint: str) -> str:
        # `matrix` is (in, out) already: the weights are kept transposed for x @ W.
        product = op("MatMul", [x, const(matrix, f"{hint}_w")], f"{hint}_mm")
        return op("Add", [product, const(bias, f"{hint}_b")], hint)

    # Embeddings.
    words = op("Gather", [const(w.word_emb, "word_emb"), "input_ids"], "words", axis=0)
    length = op("Gather", [op("Shape", ["input_ids"], "shape"), const(scalar(1), "i1")], "len")
    positions = op("Range", [const(scalar(0), "i0"), length, const(scalar(1), "step")], "positions")
    pos = op("Gather", [const(w.pos_emb, "pos_emb"), positions], "pos", axis=0)
    types = op("Gather", [const(w.type_emb, "type_emb"), "token_type_ids"], "types", axis=0)
    x = op("Add", [op("Add", [words, pos], "word_pos"), types], "emb")
    x = layer_norm(x, w.emb_ln_w, w.emb_ln_b, "emb_ln")

    # Additive mask over keys: 0 for real tokens, -1e30 for padding; (batch, 1, 1, length).
    mask = op("Cast", ["attention_mask"], "mask", to=TensorProto.FLOAT)
    padding = op("Sub", [const(np.float32(1.0), "one"), mask], "padding")
    bias = op("Mul", [padding, const(np.float32(-1e30), "neg")], "bias")
    bias = op("Unsqueeze", [bias, const(vector(1, 2), "axes12")], "bias4")
    split_shape = const(vector(0, 0, 3, h, d), "qkv_shape")
    merge_shape = const(vector(0, 0, hidden), "ctx_shape")
    half = const(np.float32(0.5), "half")
    one = const(np.float32(1.0), "one_f")
    inv_sqrt2 = const(np.float32(1.0 / np.sqrt(2.0)), "inv_sqrt2")

    for i, layer in enumerate(w.layers):
        p = f"l{i}"
        qkv = linear(x, layer.qkv_w, layer.qkv_b, f"{p}_qkv")  # (b, l, 3 * hidden)
        qkv = op("Reshape", [qkv, split_shape], f"{p}_qkv5")  # (b, l, 3, h, d)
        q, k, v = (
            op("Gather", [qkv, const(scalar(j), f"{p}_i{j}")], f"{p}_{part}", axis=2)
            for j, part in enumerate("qkv")
        )  # each (b, l, h, d)
        q = op("Transpose", [q], f"{p}_q_t", perm=[0, 2, 1, 3])  # (b, h, l, d)
        k = op("Transpose", [k], f"{p}_k_t", perm=[0, 2, 3, 1])  # (b, h, d, l)
        v = op("Transpose", [v], f"{p}_v_t", perm=[0, 2, 1, 3])  # (b, h, l, d)
        scores = op("Add", [op("MatMul", [q, k], f"{p}_qk"), bias], f"{p}_scores")
        probs = op("Softmax", [scores], f"{p}_probs", axis=-1)
        context = op(
            "Transpose", [op("MatMul", [probs, v], f"{p}_ctx")], f"{p}_ctx_t", perm=[0, 2, 1, 3]
        )
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

    # Mean over the real tokens, then L2 normalisation.
    axis1 = const(vector(1), "axis1")
    weights3 = op("Unsqueeze", [mask, const(vector(2), "axis2")], "mask3")
    summed = op("ReduceSum", [op("Mul", [x, weights3], "masked"), axis1], "summed", keepdims=0)
    counts = op("ReduceSum", [mask, axis1], "counts", keepdims=1)
    counts = op("Max", [counts, const(np.float32(1e-9), "tiny")], "counts_c")
    pooled = op("Div", [summed, counts], "pooled")
    norms = op("ReduceL2", [pooled, axis1], "norms", keepdims=1)
    norms = op("Max", [norms, const(np.float32(1e-12), "tinier")], "norms_c")
    nodes.append(helper.make_node("Div", [pooled, norms], [OUTPUT], name=OUTPUT))

    ints = [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "length"]) for n in INPUTS
    ]
    output = helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", hidden])
    graph = helper.make_graph(nodes, "all_minilm_l6_v2", ints, [output], initializer=inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="linkwell"
    )
    model.ir_version = IR_VERSION
    return model


def session(model_bytes: bytes, *, threads: int | None = 1) -> Any:
    """An `onnxruntime.InferenceSession` of a serialised `build_model(...)`, made in memory.

    `threads`: onnxruntime's threads within an operator (None: its default, one per physical
    core). One by default: a person's few phrases are too small to share out, and a web worker
    should not take every core of a shared machine."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: no warnings about fused nodes on stderr
    # No memory arena: an arena keeps the largest batch's buffers for the life of the process
    # (~300 MB more after 32 texts of 256 word pieces); without it they are freed after each
    # run, at no measurable cost in speed here (docs/decisions/0009-onnxruntime-encoder.md).
    options.enable_cpu_mem_arena = False
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
