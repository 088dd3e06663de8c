"""An experiment kept so it can be repeated: a cross-encoder ("pair reader") made from the
shipped MiniLM encoder with a small low-rank adjustment, trained on the council set's
development people with one group left out, and what reordering that group's pools with it
gives. Not part of Linkwell: docs/decisions/0010-pair-reading.md says what it measured and why
it is not shipped. Never reads the held-out people.

    pip install torch==2.13.0          # for this experiment only; Linkwell never imports it
    python benchmarks/pair_reader_experiment.py --leave-out more_3

The pair reader reads "person [SEP] listing" as one text (the person as `person_text` writes
them, the listing as the encoder reads it, cut to 160 word pieces together) through MiniLM with
a rank-8 LoRA adjustment (W + 2 * B @ A) of the attention's query, key, value and output
matrices and both feed-forward matrices of every layer, and a linear head over the pooled,
unit-length vector: ~330,000 trained numbers, ~1.3 MB. Trained so that within one person's pool
(the 40 listings the engine scores fully) the listings graded higher score higher — ListNet:
the cross-entropy between the softmax of the pool's scores (times 5) and each listing's share
of the pool's gain 2**grade - 1; one person's pool per step, people shuffled, AdamW (adjustment
5e-4, head 1e-2) decaying linearly to zero over two passes; ~4-6 minutes a pass over 100
people on two cores.

The engine's weights and worked examples are fitted on the other groups too (as
`fit_matching.py --by-group`); for each person of the group left out, the first K of the fitted
order are reordered by log-score + share * sd(their log-scores) * z(their pair scores), and the
mean nDCG@5 of the pool order (no diversity step) is printed for each K and share.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# The matrices the adjustment touches in every layer, by their names in the model's weights.
ADAPTED = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def layer_key(layer: int, name: str) -> str:
    return f"{layer}_{name.replace('.', '_')}"


def person_text(profile: Any) -> str:
    """What the pair reader reads of a person: who they are in a few words, what they said."""
    parts = []
    if profile.age is not None:
        parts.append(f"Age {profile.age}" + (f", {profile.gender}" if profile.gender else "") + ".")
    if profile.needs:
        parts.append("Needs: " + "; ".join(profile.needs) + ".")
    if profile.interests:
        parts.append("Interests: " + "; ".join(profile.interests) + ".")
    if profile.what_matters:
        parts.append("What matters: " + profile.what_matters)
    if profile.conditions:
        parts.append("Conditions: " + "; ".join(profile.conditions) + ".")
    if profile.accessibility:
        parts.append("Access: " + "; ".join(profile.accessibility) + ".")
    return " ".join(parts)


def pools(left_out: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Each development person's pool: ids, grades, their text; and the fitted log-scores from
    weights and examples learnt without `left_out` (for that group's people only)."""
    from linkwell.matching import fitting
    from linkwell.matching.engine import Matcher
    from linkwell.matching.evaluation.council import DEVELOPMENT_PARTS, load_council_set

    groups = {part: load_council_set(part) for part in DEVELOPMENT_PARTS}
    services = groups[DEVELOPMENT_PARTS[0]].services
    texts = {s.id: s.text for s in services}
    shipped = Matcher(services, ranker=None)
    out = []
    for name, group in groups.items():
        matcher, weights = shipped, None
        if name == left_out:
            rest = [g for k, g in groups.items() if k != name]
            people = [p for g in rest for p in g.people]
            judged = {pid: j for g in rest for pid, j in g.judgments.items()}
            worked = fitting.development_examples(
                SimpleNamespace(services=services, people=people, judgments=judged)
            )
            matcher = Matcher(services, ranker=None, worked_examples=worked)
            ranker = fitting.fit(fitting.collect(matcher, people, judged, at=group.at), l2=0.001)
            weights = ranker.vector()
        for p in group.people:
            ids, rows = matcher.pool_features(p, at=group.at)
            graded = group.judgments.get(p.id, {})
            out.append(
                {
                    "id": p.id,
                    "group": name,
                    "text": person_text(p),
                    "ids": ids,
                    "grades": [graded.get(s, 0) for s in ids],
                    "log": None if weights is None else (rows @ weights).tolist(),
                }
            )
    return out, texts


