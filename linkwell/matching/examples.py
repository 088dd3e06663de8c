"""Worked examples: what suited people who said something like this.

A worked example is one person's needs, in their own words, and the listings that suit them
(graded "relevant" or "very relevant" by people who read both, never by the engine). For someone
new, the engine finds the examples whose needs read most like theirs and asks, of each listing in
the pool, how close it is to what suited those people: the `examples` feature of the fitted
ranking (`features.FEATURES`). It is a learnt signal that reads text, not ids: an example's
listings are kept as their words and compared through the sentence encoder, so examples written
against one directory still say something about another one's listings (a carers' centre in one
borough is near a carers' centre in the next).

Why: the hand readings and the lexical and encoder relevance match what a person said to what a
listing says. People who grade listings also know which *kind* of service helps with a kind of
need (someone whose husband has just died is helped by a bereavement group more than by a
lunch club that mentions "widowed"), and that knowledge is in the graded examples, not in either
text alone. Measured on people none of it was made from and on a directory written by other hands
(docs/decisions/0008-fitted-ranking.md, BENCHMARKS.md).

The shipped examples (`worked_examples.json`) are the council evaluation set's development
people and the listings their graders agreed suit them, written by
`python benchmarks/fit_matching.py --examples`. The held-out people are never in it. A person is
never their own example (the same id is passed over), so the development people's figures are
what the examples give to someone not among them.

How a person's needs are read: the phrases the engine searches for (`engine._facets`), those that
are not interests (needs, conditions, what matters, caring; all of them when there are only
interests), each encoded, averaged and made unit length — the same for an example and for the
person being matched, so the encoded phrases the engine already has are reused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

EXAMPLES_FILE = Path(__file__).resolve().parent / "worked_examples.json"
# The shipped examples through the shipped encoder, so a new process does not spend seconds
# encoding several hundred phrases before its first suggestion: used only when both the encoder
# and the examples' texts are the ones they were made from (`EncodedExamples`, `stored`).
VECTORS_FILE = EXAMPLES_FILE.with_suffix(".npz")
NEIGHBOURS = 10  # examples read for each person
TEMPERATURE = 0.05  # softmax temperature over the neighbours' cosines
SUITS_FROM_GRADE = 2  # a listing graded this or higher suits the example's person

FloatArray = npt.NDArray[np.float64]
Vectors = npt.NDArray[np.float32]


class ExamplesError(ValueError):
    """The worked-examples file cannot be read; the message says where."""


@dataclass(frozen=True)
class Example:
    id: str
    said: tuple[str, ...]  # the phrases that are read as the person's needs
    suits: tuple[int, ...]  # positions in `ExampleSet.listings`


@dataclass(frozen=True)
class ExampleSet:
    examples: tuple[Example, ...]
    listings: tuple[str, ...]  # listing texts (`ServiceDoc.text`)

    def to_json(self, **about: Any) -> str:
        body = {
            **about,
            "listings": list(self.listings),
            "examples": [
                {"id": e.id, "said": list(e.said), "suits": list(e.suits)} for e in self.examples
            ],
        }
        return json.dumps(body, indent=1, ensure_ascii=False) + "\n"


def needs_rows(facets: Sequence[Any]) -> list[int]:
    """Which facets are read as someone's needs: every one but interests, or all when only
    interests were said (`facets`: the engine's, with `kind` and `asked`)."""
    rows = [k for k, f in enumerate(facets) if f.kind != "interest"]
    return rows or list(range(len(facets)))


def needs_phrases(facets: Sequence[Any]) -> list[str]:
    """The phrases of `needs_rows`."""
    return [facets[k].asked for k in needs_rows(facets)]


def read_examples(path: Path | str = EXAMPLES_FILE) -> ExampleSet:
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
        listings = tuple(str(t) for t in body["listings"])
        examples = []
        for k, item in enumerate(body["examples"]):
            suits = tuple(int(s) for s in item["suits"])
            if any(not 0 <= s < len(listings) for s in suits):
                raise ExamplesError(f"{path}: examples[{k}] names a listing that is not there")
            said = tuple(str(t) for t in item["said"])
            if not said or not suits:
                raise ExamplesError(f"{path}: examples[{k}] says nothing or nothing suits it")
            examples.append(Example(id=str(item["id"]), said=said, suits=suits))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, ExamplesError):
            raise
        raise ExamplesError(f"{path}: not a worked-examples file ({exc})") from exc
    return ExampleSet(examples=tuple(examples), listings=listings)


