"""With many candidates (a person with no location in a large directory) only the services whose
score could reach the pool are scored fully (`Matcher._shortlist`). The suggestions must be
exactly those of scoring every candidate: the same services, scores, reasons and components,
and the same pool for the fitted weights."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zlib
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np
import pytest

from linkwell.matching import engine
from linkwell.matching.documents import ServiceDoc
from linkwell.matching.engine import Matcher
from linkwell.matching.profile import Profile
from linkwell.matching.tests.factories import AT, person, place, session

TOPICS = ["walk", "garden", "choir", "lunch", "befriend", "art", "debt", "mood", "tea", "cycl"]
NAMES = [
    "Walking group", "Community garden", "Community choir", "Lunch club", "Telephone befriending",
    "Art class", "Debt advice", "Talking therapy", "Tea and chat", "Cycling club",
    "Garden walk", "Singing and tea",
]  # fmt: skip
DESCRIPTIONS = [
    "A friendly group for anyone who feels lonely.", "Gentle exercise outdoors.",
    "Meet people over a cup of tea.", "Help with money worries and bills.", "", "Make new friends.",
]  # fmt: skip


class TopicEncoder:
    """Vectors from the topic words a text holds, plus a little of its own direction: many
    services have cosines above the semantic floor, and equal texts equal vectors."""

    name = "topics"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for t in texts:
            low = t.lower()
            own = np.random.default_rng(zlib.crc32(t.encode())).normal(0, 0.35, 16)
            vec = np.concatenate([[float(w in low) for w in TOPICS], [0.3] * 6]) + own
            out.append(vec / np.linalg.norm(vec))
        return np.array(out, dtype=np.float32)


T = TypeVar("T")


def directory(n: int, seed: int) -> list[ServiceDoc]:
    rng = np.random.default_rng(seed)

    def pick(options: Sequence[T]) -> T:
        return options[int(rng.integers(len(options)))]

    out: list[ServiceDoc] = []
    for i in range(n):
        copy = i % 5 == 0 and i  # exact copies of an earlier listing: ties in every score
        if copy:
            out.append(dataclasses.replace(out[int(rng.integers(i))], id=f"s{i:04d}"))
            continue
        paid = pick([None, True, False])
        checked = dt.date(2026, 11, 1) - dt.timedelta(days=int(rng.integers(0, 700)))
        out.append(
            ServiceDoc(
                id=f"s{i:04d}",
                name=pick(NAMES),
                description=pick(DESCRIPTIONS),
                status=pick(["active"] * 6 + ["inactive"]),
                min_age=pick([None, None, None, 60, 18]),
                eligibility=pick(["", "", "", "Women only", "Only for people with dementia."]),
                locations=tuple(place(float(rng.uniform(0, 30))) for _ in range(rng.integers(3))),
                schedules=tuple(
                    session(pick(["MO", "TU", "WE", "TH", "FR"]), pick(["10:00", "14:00"]), None)
                    for _ in range(rng.integers(3))
                ),
                free=None if paid is None else not paid,
                cost_amount=float(rng.uniform(1, 12)) if paid else None,
                accessibility=pick([(), (), ("Sorry, no wheelchair access.",), ("Step-free.",)]),
                languages=pick([(), (), ("en",), ("pl",), ("en", "pl")]),
                capacity_available=pick([None, None, 0, 3]),
                open_referrals=pick([0, 0, 6]),
                last_verified=checked,
                quality_assured=pick([None, True, False]),
            )
        )
    return out


PEOPLE: list[dict[str, Any]] = [
    dict(interests=["walking", "gardening"], needs=["loneliness"]),
    dict(
        needs=["money worries", "feeling down"],
        what_matters="Getting out of the house and meeting people over tea.",
        availability=[{"day": "TU", "from": "09:00", "to": "12:00"}],  # most sessions fail
    ),
    dict(interests=["singing"], gender="male", accessibility=["wheelchair"], languages=["pl"]),
    dict(interests=["art"], conditions=["dementia"], age=30, cost="free_only"),
    dict(needs=["befriending"], exclude_service_ids=["s0001", "s0002"], travel="walk"),
    dict(interests=["knitting"]),  # no word in any listing: semantic parts and ties only
]


def ranks(matcher: Matcher, profiles: list[Profile], top: int, off: frozenset[str]) -> list[Any]:
    out: list[Any] = []
    for profile in profiles:
        out.append(matcher.rank(profile, top=top, at=AT, disable=off))
        ids, rows = matcher.pool_features(profile, top=top, at=AT, disable=off)
        out.append((ids, rows.tolist()))
    return out


@pytest.mark.parametrize("gather_min", [100, 10**9])  # the candidates' rows, or every row
@pytest.mark.parametrize("seed", [1, 2])
def test_the_shortlist_suggests_exactly_what_scoring_every_candidate_does(
    monkeypatch, seed, gather_min
):
    matcher = Matcher(directory(700, seed), encoder=TopicEncoder())
    profiles = [
        person(id=f"p{k}", **fields, **located)
        for k, fields in enumerate(PEOPLE)
        for located in ({}, {"latitude": None, "longitude": None})
    ]
    monkeypatch.setattr(engine, "GATHER_MIN", gather_min)
    cases = [
        (10, frozenset()),
        (3, frozenset()),
        (25, frozenset({"fitted"})),
        (10, frozenset({"semantic"})),
        (10, frozenset({"lexical", "synonyms"})),
        (10, frozenset({"capacity", "freshness", "distance"})),
    ]
    for top, off in cases:
        monkeypatch.setattr(engine, "SHORTLIST_MIN", 10**9)  # every candidate scored fully
        full = ranks(matcher, profiles, top, off)
        # A shortlist from the first candidate on, at first one per place in the pool: every
        # widening (pool not filled; a bound reaching the pool's last score) is taken.
        monkeypatch.setattr(engine, "SHORTLIST_MIN", 1)
        monkeypatch.setattr(engine, "SHORTLIST_FACTOR", 1)
        assert ranks(matcher, profiles, top, off) == full, (top, off)
        monkeypatch.setattr(engine, "SHORTLIST_FACTOR", 8)
        assert ranks(matcher, profiles, top, off) == full, (top, off)


def test_the_shortlist_is_narrower_than_the_candidates(monkeypatch):
    """What makes it worth having: most candidates are never scored fully."""
    matcher = Matcher(directory(3000, 3), encoder=TopicEncoder())
    profile = person(interests=["walking", "gardening"], latitude=None, longitude=None)
    monkeypatch.setattr(engine, "SHORTLIST_MIN", 1)
    widths: list[int] = []
    relevance = Matcher._relevance

    def counting(self, profile, facets, on, candidates, *args, **kwargs):
        widths.append(len(candidates))
        return relevance(self, profile, facets, on, candidates, *args, **kwargs)

    monkeypatch.setattr(Matcher, "_relevance", counting)
    matcher.rank(profile, top=10, at=AT)
    active = sum(s.status == "active" for s in matcher.services)
    assert 0 < max(widths) < active / 3


def test_a_bound_that_rounds_to_the_pool_s_last_score_is_scored_too():
    """Scores are compared at 4 places and ties go to the smaller id, so a candidate whose bound
    rounds to the pool's last score could still come before its last member."""
    shortlist = engine._Shortlist(
        bound=np.array([0.50004, 0.49996, 0.30]), cosine=None, columns=None
    )
    chosen = np.array([0])
    assert np.array_equal(shortlist.wider(chosen, 0.5), [0, 1])  # type: ignore[arg-type]
    assert shortlist.wider(chosen, 0.5001) is None
    assert np.array_equal(shortlist.wider(chosen, None), [0, 1, 2])  # type: ignore[arg-type]