def build(torch: Any, model_dir: Path, rank: int) -> Any:
    """The encoder in PyTorch (the same computation as `embedding.ModelWeights`) with the
    adjustment and head as its only trainable parameters."""
    import torch.nn.functional as F
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    raw = load_file(str(model_dir / "model.safetensors"))
    w = {k.removeprefix("bert."): torch.tensor(v, dtype=torch.float32) for k, v in raw.items()}
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    layers, eps = config["num_hidden_layers"], config["layer_norm_eps"]
    nn = torch.nn

    class Model(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.A, self.B = nn.ParameterDict(), nn.ParameterDict()
            for i in range(layers):
                for name in ADAPTED:
                    out_dim, in_dim = w[f"encoder.layer.{i}.{name}.weight"].shape
                    key = layer_key(i, name)
                    self.A[key] = nn.Parameter(torch.randn(rank, in_dim) / math.sqrt(in_dim))
                    self.B[key] = nn.Parameter(torch.zeros(out_dim, rank))
            self.head = nn.Linear(hidden, 1)
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)
            self.scale = 16.0 / rank

        def lin(self, x: Any, i: int, name: str) -> Any:
            p, key = f"encoder.layer.{i}.{name}", layer_key(i, name)
            low = (x @ self.A[key].T) @ self.B[key].T
            return F.linear(x, w[p + ".weight"], w[p + ".bias"]) + low * self.scale

        def forward(self, ids: Any, types: Any, mask: Any) -> Any:
            n, length = ids.shape
            d = hidden // heads
            x = (
                w["embeddings.word_embeddings.weight"][ids]
                + w["embeddings.position_embeddings.weight"][:length][None]
                + w["embeddings.token_type_embeddings.weight"][types]
            )
            ln = "embeddings.LayerNorm"
            x = F.layer_norm(x, (hidden,), w[ln + ".weight"], w[ln + ".bias"], eps)
            add = (1.0 - mask[:, None, None, :]) * -1e9
            for i in range(layers):
                p = f"encoder.layer.{i}."

                def split(t: Any) -> Any:
                    return t.view(n, length, heads, d).transpose(1, 2)

                q = split(self.lin(x, i, "attention.self.query"))
                k = split(self.lin(x, i, "attention.self.key"))
                v = split(self.lin(x, i, "attention.self.value"))
                att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + add, -1)
                c = (att @ v).transpose(1, 2).reshape(n, length, hidden)
                ln1 = p + "attention.output.LayerNorm"
                x = F.layer_norm(
                    x + self.lin(c, i, "attention.output.dense"),
                    (hidden,), w[ln1 + ".weight"], w[ln1 + ".bias"], eps,
                )  # fmt: skip
                h = F.gelu(self.lin(x, i, "intermediate.dense"))
                ln2 = p + "output.LayerNorm"
                x = F.layer_norm(
                    x + self.lin(h, i, "output.dense"),
                    (hidden,), w[ln2 + ".weight"], w[ln2 + ".bias"], eps,
                )  # fmt: skip
            m = mask[..., None]
            pooled = F.normalize((x * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=-1)
            return self.head(pooled).squeeze(-1)

    return Model()


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    try:
        import torch
    except ImportError:
        sys.exit("training the pair reader needs PyTorch: pip install torch==2.13.0")
    from tokenizers import Tokenizer

    from linkwell.matching.embedding import model_path
    from linkwell.matching.evaluation.council import DEVELOPMENT_PARTS
    from linkwell.matching.evaluation.metrics import ndcg_at_k

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--leave-out", required=True, choices=DEVELOPMENT_PARTS, help="the group to measure on"
    )
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--max-length", type=int, default=160)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    model_dir = model_path()
    if model_dir is None:
        sys.exit("the sentence encoder is not installed (requirements-model.txt)")
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(os.cpu_count() or 1)

    people, texts = pools(args.leave_out)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=args.max_length)
    tokenizer.no_padding()

    def batch(first: str, seconds: list[str]) -> tuple[Any, Any, Any]:
        encs = tokenizer.encode_batch([(first, s) for s in seconds])
        length = max(len(e.ids) for e in encs)
        ids = torch.zeros(len(encs), length, dtype=torch.long)
        types, mask = torch.zeros_like(ids), torch.zeros(len(encs), length)
        for j, e in enumerate(encs):
            n = len(e.ids)
            ids[j, :n], types[j, :n], mask[j, :n] = (
                torch.tensor(e.ids), torch.tensor(e.type_ids), 1.0,
            )  # fmt: skip
        return ids, types, mask

    train = [p for p in people if p["group"] != args.leave_out and max(p["grades"]) > 0]
    model = build(torch, model_dir, args.rank)
    adjust = [*model.A.values(), *model.B.values()]
    opt = torch.optim.AdamW(
        [{"params": adjust, "lr": 5e-4}, {"params": model.head.parameters(), "lr": 1e-2}],
        weight_decay=0.01,
    )
    initial = [g["lr"] for g in opt.param_groups]
    steps, step, started = args.epochs * len(train), 0, time.time()
    for epoch in range(args.epochs):
        random.shuffle(train)
        for p in train:
            scores = model(*batch(p["text"], [texts[s] for s in p["ids"]]))
            gain = 2.0 ** torch.tensor(p["grades"], dtype=torch.float32) - 1.0
            loss = -(gain / gain.sum() * torch.log_softmax(scores * 5.0, 0)).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            for group, lr in zip(opt.param_groups, initial, strict=True):
                group["lr"] = lr * (1 - step / steps)
        print(f"pass {epoch + 1}: {time.time() - started:.0f} s", flush=True)
    model.eval()

    measured = [p for p in people if p["group"] == args.leave_out]
    with torch.no_grad():
        pair = {
            p["id"]: model(*batch(p["text"], [texts[s] for s in p["ids"]])).numpy()
            for p in measured
        }
    # People whose pool holds nothing graded relevant have no ideal order: left out, as the
    # benchmark leaves them out (`metrics.judged_people`).
    judged = [p for p in measured if max(p["grades"]) > 0]
    print(f"{args.leave_out}: mean nDCG@5 of the pool order, {len(judged)} people")
    print("top K | " + " | ".join(f"share {a}" for a in (0, 0.25, 0.5, 0.75, 1.0)))
    for top in (10, 15, 20, 40):
        row = []
        for share in (0, 0.25, 0.5, 0.75, 1.0):
            values = []
            for p in judged:
                log = np.asarray(p["log"])
                first = np.argsort(-log, kind="stable")[:top]
                s = log - 1e6
                x = pair[p["id"]][first]
                z = (x - x.mean()) / (x.std() + 1e-9)
                s[first] = log[first] + share * log[first].std() * z
                order = np.argsort(-s, kind="stable")
                graded = dict(zip(p["ids"], p["grades"], strict=True))
                values.append(ndcg_at_k([p["ids"][i] for i in order], graded, 5))
            row.append(f"{np.mean(values):.3f}")
        print(f"{top} | " + " | ".join(row), flush=True)


if __name__ == "__main__":
    main()