def build_examples(
    people: Sequence[tuple[str, Sequence[str]]],
    judgments: dict[str, dict[str, int]],
    listing_text: dict[str, str],
) -> ExampleSet:
    """Examples from graded people: (person id, their needs phrases) and the grades; listings
    graded `SUITS_FROM_GRADE` or more suit them. People nothing suits are left out."""
    listings: dict[str, int] = {}
    examples = []
    for pid, said in people:
        suited = sorted(s for s, g in judgments.get(pid, {}).items() if g >= SUITS_FROM_GRADE)
        texts = [listing_text[s] for s in suited if s in listing_text]
        if not texts or not said:
            continue
        suits = tuple(sorted({listings.setdefault(t, len(listings)) for t in texts}))
        examples.append(Example(id=pid, said=tuple(said), suits=suits))
    return ExampleSet(examples=tuple(examples), listings=tuple(listings))


def digest(examples: ExampleSet) -> str:
    """SHA-256 of the examples' texts and what suits whom: what stored vectors were made from."""
    body = json.dumps(
        [list(examples.listings), [[e.id, list(e.said), list(e.suits)] for e in examples.examples]],
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class EncodedExamples:
    """An `ExampleSet` through one encoder: each example's needs as one unit vector and its
    listings' vectors. `stored`: vectors saved for this encoder (`model`) and these texts
    (`digest`) are taken instead of encoding when both match."""

    def __init__(
        self,
        examples: ExampleSet,
        encode: Callable[[Sequence[str]], Vectors],
        *,
        model: str | None = None,
        stored: Path | None = None,
    ) -> None:
        self.ids = [e.id for e in examples.examples]
        self.suits = [np.asarray(e.suits, dtype=np.int64) for e in examples.examples]
        saved = _read_vectors(stored, model, examples) if stored is not None else None
        if saved is not None:
            self.people, self.listings = saved
            return
        said = [t for e in examples.examples for t in e.said]
        dim = 0
        if said:
            vectors = np.asarray(encode(said), dtype=np.float64)
            dim = vectors.shape[1]
            at = 0
            rows = []
            for e in examples.examples:
                rows.append(_unit(vectors[at : at + len(e.said)].mean(axis=0)))
                at += len(e.said)
            self.people = np.array(rows, dtype=np.float64)
        else:
            self.people = np.zeros((0, dim))
        self.listings = (
            np.asarray(encode(list(examples.listings)), dtype=np.float64)
            if examples.listings
            else np.zeros((0, dim))
        )

    def save(self, path: Path, *, model: str, examples: ExampleSet) -> None:
        """Keep these vectors for `model` and `examples` (`benchmarks/fit_matching.py`)."""
        with path.open("wb") as out:
            np.savez(
                out,
                people=self.people.astype(np.float32),
                listings=self.listings.astype(np.float32),
                model=np.array(model),
                digest=np.array(digest(examples)),
            )

    def __len__(self) -> int:
        return len(self.ids)

    def closeness(
        self, needs: FloatArray, listing_vectors: FloatArray, *, person_id: str | None = None
    ) -> FloatArray:
        """For each row of `listing_vectors` (unit vectors), how close it is to what suited
        the examples nearest `needs` (a unit vector): the `NEIGHBOURS` nearest examples, other
        than `person_id`'s own, weighted by a softmax of their cosines, each giving its
        nearest suiting listing's cosine. Zeros when there is no example."""
        m = len(listing_vectors)
        keep = np.array([pid != person_id for pid in self.ids], dtype=bool)
        if not len(self.ids) or not keep.any() or not m:
            return np.zeros(m)
        sims = self.people @ np.asarray(needs, dtype=np.float64)
        sims[~keep] = -np.inf
        order = np.argsort(-sims, kind="stable")[: min(NEIGHBOURS, int(keep.sum()))]
        weights = np.exp((sims[order] - sims[order[0]]) / TEMPERATURE)
        weights /= weights.sum()
        cosines = np.asarray(listing_vectors, dtype=np.float64) @ self.listings.T
        out = np.zeros(m)
        for weight, k in zip(weights, order, strict=True):
            out += weight * cosines[:, self.suits[k]].max(axis=1)
        return out


def _read_vectors(
    path: Path, model: str | None, examples: ExampleSet
) -> tuple[FloatArray, FloatArray] | None:
    """The stored (people, listings) vectors when `path` holds them for `model` and exactly
    these examples; None otherwise (then they are encoded)."""
    if model is None or not path.exists():
        return None
    try:
        with np.load(path) as saved:
            if str(saved["model"]) != model or str(saved["digest"]) != digest(examples):
                return None
            people = saved["people"].astype(np.float64)
            listings = saved["listings"].astype(np.float64)
    except (OSError, ValueError, KeyError, EOFError):  # unreadable: encode them instead
        return None
    if len(people) != len(examples.examples) or len(listings) != len(examples.listings):
        return None
    return people, listings


def person_needs(vectors: Vectors) -> FloatArray:
    """The unit mean of a person's encoded needs phrases."""
    return _unit(np.asarray(vectors, dtype=np.float64).mean(axis=0))


def _unit(v: FloatArray) -> FloatArray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v
