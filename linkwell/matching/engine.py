"""The matching engine: rank directory services for one person, with reasons.

    matcher = Matcher(load_directory("directory.json"))        # indexes + embeddings, once
    matcher.rank(profile, top=5, at=datetime(...))              # -> [Suggestion, ...]

Pipeline (README.md has the formula and weights):
1. **Hard constraints** (never shown): not active; already tried (`exclude_service_ids`); outside
   the service's ages (fields or "over 50s" in its eligibility text); beyond reach
   (`max_distance_km`, else by `travel`: walk 2 km, public transport 10 km, car 25 km; needs
   transport: services that provide it within 25 km, others within 1 km; a service given by
   phone, online or at home reaches 25 km, a national one everyone: `stated.remote_reach_km`);
   not free for
   `free_only`, over £5 for `low_cost`; gender restriction; a condition the eligibility text
   requires that the person did not mention; an access need the listing says it
   does not meet; no shared language when both list theirs (`constraints.py`). Softly: a
   listing for an audience ("for people with COPD", "for women") the person is not known to be
   in ranks lower, with a reason (`constraints.audiences`).
   Everything below is computed for the services that pass the constraints that are arrays
   (status, tried, ages, reach, cost) only: the work follows who could be offered, not the
   size of the directory. When they are many (nobody is out of reach of a person with no
   location), a bound on each one's score comes first and only those whose bound could reach
   the pool are scored fully (`Matcher._shortlist`): the result is the one scoring every
   candidate gives, never a service left out for being outside a shortlist.
2. **Relevance** per thing the person said (each interest, need, condition, what matters):
   BM25 lexical match with stems and phrases, related terms from `data/related_terms.json`, and
   semantic similarity from the sentence encoder (`embedding.get_encoder()`), combined.
3. **Score** = weighted sum of relevance, distance, schedule fit, freshness, quality assurance
   and cost fit, times a capacity factor (full services are kept, labelled and ranked lower).
4. **Diversity**: greedy re-ranking (MMR-style) that discounts a service similar to one already
   chosen, so the top covers the person's different interests and needs.

Deterministic: same services, profile, `at` and switches give the same list; scores are rounded
to 4 places and ties go to the smaller service id. Pure Python + NumPy: no database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
import math
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from linkwell.matching import constraints, examples, features, stated, wording
from linkwell.matching.documents import ACTIVE, ServiceDoc, Session
from linkwell.matching.profile import Profile
from linkwell.matching.vectors import VectorStore, model_key, text_key
from linkwell.text import analysis as text

FloatArray = npt.NDArray[np.float64]
Vectors = npt.NDArray[np.float32]  # unit-length embeddings, one a row

COMPONENTS = frozenset(
    {"lexical", "synonyms", "semantic", "distance", "schedule", "capacity", "freshness",
     "quality", "diversity", "audience", "fitted", "taxonomy", "purposes", "priorities",
     "examples"}
)  # fmt: skip

# Weights of the score's parts (README.md). Relevance dominates; the rest order near-equals.
WEIGHTS = {
    "relevance": 0.62,
    "distance": 0.12,
    "schedule": 0.10,
    "freshness": 0.06,
    "quality": 0.05,
    "cost": 0.05,
}
FACET_WEIGHTS = {"interest": 1.0, "need": 1.0, "condition": 0.6, "what_matters": 0.7, "caring": 1.0}
OTHER_FACETS_SHARE = 0.25  # relevance = best facet + this share of the other facets
RELATED_WEIGHT = 0.6  # a related-term match counts this much of a direct match
# Of a facet's relevance, when the encoder is available. Chosen with the fitted weights' L2 by
# cross-validation on the council development people (docs/decisions/0008-fitted-ranking.md).
SEMANTIC_SHARE = 0.7
# A facet of at most this many words that names a kind of a group (a faith) is about it.
ABOUT_A_KIND_WORDS = 4
LEXICAL_SLOPE = 1.5  # lexical = 1 - exp(-slope * bm25 / ideal bm25)
SEMANTIC_FLOOR, SEMANTIC_SPAN = 0.25, 0.35  # cosine 0.25 -> 0, 0.60 -> 1
FULL_FACTOR = 0.6  # a full service's score is multiplied by this
BUSY_FACTOR, BUSY_REFERRALS = 0.85, 5  # capacity unknown but this many referrals unanswered
ACCESS_UNKNOWN_FACTOR = 0.9
# A listing says who it is for ("for people with COPD", "for parents of babies and toddlers",
# "for women": `constraints.audiences`) and nothing the person said places them in it; their
# stated gender is the other one.
AUDIENCE_FACTOR = 0.8
CARING_FACET = "{}"  # what the one a carer looks after lives with
AUDIENCE_MISMATCH_FACTOR = 0.5
# The same on the fitted score (a step of log-score at REFERENCE_SPREAD, as the guide's factors
# are): a listing for an audience nothing the person said places them in. Chosen with the
# fitted weights' L2 by the 6-fold cross-validation on the council development people
# (docs/decisions/0008-fitted-ranking.md); a listing for the other gender gets the step of the
# hand score's AUDIENCE_MISMATCH_FACTOR, as many times as long as AUDIENCE_FACTOR's.
FITTED_AUDIENCE_FACTOR = 0.25
DIVERSITY = 0.35  # f(c) = score(c) * (1 - DIVERSITY * max similarity to those chosen)
SAME_FACET_SIMILARITY = 0.7
SAME_KIND_DIVERSITY = 0.45  # the discount for the same activity as one chosen (`_kind`)
# On the fitted score (exp of w . x, `features.Ranker`) relevance differences are wider, so the
# same activity from another provider is discounted more to stay below a different activity.
FITTED_SAME_KIND_DIVERSITY = 0.8
# The spread of log-scores (`features.Ranker.spread`) at which the fitted score's discounts and
# factors (the diversity shares above, FULL_FACTOR, BUSY_FACTOR, `features.guide_factors`,
# `features.purpose_factor`) are as written: that of the weights they were set with (fitted at
# L2 0.03 with SEMANTIC_SHARE 0.4 on the council development pools). Weights whose scores are
# k times as spread get each to the power k (`_exponent`).
REFERENCE_SPREAD = 0.69
REACH_KM = {"walk": 2.0, "public_transport": 10.0, "car": 25.0, "needs_transport": 25.0}
DEFAULT_REACH_KM = 10.0
NEAR_KM = 1.0  # needs_transport: a service this near is in reach without transport
LOW_COST_MAX = 5.0  # GBP a session
FRESH_DAYS, STALE_DAYS = 182, 365
POOL_MIN, POOL_FACTOR = 40, 4  # candidates scored fully before diversity
# Candidates sorted at first, per place in the pool: most pass the per-service checks, and the
# rest are sorted only when they do not (`Matcher._best_first`).
CANDIDATES_FACTOR = 4
SAID_CACHE_SIZE = 10_000  # encoded phrases people said, kept per Matcher
# The semantic product reads only the candidates' vectors when the directory has at least
# GATHER_MIN services and the candidates are at most this share of them (otherwise reading
# every vector in place is as cheap as copying some).
GATHER_MIN, GATHER_SHARE = 4096, 0.5
# With this many candidates (a person with no location in a large directory), each one's score
# is bounded first and only those whose bound could reach the pool are scored fully
# (`Matcher._shortlist`): at first the best SHORTLIST_FACTOR per place in the pool by bound.
SHORTLIST_MIN, SHORTLIST_FACTOR = 4096, 8
# Added to each bound, per facet and unit of facet weight: the semantic parts are float32, and
# computed and summed in another order in the bound than in `_relevance` (a few float32 steps
# of each, far below the 4 places scores are compared at).
BOUND_SLACK = 1e-7
# Places found more than once in this many services are updated as whole arrays (`_shortlist`).
SPARSE_SHARE = 8
# Candidates fewer than 1 in this many services are looked up one by one (`_relevance`).
FEW_CANDIDATES = 16


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> Any: ...


@dataclass(frozen=True)
class Suggestion:
    service_id: str
    score: float
    reasons: list[str]
    at_capacity: bool
    places_left: int | None
    distance_km: float | None
    components: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Facet:
    kind: str
    said: str  # as the person said it (quoted in the reasons)
    asked: str  # what is searched and encoded: `said` without what they refuse
    weight: float
    query: dict[str, float]
    ideal: float
    expansions: tuple[text.Expansion, ...]
    # A short facet naming the person's recovery from drink or drugs ("recovery coaching"): no
    # nearer to a listing about another recovery (a recovery college) than to any other.
    substance_recovery: bool = False


class _BestPhrase:
    """Which related phrase gave each service its related-term relevance, for the reasons:
    the updates are kept as (services, label) in order and read back only for the few
    services shown (the last update holding a service wins, as a dict written in order would)."""

    __slots__ = ("_updates",)

    def __init__(self) -> None:
        self._updates: list[tuple[npt.NDArray[np.int64], str]] = []

    def record(self, docs: npt.NDArray[np.int64], label: str) -> None:
        if len(docs):
            self._updates.append((docs, label))

    def get(self, doc: int) -> str | None:
        for docs, label in reversed(self._updates):
            k = int(np.searchsorted(docs, doc))
            if k < len(docs) and docs[k] == doc:
                return label
        return None


@dataclass(frozen=True)
class _Shortlist:
    """A bound on each candidate's score before the per-service parts (`bound`, one value a
    candidate, never below the score), and the semantic product it was computed with, which
    the full score reads too (`cosine`: candidate k's column is `columns[k]`, or k when
    `columns` is None)."""

    bound: FloatArray
    cosine: Vectors | None
    columns: npt.NDArray[np.int64] | None
    queries: Vectors | None = None  # what the person said, encoded (one row a facet)

    def cosines(self, chosen: npt.NDArray[np.int64]) -> Vectors | None:
        """The product's columns for the candidates `chosen` (their places among them)."""
        if self.cosine is None:
            return None
        return self.cosine[:, chosen if self.columns is None else self.columns[chosen]]

    def wider(
        self, chosen: npt.NDArray[np.int64], last: float | None
    ) -> npt.NDArray[np.int64] | None:
        """The candidates to score fully next, or None when `chosen` (sorted) is enough: when
        the pool was filled and its last member's rounded score (`last`) is above every
        rounded bound outside `chosen`, nothing else could come before it (bounds are never
        below scores, and rounding keeps order). Filled: every candidate whose bound reaches
        `last`; not filled (too many failed the per-service constraints): four times as many
        of the best bounds."""
        if last is None:
            more = _best_bounds(self.bound, 4 * len(chosen))
        else:
            # A bound rounding to `last` or more is above `last` less half a place at least.
            near = self.bound >= last - 1e-4
            near[chosen] = False
            more = np.flatnonzero(near)
            more = more[np.round(self.bound[more], 4) >= last]
            if not len(more):
                return None
        return np.union1d(chosen, more)


def _best_bounds(bound: FloatArray, k: int) -> npt.NDArray[np.int64]:
    """The places of (at least) the `k` largest values of `bound`, in order of place."""
    if k >= len(bound):
        return np.arange(len(bound))
    kth = np.partition(bound, len(bound) - k)[len(bound) - k]
    return np.flatnonzero(bound >= kth)


def _round(value: Any) -> float:
    return round(float(value) + 0.0, 4)


def _exponent(ranker: features.Ranker) -> float:
    """The power to which a factor set on the fitted score at REFERENCE_SPREAD is raised for
    `ranker`: its spread over the reference (1 for weights with no measured spread). A factor f
    is a step of ln(1/f) in log-score at the reference; weights whose log-scores are k times as
    spread need a step k times as long to move a listing as far among the others."""
    return (ranker.spread or REFERENCE_SPREAD) / REFERENCE_SPREAD


def _fitted_audience_factor(hand: float, fitted: float) -> float:
    """The audience factor on the fitted score for the hand score's `hand` (1, AUDIENCE_FACTOR
    or AUDIENCE_MISMATCH_FACTOR): `fitted` for AUDIENCE_FACTOR, and for a lower one the step
    in log-score as many times as long as the hand score's."""
    if hand >= 1.0 or fitted >= 1.0:
        return 1.0
    return float(fitted ** (math.log(hand) / math.log(AUDIENCE_FACTOR)))


def _default_encoder() -> Encoder | None:
    try:
        from linkwell.matching import embedding
    except ImportError:  # pragma: no cover - the module ships with the package
        return None
    encoder: Encoder | None = embedding.get_encoder()
    return encoder


class Matcher:
    """Indexes a directory once; `rank` is then cheap per person."""

    def __init__(
        self,
        services: Sequence[ServiceDoc],
        *,
        encoder: Encoder | Literal["default"] | None = "default",
        vectors: VectorStore | None = None,
        ranker: features.Ranker | Literal["default"] | None = "default",
        worked_examples: examples.ExampleSet | Literal["default"] | None = "default",
    ) -> None:
        self.services = list(services)
        self.encoder = _default_encoder() if encoder == "default" else encoder
        # What suited people whose needs read alike (`examples.py`), encoded when first used.
        self.worked_examples = (
            _default_examples() if worked_examples == "default" else worked_examples
        )
        self._encoded_examples: examples.EncodedExamples | None = None
        # The fitted combination of the pool's signals (`features.py`); None: the hand weights.
        self.ranker = features.default_ranker() if ranker == "default" else ranker
        self.purposes = [features.purposes(s) for s in self.services]
        self.taxonomy = [features.taxonomy_stems(s) for s in self.services]
        n = len(self.services)
        # Words of each listing's name that only name its neighbourhood: read once, for the
        # index and for the reasons.
        self.place_only = [_place_only_stems(s) for s in self.services]
        self.index = text.BM25(
            [_doc_terms(s, p) for s, p in zip(self.services, self.place_only, strict=True)]
        )
        self.ids = [s.id for s in self.services]
        self._position = {sid: i for i, sid in enumerate(self.ids)}
        self._id_rank = np.empty(n, dtype=np.int64)
        self._id_rank[sorted(range(n), key=self.ids.__getitem__)] = np.arange(n)
        self.active = np.array([s.status == ACTIVE for s in self.services], dtype=bool)
        low, high = np.full(n, -np.inf), np.full(n, np.inf)
        self.gender_only: list[str | None] = []
        self.required_condition: list[tuple[frozenset[str], bool] | None] = []
        for i, s in enumerate(self.services):
            text_low, text_high = constraints.ages_from_text(s.eligibility)
            if text_low is None and constraints.for_adults(
                f"{s.name}. {s.description}. {s.eligibility}"
            ):
                text_low = constraints.ADULT_AGE
            if (s.min_age if s.min_age is not None else text_low) is not None:
                low[i] = s.min_age if s.min_age is not None else text_low
            if (s.max_age if s.max_age is not None else text_high) is not None:
                high[i] = s.max_age if s.max_age is not None else text_high
            self.gender_only.append(constraints.restricted_gender(s.eligibility))
            self.required_condition.append(constraints.required_condition(s.eligibility))
        self.audiences = [constraints.audiences(s) for s in self.services]
        # On the fitted score (an attribute so cross-validation can try others).
        self.audience_factor = FITTED_AUDIENCE_FACTOR
        self.min_age, self.max_age = low, high
        owners, lats, lons = [], [], []
        for i, s in enumerate(self.services):
            for lat, lon in s.points:
                owners.append(i)
                lats.append(lat)
                lons.append(lon)
        self._point_owner = np.array(owners, dtype=np.int64)
        # Owners are in service order, so each service's points are one run: its nearest venue
        # is a `minimum.reduceat` over the runs (`ufunc.at` is slow at 100k points).
        self._run_starts = (
            np.flatnonzero(np.diff(self._point_owner, prepend=-1))
            if owners
            else np.zeros(0, dtype=np.int64)
        )
        self._run_owner = self._point_owner[self._run_starts]
        self._point_lat = np.radians(np.array(lats, dtype=np.float64))
        self._point_lon = np.radians(np.array(lons, dtype=np.float64))
        self._point_cos_lat = np.cos(self._point_lat)
        self.has_point = np.zeros(n, dtype=bool)
        self.has_point[self._point_owner] = True
        # Given by phone, online or at home: how far from the venue it reaches (`_hard_mask`;
        # 0 for a service people go to, infinite for a national one).
        self.remote_reach = np.array([stated.remote_reach_km(s) for s in self.services])
        self.remote = self.remote_reach > 0
        local = self.remote_reach[np.isfinite(self.remote_reach)]
        self._remote_within = float(local.max()) if len(local) else 0.0
        self.transport = np.array([s.provides_transport for s in self.services], dtype=bool)
        self.free = np.array([s.free is True for s in self.services], dtype=bool)
        self.paid = np.array([s.free is False for s in self.services], dtype=bool)
        # A session's charge: a yearly or monthly fee spread over its sessions (`stated`).
        self.cost_amount = np.array([stated.per_session_cost(s) or 0.0 for s in self.services])
        self.places_left = [
            None
            if s.capacity_available is None
            else max(0, s.capacity_available - s.open_referrals)
            for s in self.services
        ]
        self.full = np.array([p == 0 for p in self.places_left], dtype=bool)
        self.busy = np.array(
            [
                p is None and s.open_referrals >= BUSY_REFERRALS
                for p, s in zip(self.places_left, self.services, strict=True)
            ],
            dtype=bool,
        )
        checked = [s.last_verified or s.last_modified for s in self.services]
        self.checked_day = np.array(
            [c.toordinal() if c else np.nan for c in checked], dtype=np.float64
        )
        self.newest_day = max((c for c in checked if c), default=None)
        self._capacity_factor = np.where(
            self.full, FULL_FACTOR, np.where(self.busy, BUSY_FACTOR, 1.0)
        )
        # Parts that depend on the directory and one small value of the query (the reference
        # day, the cost preference): computed once per value (`_vector_parts`).
        self._part_cache: dict[tuple[str, Any], FloatArray] = {}
        self.quality = np.array(
            [
                1.0 if s.quality_assured else 0.2 if s.quality_assured is False else 0.5
                for s in self.services
            ]
        )
        self._said_vectors: dict[str, Vectors] = {}
        self._phrases: dict[tuple[str, ...], tuple[npt.NDArray[np.int64], FloatArray]] = {}
        self._other_kinds: dict[Any, npt.NDArray[np.int64]] = {}
        self._recovery_others: npt.NDArray[np.int64] | None = None
        self.embeddings: Vectors | None = None
        if self.encoder is not None and n:
            self.embeddings = _service_vectors(
                self.encoder, [s.text for s in self.services], vectors
            )
        self._names = [
            set(text.stems(f"{s.name} {' '.join(s.taxonomy_terms)}")) for s in self.services
        ]
        self._kinds = [_kind(s) for s in self.services]

    # --- public ------------------------------------------------------------------------

    def rank(
        self,
        profile: Profile,
        *,
        top: int = 10,
        at: dt.datetime | None = None,
        disable: frozenset[str] = frozenset(),
    ) -> list[Suggestion]:
        self._check(disable, top)
        if not self.services:
            return []
        # A query's products are a few rows against the directory: on one BLAS thread they
        # do not wait for each other (`embedding.SINGLE_THREAD_BELOW`).
        with _one_blas_thread():
            return self._rank(profile, top=top, at=at, disable=disable)

    def pool_features(
        self,
        profile: Profile,
        *,
        top: int = 10,
        at: dt.datetime | None = None,
        disable: frozenset[str] = frozenset(),
    ) -> tuple[list[str], FloatArray]:
        """(service ids, `features.FEATURES` rows) of the pool `rank` would score for this
        person, in pool order — what the fitted weights are learnt from (`fitting.py`)."""
        self._check(disable, top)
        if not self.services:
            return [], np.zeros((0, len(features.FEATURES)))
        captured: list[tuple[list[str], FloatArray]] = []
        with _one_blas_thread():
            self._rank(profile, top=top, at=at, disable=disable, capture=captured)
        return captured[0]

    def _check(self, disable: frozenset[str], top: int) -> None:
        unknown = set(disable) - COMPONENTS
        if unknown:
            raise ValueError(f"unknown component(s) to disable: {', '.join(sorted(unknown))}")
        if top < 1:
            raise ValueError("top must be at least 1")

    def _rank(
        self,
        profile: Profile,
        *,
        top: int,
        at: dt.datetime | None,
        disable: frozenset[str],
        capture: list[tuple[list[str], FloatArray]] | None = None,
    ) -> list[Suggestion]:
        on = COMPONENTS - set(disable)
        # 1. Candidates: the hard constraints that are vectors (active, not tried, ages, cost,
        # reach), then the relevance and vector score of those alone. Every per-query array
        # below has one column per service scored (`scored[c]` is the service of column c), so
        # the work follows the services a person could be offered, not the directory.
        reach = self._reach(profile)
        # Venues beyond every reach (a local service given by phone or at home reaches further:
        # `stated.remote_reach_km`) only need to be known to be beyond it.
        within = float(reach.max()) if len(reach) else 0.0
        if self._remote_within:
            within = max(within, self._remote_within)
        distance = self._distances(profile, within=within)
        eligible = self._hard_mask(profile, distance, reach)
        # Such a service beyond the person's own reach is scored as one with no venue: how far
        # its office is says nothing about them.
        beyond = self.remote & (distance > reach)
        if beyond.any():
            distance = np.where(beyond, np.inf, distance)
        candidates = np.flatnonzero(eligible)
        facets = _facets(profile, self.index)
        pool_size = max(POOL_MIN, POOL_FACTOR * top)
        said = _audience_stems(profile)  # not cached: a shared Matcher keeps nobody's words
        # Many candidates (nobody out of reach): a bound on each one's score first, and the
        # full score only for those that could reach the pool (`_shortlist`).
        shortlist = None
        if facets and len(candidates) >= SHORTLIST_MIN:
            shortlist = self._shortlist(
                profile, facets, on, candidates, eligible, distance, reach, at
            )
        if shortlist is None:
            chosen_columns = np.arange(len(candidates))
        else:
            chosen_columns = _best_bounds(shortlist.bound, SHORTLIST_FACTOR * pool_size)
        while True:
            scored = candidates[chosen_columns]
            if shortlist is None:
                relevance, detail = self._relevance(profile, facets, on, scored, eligible)
                parts = self._vector_parts(profile, distance, reach, at, on, scored)
            else:
                mask = np.zeros(len(self.services), dtype=bool)
                mask[scored] = True
                relevance, detail = self._relevance(
                    profile, facets, on, scored, mask, shortlist.cosines(chosen_columns)
                )
                parts = self._vector_parts(profile, distance, reach, at, on, scored)
            prescore = self._prescore(relevance, parts, on, scored)
            # 2. A pool scored fully: best first by the vector score, through the per-service
            # text constraints, access, schedule and audience, until `pool_size` pass.
            rounded = np.round(prescore, 4)
            pool, last = self._fill_pool(
                profile, scored, prescore, rounded, pool_size, on, at, distance, said
            )
            if shortlist is None or len(chosen_columns) == len(candidates):
                break
            wider = shortlist.wider(chosen_columns, last if len(pool) >= pool_size else None)
            if wider is None:
                break
            chosen_columns = wider
        ranker = self.ranker if "fitted" in on else None
        if ranker is not None or capture is not None:
            rows = features.pool_features(
                profile,
                [i for _, i, _ in pool],
                services=self.services,
                facets=facets,
                detail=detail,
                parts=parts,
                infos=[info for _, _, info in pool],
                columns=[info["column"] for _, _, info in pool],
                full=self.full if "capacity" in on else np.zeros_like(self.full),
                busy=self.busy if "capacity" in on else np.zeros_like(self.busy),
                service_purposes=self.purposes,
                service_taxonomy=self.taxonomy,
                hand=[score for score, _, _ in pool],
                examples=self._examples_column(
                    profile,
                    facets,
                    [i for _, i, _ in pool],
                    on,
                    detail.get("queries")
                    if detail.get("queries") is not None
                    else (shortlist.queries if shortlist is not None else None),
                ),
                on=on,
            )
            if capture is not None:
                capture.append(([self.ids[i] for _, i, _ in pool], rows))
                return []
            if ranker is not None:
                # The fitted combination replaces the hand-weighted sum (`features.Ranker`).
                # The factors below are steps of log-score set on the scale of REFERENCE_SPREAD:
                # counted in this ranker's spread, as the diversity discount is (`_diversify`).
                factor = np.ones(len(pool))
                if "priorities" in on:  # no talking groups for who refuses them
                    factor = factor * features.guide_factors(profile, rows)
                if "capacity" in on:  # full: "try the waiting list" (the guide's cap of 1)
                    factor = factor * np.array(
                        [
                            FULL_FACTOR if self.full[i] else BUSY_FACTOR if self.busy[i] else 1.0
                            for _, i, _ in pool
                        ]
                    )
                if "audience" in on:  # for people the person is not known to be
                    factor = factor * np.array(
                        [
                            _fitted_audience_factor(info["audience"][0], self.audience_factor)
                            for _, _, info in pool
                        ]
                    )
                if "purposes" in on:  # training for staff, fundraising, a care agency
                    factor = factor * np.array(
                        [features.purpose_factor(profile, self.purposes[i]) for _, i, _ in pool]
                    )
                fitted = ranker.score(rows) * factor ** _exponent(ranker)
                if "priorities" in on:  # needs first: every need above every interest
                    fitted = features.needs_before_interests(
                        profile, rows, fitted, features.NEEDS_FIRST_FACTOR ** _exponent(ranker)
                    )
                pool = [
                    (_round(value), i, info)
                    for value, (_, i, info) in zip(fitted, pool, strict=True)
                ]
        pool.sort(key=lambda item: (-item[0], self.ids[item[1]]))
        # 3. Diversify the pool; 4. reasons only for what is shown.
        chosen = self._diversify(pool, detail, top, "diversity" in on, ranker)
        return [
            self._suggestion(profile, i, score, div, info, detail, parts, relevance, facets, at)
            for score, div, i, info in chosen
        ]

    def _prescore(
        self,
        relevance: FloatArray,
        parts: Mapping[str, FloatArray],
        on: frozenset[str] | set[str],
        services: npt.NDArray[np.int64],
    ) -> FloatArray:
        """The score before the per-service parts (schedule, access, audience), of `services`
        (one column each in `relevance` and `parts`)."""
        prescore = WEIGHTS["relevance"] * relevance
        for name, values in parts.items():
            prescore = prescore + WEIGHTS[name] * values
        if "capacity" in on:
            prescore = prescore * self._capacity_factor[services]
        return prescore

    def _fill_pool(
        self,
        profile: Profile,
        scored: npt.NDArray[np.int64],
        prescore: FloatArray,
        rounded: FloatArray,
        pool_size: int,
        on: frozenset[str] | set[str],
        at: dt.datetime | None,
        distance: FloatArray,
        said: frozenset[str],
    ) -> tuple[list[tuple[float, int, dict[str, Any]]], float | None]:
        """The first `pool_size` of `scored` (best first by the rounded score, ties to the smaller
        id) that pass the per-service constraints, each scored fully; and the rounded score
        before those parts of the last one taken (None when fewer pass)."""
        pool: list[tuple[float, int, dict[str, Any]]] = []
        columns = np.arange(len(scored))
        id_rank = self._id_rank[scored]
        hearing = stated.hard_of_hearing(profile)
        for c in self._best_first(columns, rounded, CANDIDATES_FACTOR * pool_size, id_rank):
            i = int(scored[c])
            service = self.services[i]
            if not self._passes_text_constraints(profile, service):
                continue
            if not stated.passes(profile, service, at):  # free times, language, remote only
                continue
            access = stated.met_at_home(
                constraints.check_access(profile.accessibility, service), service
            )
            if access.refused:
                continue
            if hearing and stated.phone_only(service):
                access = dataclasses.replace(
                    access, unknown=(*access.unknown, stated.PHONE_FOR_HEARING)
                )
            schedule_score = _schedule_score(profile, service, at)
            score = float(prescore[c])
            if "schedule" in on:
                factor = 1.0
                if "capacity" in on:
                    factor = FULL_FACTOR if self.full[i] else BUSY_FACTOR if self.busy[i] else 1.0
                score += WEIGHTS["schedule"] * schedule_score * factor
            if access.unknown:
                score *= ACCESS_UNKNOWN_FACTOR
            audience_factor, audience_notes = self._audience_fit(profile, i, said)
            if "audience" in on:
                score *= audience_factor
            info = {
                "column": c,
                "access": access,
                "audience": (audience_factor, audience_notes),
                "schedule": schedule_score,
                "distance": None if math.isinf(distance[i]) else float(distance[i]),
            }
            pool.append((_round(score), i, info))
            if len(pool) >= pool_size:
                return pool, float(rounded[c])
        return pool, None

    def _shortlist(
        self,
        profile: Profile,
        facets: list[_Facet],
        on: frozenset[str] | set[str],
        candidates: npt.NDArray[np.int64],
        eligible: npt.NDArray[np.bool_],
        distance: FloatArray,
        reach: FloatArray,
        at: dt.datetime | None,
    ) -> _Shortlist:
        """A bound on every candidate's score before the per-service parts, never below the
        score itself: relevance is bounded with each facet's exact lexical part (from the
        postings and the related phrases' matches) and, for its semantic part, the candidate's
        best cosine with anything the person said; the other parts are exact. Also the one
        product of what the person said with the service vectors (the same floats `_relevance`
        would compute), which what is then scored fully reads instead of computing it again."""
        n = len(self.services)
        use_semantic = "semantic" in on and self.embeddings is not None and self.encoder is not None
        use_lexical = "lexical" in on or "synonyms" in on
        lexical_share = (1 - SEMANTIC_SHARE) if use_semantic else 1.0
        semantic_share = SEMANTIC_SHARE if use_lexical else 1.0
        weights = [f.weight for f in facets]
        # Of the facets' weighted lexical parts: the largest and the sum, per service; each
        # facet's part is written where its words or phrases are found, and only there.
        best, total = np.zeros(n), np.zeros(n)
        if use_lexical:
            part = np.zeros(n)
            for facet in facets:
                found = self._lexical_into(part, facet, on)
                if len(found) * SPARSE_SHARE > n:  # common words: every place at once
                    part *= facet.weight * lexical_share
                    np.maximum(best, part, out=best)
                    total += part
                    part.fill(0.0)
                    continue
                value = part[found] * (facet.weight * lexical_share)
                best[found] = np.maximum(best[found], value)
                total[found] += value  # a place found twice gets its one value once
                part[found] = 0.0
        best, total = best[candidates], total[candidates]
        cosine, columns = None, None
        if use_semantic:
            queries = self._encode_said([f.asked for f in facets])
            cosine, columns = self._cosines(queries, candidates)
            # Each facet's semantic part as `_relevance` computes it (float32), weighted: their
            # sum, and their largest (added to the largest lexical part, never below the
            # largest facet).
            # w (cos - floor) / span, between 0 and w: in three passes rather than four.
            scale = np.array([w / SEMANTIC_SPAN for w in weights], dtype=np.float32)[:, None]
            semantic = cosine * scale
            semantic -= scale * np.float32(SEMANTIC_FLOOR)
            np.clip(semantic, 0, np.array(weights, dtype=np.float32)[:, None], out=semantic)
            top, every = semantic.max(axis=0), semantic.sum(axis=0)
            if columns is not None:
                top, every = top[columns], every[columns]
            best += semantic_share * top
            total += semantic_share * every
        relevance = np.minimum(1.0, (1 - OTHER_FACETS_SHARE) * best + OTHER_FACETS_SHARE * total)
        bound = WEIGHTS["relevance"] * relevance
        bound += self._parts_sum(profile, distance, reach, at, on, candidates)
        if "capacity" in on:
            bound *= self._capacity_factor[candidates]
        bound += BOUND_SLACK * (len(facets) + 5) * (1 + sum(weights))
        return _Shortlist(
            bound=bound, cosine=cosine, columns=columns, queries=queries if use_semantic else None
        )

    def _lexical_into(
        self, part: FloatArray, facet: _Facet, on: frozenset[str] | set[str]
    ) -> npt.NDArray[np.int64]:
        """Write one facet's lexical part, max(direct, related), into `part` (zero, one value a
        service) where its words or related phrases are found; return those places (some may
        repeat). The values `_relevance` computes, read from the whole index at once."""
        found = []
        if "lexical" in on and facet.ideal > 0:
            hit = self.index.add_scores(facet.query, part)
            if len(hit) * SPARSE_SHARE > len(part):  # common words: every place at once
                part[:] = 1 - np.exp(-LEXICAL_SLOPE * part / facet.ideal)  # 0 stays 0
            else:
                part[hit] = 1 - np.exp(-LEXICAL_SLOPE * part[hit] / facet.ideal)
            found.append(hit)
        if "synonyms" in on:
            for expansion in facet.expansions:
                for phrase in expansion.phrases:
                    docs, value = self._phrase_match(phrase.terms)
                    if len(docs):
                        part[docs] = np.maximum(part[docs], value)
                        found.append(docs)
        if not found:
            return np.zeros(0, dtype=np.int64)
        return found[0] if len(found) == 1 else np.concatenate(found)

    def _parts_sum(
        self,
        profile: Profile,
        distance: FloatArray,
        reach: FloatArray,
        at: dt.datetime | None,
        on: frozenset[str] | set[str],
        candidates: npt.NDArray[np.int64],
    ) -> FloatArray:
        """The weighted sum of the vector parts (`_vector_parts`) of the `candidates`, with the
        directory-only parts summed once per Matcher and reference day, and no distances
        measured when the person gives no place (each part 0.5)."""
        ref = at.date() if at is not None else self.newest_day
        asked = profile.cost in ("free_only", "low_cost")
        key = (ref, asked, "freshness" in on, "quality" in on)
        fixed = self._cached_part("parts", key, self._fixed_parts)[candidates]
        if "distance" not in on:
            return fixed
        if profile.point is None:
            return fixed + WEIGHTS["distance"] * 0.5
        return (
            fixed
            + WEIGHTS["distance"]
            * self._vector_parts(profile, distance, reach, at, {"distance"}, candidates)["distance"]
        )

    def _fixed_parts(self, key: tuple[dt.date | None, bool, bool, bool]) -> FloatArray:
        ref, asked, freshness, quality = key
        out = WEIGHTS["cost"] * self._cached_part("cost", asked, self._cost)
        if freshness:
            out = out + WEIGHTS["freshness"] * self._cached_part("freshness", ref, self._freshness)
        if quality:
            out = out + WEIGHTS["quality"] * self.quality
        return out

    def _cosines(
        self, queries: Vectors, candidates: npt.NDArray[np.int64]
    ) -> tuple[Vectors, npt.NDArray[np.int64] | None]:
        """The one float32 product of what the person said with the service vectors: of the
        candidates' rows only when they are few in a large directory (then the columns are the
        candidates'), else of every vector in place (then the candidates' columns are given,
        None when every service is one)."""
        assert self.embeddings is not None
        n, m = len(self.services), len(candidates)
        if n >= GATHER_MIN and m <= GATHER_SHARE * n:
            # The candidates' rows only: a copy of a few rows is cheaper than reading
            # every vector of a large directory.
            return queries @ self.embeddings[candidates].T, None
        return queries @ self.embeddings.T, (candidates if m < n else None)

    def _best_first(
        self,
        candidates: npt.NDArray[np.int64],
        rounded: FloatArray,
        first: int,
        id_rank: npt.NDArray[np.int64] | None = None,
    ) -> Iterator[int]:
        """`candidates` best first (rounded score down, then id up) — the order of a full
        lexsort, but sorting only the best `first` (and every service tied with the last of
        them) unless the pool needs more: at 100k services a full sort was a tenth of a rank.
        `id_rank`: the place of each position's service id in id order (default: positions
        are services)."""
        if id_rank is None:
            id_rank = self._id_rank
        keys = -rounded[candidates]
        if len(candidates) > 2 * first:
            kth = np.partition(keys, first)[first]
            head = keys <= kth
            chunks = [candidates[head], candidates[~head]]
        else:
            chunks = [candidates]
        for chunk in chunks:
            yield from chunk[np.lexsort((id_rank[chunk], -rounded[chunk]))].tolist()

    def prepare(self, profiles: Sequence[Profile]) -> None:
        """Encode what these people said in one batch (the command ranks many people; batching
        the encoder is much faster than one call per person). Optional: `rank` encodes what it
        has not seen. Only what is prepared is remembered, and only by this Matcher: `rank` on
        its own keeps nothing a person said, so a Matcher shared across requests (the public
        questionnaire, the plan screen) never holds one person's words for the next."""
        if self.encoder is not None and self.embeddings is not None:
            self._encode_said(
                [f.asked for p in profiles for f in _facets(p, self.index)], remember=True
            )

    def needs_phrases(self, profile: Profile) -> list[str]:
        """What of this person's words is read as their needs (`examples.needs_phrases`)."""
        return examples.needs_phrases(_facets(profile, self.index))

    def _examples_column(
        self,
        profile: Profile,
        facets: Sequence[_Facet],
        members: Sequence[int],
        on: frozenset[str] | set[str],
        queries: Vectors | None,
    ) -> FloatArray | None:
        """The pool's `examples` feature (`examples.EncodedExamples.closeness`); None when
        switched off, without the encoder or without examples. `queries`: the facets as the
        relevance step encoded them (encoded here when it did not)."""
        if (
            "examples" not in on
            or not facets
            or not members
            or self.worked_examples is None
            or self.encoder is None
            or self.embeddings is None
        ):
            return None
        if self._encoded_examples is None:
            self._encoded_examples = _encode_examples(self.encoder, self.worked_examples)
        if not len(self._encoded_examples):
            return None
        rows = examples.needs_rows(facets)
        if queries is None or len(queries) != len(facets):
            said = self._encode_said([facets[k].asked for k in rows])
        else:
            said = queries[rows]
        needs = examples.person_needs(said)
        return self._encoded_examples.closeness(
            needs, self.embeddings[np.asarray(members)], person_id=profile.id
        )

    def forget(self) -> None:
        """Drop what `prepare` remembered."""
        self._said_vectors = {}

    def _encode_said(self, texts: Sequence[str], *, remember: bool = False) -> Vectors:
        assert self.encoder is not None
        known = self._said_vectors
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        fresh: dict[str, Vectors] = {}
        if missing:
            vectors = np.asarray(self.encoder.encode(missing), dtype=np.float32)
            fresh = dict(zip(missing, vectors, strict=True))
            if remember:
                if len(known) + len(fresh) > SAID_CACHE_SIZE:
                    known.clear()
                known.update(fresh)
        return np.array([fresh[t] if t in fresh else known[t] for t in texts], dtype=np.float32)

    # --- hard constraints ------------------------------------------------------------------

    def _hard_mask(
        self, profile: Profile, distance: FloatArray, reach: FloatArray
    ) -> npt.NDArray[np.bool_]:
        mask = self.active.copy()
        for sid in profile.exclude_service_ids:
            pos = self._position.get(sid)
            if pos is not None:
                mask[pos] = False
        if profile.age is not None:
            mask &= (self.min_age <= profile.age) & (profile.age <= self.max_age)
        if profile.cost == "free_only":
            mask &= ~self.paid
        elif profile.cost == "low_cost":
            mask &= ~(self.paid & (self.cost_amount > LOW_COST_MAX))
        if profile.point is not None:
            mask &= ~self.has_point | (distance <= np.maximum(reach, self.remote_reach) + 1e-9)
        return mask

    def _reach(self, profile: Profile) -> FloatArray:
        n = len(self.services)
        limit = profile.max_distance_km
        if profile.travel == "needs_transport":
            far = limit if limit is not None else REACH_KM["needs_transport"]
            if stated.someone_takes_them(profile):  # "his wife drives him"
                return np.full(n, float(far))
            near = min(NEAR_KM, limit) if limit is not None else NEAR_KM
            return np.where(self.transport, far, near).astype(np.float64)
        if limit is None:
            limit = REACH_KM.get(profile.travel or "", DEFAULT_REACH_KM)
        return np.full(n, float(limit))

    def _passes_text_constraints(self, profile: Profile, service: ServiceDoc) -> bool:
        i = self._position[service.id]
        gender = constraints.gender_of(profile.gender)
        only = self.gender_only[i]
        if gender is not None and only is not None and only != gender:
            return False
        requirement = self.required_condition[i]
        if requirement is not None and not constraints.meets_condition(
            requirement, _said_stems(profile)
        ):
            return False
        return constraints.shares_language(profile.languages, service)

    def _audience_fit(
        self, profile: Profile, i: int, said: frozenset[str]
    ) -> tuple[float, list[str]]:
        """(factor, reasons) for the audiences the listing names that the person is not known
        to belong to (`constraints.audiences`)."""
        if not self.audiences[i]:
            return 1.0, []
        gender = constraints.gender_of(profile.gender)
        factor, notes = 1.0, []
        for audience in self.audiences[i]:
            fits = constraints.belongs(audience, gender, said, profile.age)
            if fits:
                continue
            label = audience.label
            if audience.kind in ("condition", "children"):
                label = f"for {label}"
            if fits is False:
                factor = min(factor, AUDIENCE_MISMATCH_FACTOR)
                notes.append(f"{label}, the listing says")
            else:
                # A gender the profile does not give is an even chance, not a sign the group is
                # for someone else: said, not discounted.
                if audience.kind not in ("female", "male"):
                    factor = min(factor, AUDIENCE_FACTOR)
                notes.append(f"{label}, the listing says \u2014 check it suits you")
        return factor, notes

    # --- soft parts -------------------------------------------------------------------------

    def _distances(self, profile: Profile, within: float = math.inf) -> FloatArray:
        """Km to each service's nearest venue; inf where either side has no point, and (when
        `within` is finite) where every venue is more than `within` km away: only the venues
        whose latitude and longitude could be that near are measured."""
        out = np.full(len(self.services), np.inf)
        point = profile.point
        if point is None or not len(self._point_owner):
            return out
        lat, lon = math.radians(point[0]), math.radians(point[1])
        near = _near_box(self._point_lat, self._point_lon, lat, lon, within)
        point_lat, point_lon, cos_lat = self._point_lat, self._point_lon, self._point_cos_lat
        run_starts, run_owner = self._run_starts, self._run_owner
        if near is not None:
            point_lat, point_lon, cos_lat = point_lat[near], point_lon[near], cos_lat[near]
            owner = self._point_owner[near]
            run_starts = np.flatnonzero(np.diff(owner, prepend=-1))
            run_owner = owner[run_starts]
            if not len(owner):
                return out
        h = (
            np.sin((point_lat - lat) / 2) ** 2
            + math.cos(lat) * cos_lat * np.sin((point_lon - lon) / 2) ** 2
        )
        km = 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        out[run_owner] = np.minimum.reduceat(km, run_starts)
        return out

    def _vector_parts(
        self,
        profile: Profile,
        distance: FloatArray,
        reach: FloatArray,
        at: dt.datetime | None,
        on: frozenset[str] | set[str],
        candidates: npt.NDArray[np.int64],
    ) -> dict[str, FloatArray]:
        """The score's parts that are one value a service, for the `candidates` only."""
        parts: dict[str, FloatArray] = {}
        if "distance" in on:
            near = distance[candidates]
            known = np.isfinite(near)
            scale = np.maximum(reach[candidates], NEAR_KM) * 1.2
            parts["distance"] = np.where(known, np.clip(1 - near / scale, 0, 1), 0.5)
        if "freshness" in on:
            ref = at.date() if at is not None else self.newest_day
            parts["freshness"] = self._cached_part("freshness", ref, self._freshness)[candidates]
        if "quality" in on:
            parts["quality"] = self.quality[candidates]
        parts["cost"] = self._cached_part(
            "cost", profile.cost in ("free_only", "low_cost"), self._cost
        )[candidates]
        return parts

    def _cached_part(self, name: str, key: Any, compute: Any) -> FloatArray:
        cached = self._part_cache.get((name, key))
        if cached is None:
            if len(self._part_cache) > 64:  # a long-lived Matcher ranked over many days
                self._part_cache.clear()
            cached = self._part_cache[(name, key)] = compute(key)
        return cached

    def _freshness(self, ref: dt.date | None) -> FloatArray:
        if ref is None:
            return np.full(len(self.services), 0.5)
        age = ref.toordinal() - self.checked_day
        fresh = np.where(
            age <= FRESH_DAYS, 1.0,
            np.where(age <= STALE_DAYS, 1 - 0.7 * (age - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS), 0.3),
        )  # fmt: skip
        out: FloatArray = np.where(np.isnan(self.checked_day), 0.5, fresh)
        return out

    def _cost(self, asked: bool) -> FloatArray:
        """For people who asked for free or low cost, and for the rest."""
        if asked:
            cheap = self.paid & (self.cost_amount <= LOW_COST_MAX)
            out: FloatArray = np.where(
                self.free, 1.0, np.where(cheap, 0.7, np.where(self.paid, 0.2, 0.4))
            )
            return out
        out = np.where(self.free, 0.7, 0.5)
        return out

    def _relevance(
        self,
        profile: Profile,
        facets: list[_Facet],
        on: frozenset[str] | set[str],
        candidates: npt.NDArray[np.int64],
        eligible: npt.NDArray[np.bool_],
        cosine: Vectors | None = None,
    ) -> tuple[FloatArray, dict[str, Any]]:
        """Relevance of the `candidates` (sorted service positions, `eligible` as a mask): one
        column each. The lexical parts are read from the postings and the related phrases'
        cached matches that fall among the candidates; the semantic part is one float32 product
        (`_cosines`), or its `cosine` columns for the candidates when already computed."""
        m = len(candidates)
        if not facets:
            zero = np.zeros(m)
            return zero, {
                "facet_scores": np.zeros((0, m)),
                "lex": np.zeros((0, m)),
                "rel": np.zeros((0, m)),
                "sem": np.zeros((0, m)),
                "best_phrase": [],
            }
        # A service's column among the candidates (meaningful where `eligible`): looked up when
        # they are few (a shortlist), else read from an array as long as the directory.
        few = m * FEW_CANDIDATES < len(eligible)
        place = None if few else np.cumsum(eligible) - 1

        def column(docs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
            return np.searchsorted(candidates, docs) if place is None else place[docs]

        lex = np.zeros((len(facets), m))
        rel = np.zeros((len(facets), m))
        sem = np.zeros((len(facets), m))
        best_phrase: list[_BestPhrase] = []
        # The candidates each facet's words or related phrases reached: lexical relevance is 0
        # everywhere else, so it is combined with the semantic part only there.
        touched = np.zeros((len(facets), m), dtype=bool)
        for f, facet in enumerate(facets):
            if "lexical" in on and facet.ideal > 0:
                if few:  # the candidates' scores, not every posting's (the same floats)
                    raw = self.index.scores_at(facet.query, candidates)
                    hit = np.flatnonzero(raw)
                    raw = raw[hit]
                else:
                    docs, raw = self.index.scores_among(facet.query, eligible)
                    hit = column(docs)
                if len(hit):
                    lex[f, hit] = 1 - np.exp(-LEXICAL_SLOPE * raw / facet.ideal)
                    touched[f, hit] = True
            phrases = _BestPhrase()
            if "synonyms" in on:
                for expansion in facet.expansions:
                    other_kind = self._other_kind(expansion)
                    for phrase in expansion.phrases:
                        docs, value = self._phrase_match(phrase.terms)
                        if not len(docs):
                            continue
                        keep = eligible[docs]
                        if len(other_kind):  # "mosque" does not find a church through "faith"
                            keep &= ~np.isin(docs, other_kind, assume_unique=True)
                        hit, value = column(docs[keep]), value[keep]
                        if not len(hit):
                            continue
                        better = value > rel[f, hit] + 1e-12
                        phrases.record(hit[better], f"{expansion.trigger}|{phrase.text}")
                        rel[f, hit] = np.maximum(rel[f, hit], value)
                        touched[f, hit] = True
            best_phrase.append(phrases)
        queries: Vectors | None = None
        if "semantic" in on and self.embeddings is not None and self.encoder is not None:
            if cosine is None:
                queries = self._encode_said([f.asked for f in facets])
                cosine, columns = self._cosines(queries, candidates)
                if columns is not None:
                    cosine = cosine[:, columns]
            sem = np.clip((cosine - SEMANTIC_FLOOR) / SEMANTIC_SPAN, 0, 1)
            use_semantic = True
        else:
            use_semantic = False
        use_lexical = "lexical" in on or "synonyms" in on
        if use_semantic and use_lexical:
            # (1 - share) * lexical + share * sem, written where lexical is not 0: the same
            # floats as over the whole matrix (elsewhere 0.0 + x is x), in fewer passes.
            semantic_part = SEMANTIC_SHARE * sem  # float32, as in the whole-matrix sum
            facet_scores = semantic_part.astype(np.float64)
            for f in range(len(facets)):
                at_ = np.flatnonzero(touched[f])
                if len(at_):
                    lexical = np.maximum(lex[f, at_], rel[f, at_])
                    facet_scores[f, at_] = (1 - SEMANTIC_SHARE) * lexical + semantic_part[f, at_]
        elif use_semantic:
            facet_scores = sem
        else:
            facet_scores = np.maximum(lex, rel)
        # A facet that is about one's own faith ("mosque", "church choir") is no nearer to a
        # listing of another faith than to any other listing: the encoder sees them as close.
        for f, facet in enumerate(facets):
            if len(text.words(facet.asked)) > ABOUT_A_KIND_WORDS:
                continue
            for expansion in facet.expansions:
                other_kind = self._other_kind(expansion)
                if len(other_kind):
                    other_kind = other_kind[eligible[other_kind]]
                    at_ = column(other_kind)
                    facet_scores[f, at_] = lex[f, at_] = rel[f, at_] = 0
                    if use_semantic:
                        sem[f, at_] = 0
        # Nor is one about the person's recovery from drink or drugs to a listing about
        # another recovery (its words say recovery and no drink, drug or addiction).
        other_recovery = None
        for f, facet in enumerate(facets):
            if not facet.substance_recovery:
                continue
            if other_recovery is None:
                other_recovery = self._other_recovery()
                other_recovery = column(other_recovery[eligible[other_recovery]])
            facet_scores[f, other_recovery] = lex[f, other_recovery] = 0
            rel[f, other_recovery] = 0
            if use_semantic:
                sem[f, other_recovery] = 0
        weights = np.array([f.weight for f in facets])[:, None]
        weighted = facet_scores * weights
        best = weighted.max(axis=0)
        relevance = np.clip(best + OTHER_FACETS_SHARE * (weighted.sum(axis=0) - best), 0, 1)
        detail = {
            "facet_scores": weighted,
            "lex": lex,
            "rel": rel,
            "sem": sem if use_semantic else np.zeros_like(lex),
            "best_phrase": best_phrase,
            "queries": queries,  # None when the semantic part is off or came from a shortlist
        }
        return relevance, detail

    def _other_recovery(self) -> npt.NDArray[np.int64]:
        """The services (sorted positions) whose words say recovery and nothing of drink, drugs
        or addiction: a recovery college, recovery from a stroke. Kept per Matcher."""
        if self._recovery_others is None:
            said = [self.index.containing_all((t,)) for t in text.RECOVERY_STEMS]
            substance = [self.index.containing_all((t,)) for t in text.SUBSTANCE_STEMS]
            self._recovery_others = np.setdiff1d(
                np.unique(np.concatenate(said)), np.unique(np.concatenate(substance))
            )
        return self._recovery_others

    def _other_kind(self, expansion: text.Expansion) -> npt.NDArray[np.int64]:
        """The services (sorted positions) that name a kind of the expansion's group other than
        the person's and none of theirs: for someone who named a mosque, a listing that names a
        church or a gurdwara and no mosque. Empty when the person named no kind. Kept per
        Matcher, like the phrases' matches."""
        if not expansion.excluding:
            return np.zeros(0, dtype=np.int64)
        key = (
            tuple(p.terms for p in expansion.excluding),
            tuple(p.terms for p in expansion.own),
        )
        known = self._other_kinds.get(key)
        if known is None:

            def naming(phrases: tuple[text.Phrase, ...]) -> npt.NDArray[np.int64]:
                found = [self.index.containing_all(p.terms) for p in phrases if p.terms]
                return np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)

            known = np.setdiff1d(naming(expansion.excluding), naming(expansion.own))
            self._other_kinds[key] = known
        return known

    def _phrase_match(self, terms: tuple[str, ...]) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """(services holding the whole phrase, their related-term relevance). The phrases come
        from the fixed related-terms list, not from the person, so each is scored once per
        Matcher and kept (a few hundred small arrays at most)."""
        known = self._phrases.get(terms)
        if known is not None:
            return known
        query = dict.fromkeys(terms, 1.0)
        ideal = sum(self.index.idf(t) for t in query)
        # Only a whole phrase counts: "lunch club", not any "club".
        hit = self.index.containing_all(terms) if ideal > 0 else np.zeros(0, dtype=np.int64)
        value = np.zeros(0)
        if len(hit):
            raw = self.index.scores_at(query, hit)
            value = RELATED_WEIGHT * (1 - np.exp(-LEXICAL_SLOPE * raw / ideal))
        self._phrases[terms] = (hit, value)
        return hit, value

    # --- diversity --------------------------------------------------------------------------

    def _diversify(
        self,
        pool: list[tuple[float, int, dict[str, Any]]],
        detail: Mapping[str, Any],
        top: int,
        enabled: bool,
        ranker: features.Ranker | None = None,
    ) -> list[tuple[float, float, int, dict[str, Any]]]:
        """Greedy re-ranking: the next suggestion is the candidate with the highest score after
        its discount for resembling those already chosen, score x (1 - its largest `_penalty`
        against them) ** exponent.

        The exponent makes the discount independent of the scale of the fitted weights. The
        hand score (`ranker` None) is a weighted sum on a fixed scale: exponent 1. The fitted
        score is exp(w . x), and a share of it is a fixed step of w . x, which means less the
        larger the weights are: weights fitted with less regularisation, or on a larger
        semantic share, can be twice as large, their log-scores twice as far apart, and a fixed
        step would no longer move a second walking group below a choir. So the step is counted
        in the ranker's own spread of log-scores (`features.Ranker.spread`, measured on the
        pools it was fitted on): exponent = spread / REFERENCE_SPREAD, the step in log-score
        -ln(1 - penalty) x spread / REFERENCE_SPREAD. Multiplying every weight by k multiplies
        the log-scores and the spread by k, and the same listings are chosen. The spread is the
        ranker's and not this pool's: in a small pool (six walking groups and a choir) the gap
        to jump is itself most of the pool's spread, and no step counted in it could jump it."""
        if not enabled:
            return [(score, 1.0, i, info) for score, i, info in pool[:top]]
        exponent = 1.0 if ranker is None else _exponent(ranker)
        same_kind = FITTED_SAME_KIND_DIVERSITY if ranker is not None else SAME_KIND_DIVERSITY
        facet_scores = detail["facet_scores"]
        dominant: dict[int, int | None] = {}
        for _, i, info in pool:
            c = info["column"]
            if len(facet_scores) and facet_scores[:, c].max() >= 0.2:
                dominant[i] = int(facet_scores[:, c].argmax())
            else:
                dominant[i] = None
        members = [i for _, i, _ in pool]
        cosines = None
        if self.embeddings is not None:
            # The pool's cosines in one product (float64, as the one-pair dot products were).
            vectors = self.embeddings[members].astype(np.float64)
            cosines = vectors @ vectors.T
        chosen: list[tuple[float, float, int, dict[str, Any]]] = []
        # Each candidate's highest penalty against those chosen so far, updated per pick.
        penalty = [0.0] * len(pool)
        remaining = list(range(len(pool)))
        while remaining and len(chosen) < top:
            best: tuple[float, str, int] | None = None
            for k, p in enumerate(remaining):
                score, i, _ = pool[p]
                value = _round(score * (1 - penalty[p]) ** exponent)
                key = (-value, self.ids[i], k)
                if best is None or key < (-best[0], best[1], best[2]):
                    best = (value, self.ids[i], k)
            assert best is not None
            value, _, k = best
            picked = remaining.pop(k)
            score, i, info = pool[picked]
            chosen.append((value, value / score if score else 1.0, i, info))
            for p in remaining:
                cosine = None if cosines is None else float(cosines[p, picked])
                penalty[p] = max(
                    penalty[p], self._penalty(pool[p][1], i, dominant, cosine, same_kind)
                )
        return chosen

    def _penalty(
        self,
        a: int,
        b: int,
        dominant: Mapping[int, int | None],
        cosine: float | None = None,
        same_kind: float = SAME_KIND_DIVERSITY,
    ) -> float:
        """How much a candidate is discounted for resembling one already chosen: the same
        activity under another provider ("Telephone befriending (Baschurch)" after
        "Telephone befriending (Whitchurch)") much more than merely similar content."""
        if self._kinds[a] and self._kinds[a] == self._kinds[b]:
            return same_kind
        return DIVERSITY * self._similarity(a, b, dominant, cosine)

    def _similarity(
        self, a: int, b: int, dominant: Mapping[int, int | None], cosine: float | None = None
    ) -> float:
        same = dominant.get(a) is not None and dominant.get(a) == dominant.get(b)
        if self.embeddings is not None:
            if cosine is None:
                cosine = float(self.embeddings[a].astype(np.float64) @ self.embeddings[b])
            content = max(0.0, (cosine - 0.6) / 0.4)
        else:
            x, y = self._names[a], self._names[b]
            content = len(x & y) / len(x | y) if x and y else 0.0
        return max(SAME_FACET_SIMILARITY if same else 0.0, min(1.0, content))

    # --- output -----------------------------------------------------------------------------

    def _suggestion(
        self,
        profile: Profile,
        i: int,
        score: float,
        diversity: float,
        info: Mapping[str, Any],
        detail: Mapping[str, Any],
        parts: Mapping[str, FloatArray],
        relevance: FloatArray,
        facets: list[_Facet],
        at: dt.datetime | None,
    ) -> Suggestion:
        service = self.services[i]
        c = info["column"]  # the service's place in the per-query arrays
        reasons = _relevance_reasons(i, c, facets, detail, self.index, self.place_only[i])
        if facets and not reasons:
            # Few listings pass the person's limits, and this one meets nothing they said: say
            # so rather than let it pass for a match.
            reasons.append(wording.NO_MATCH)
        distance = info["distance"]
        if distance is not None:
            reason = wording.distance_text(distance)
            place = min(
                (p for p in service.locations if p.point is not None),
                key=lambda p: _km(profile.point, p.point),
            )
            if (
                place.transportation
                and len(place.transportation) <= 60
                and profile.travel in (None, "public_transport")
            ):
                how = place.transportation.rstrip(" .")
                reason += f", {how[0].lower()}{how[1:]}"
            reasons.append(reason)
        elif self.remote[i] and self.has_point[i] and profile.point is not None:
            # Its venue is beyond the person's reach: say why it is suggested all the same.
            reasons.append(wording.GIVEN_REMOTELY)
        if service.provides_transport and profile.travel == "needs_transport":
            reasons.append("provides transport")
        schedule_reason = _schedule_fit(profile, service, at)[1]
        if schedule_reason:
            reasons.append(schedule_reason)
        if service.free is True:
            reasons.append("free")
        elif service.free is False and service.cost_text:
            cost = service.cost_text
            reasons.append(f"costs {cost}" if cost.startswith("\u00a3") else cost)
        elif service.cost_text and service.cost_amount is not None:
            # Free for some, paid for others: the listing's words, to check which applies.
            reasons.append(f"{service.cost_text.rstrip('. ')} \u2014 check which applies")
        elif profile.cost == "free_only":
            reasons.append("cost not stated \u2014 check it is free")
        places = self.places_left[i]
        if places == 0:
            reasons.append("full at the moment \u2014 try the waiting list")
        elif places is not None:
            reasons.append(wording.places_text(places))
        elif service.open_referrals >= BUSY_REFERRALS:
            reasons.append(f"{service.open_referrals} referrals waiting for the provider's answer")
        access = info["access"]
        if access.met and service.points:
            reasons.append("suits your access needs (" + ", ".join(access.met) + ")")
        for need in access.unknown:
            if need == stated.PHONE_FOR_HEARING:
                reasons.append(
                    "given by phone \u2014 check there is a way in that suits your hearing"
                )
            else:
                reasons.append(f"check access: the listing does not mention {need}")
        audience_factor, audience_notes = info.get("audience", (1.0, []))
        reasons.extend(audience_notes)
        shared = [c for c in profile.languages if c in service.languages and c != "en"]
        if shared:
            reasons.append("in " + ", ".join(wording.language_name(c) for c in shared))
        if service.quality_assured is True:
            reasons.append("quality assured")
        elif service.quality_assured is False:
            reasons.append("provider's quality checks have lapsed")
        checked = service.last_verified or service.last_modified
        ref = at.date() if at is not None else self.newest_day
        if checked and ref and (ref - checked).days > STALE_DAYS:
            reasons.append(
                f"listing not checked since {wording.month_year(checked)} \u2014 ring first"
            )
        if service.accepts_referrals is True:
            reasons.append(wording.TAKES_REFERRALS)
        elif service.accepts_referrals is False:
            reasons.append(wording.SIGNPOSTING_ONLY)
        components = {
            "relevance": _round(relevance[c]),
            "lexical": _round(detail["lex"][:, c].max()) if len(facets) else 0.0,
            "synonyms": _round(detail["rel"][:, c].max()) if len(facets) else 0.0,
            "semantic": _round(detail["sem"][:, c].max()) if len(facets) else 0.0,
            **{name: _round(values[c]) for name, values in parts.items()},
            "schedule": _round(info["schedule"]),
            "capacity": FULL_FACTOR if self.full[i] else BUSY_FACTOR if self.busy[i] else 1.0,
            "diversity": _round(diversity),
            "audience": _round(audience_factor),
        }
        return Suggestion(
            service_id=service.id,
            score=score,
            reasons=reasons,
            at_capacity=bool(self.full[i]),
            places_left=places,
            distance_km=None if distance is None else round(distance, 2),
            components=components,
        )


# --- helpers ----------------------------------------------------------------------------------

# Service text -> vector, shared by every Matcher in the process: the web builds a Matcher from
# the database per request (`directory.matcher_from_db`), and only new or edited listings then
# need the encoder. Bounded; cleared wholesale when full (simple, and rare).
_SERVICE_VECTORS: dict[str, npt.NDArray[np.float32]] = {}
_SERVICE_VECTORS_OWNER: list[Encoder] = []  # the encoder the cached vectors came from
SERVICE_CACHE_SIZE = 20_000


# One encoding at a time: a web worker may warm the cache in a background thread
# (`linkwell.matching.cache`) while a request builds a Matcher; the second waits, then finds its
# vectors cached instead of encoding them again.
_SERVICE_VECTORS_LOCK = threading.Lock()


def missing_service_vectors(
    encoder: Encoder, texts: Sequence[str], store: VectorStore | None = None
) -> list[str]:
    """The distinct texts with no vector in the process or in `store` (no encoding; what the
    store has is loaded into the process). The web uses it to decide whether building a
    Matcher would keep a person waiting."""
    with _SERVICE_VECTORS_LOCK:
        _own_cache(encoder)
        missing = [t for t in dict.fromkeys(texts) if t not in _SERVICE_VECTORS]
        if missing and store is not None:
            missing = _load_stored(encoder, missing, store)
        return missing


def warm_service_vectors(
    encoder: Encoder, texts: Sequence[str], store: VectorStore | None = None
) -> None:
    """Encode and cache these service texts (and keep them in `store`), so a later `Matcher`
    with `encoder` builds fast."""
    _service_vectors(encoder, texts, store)


# (id of encoder, id of example set) -> (encoder, example set, encoded): the values hold the
# objects, so an id is never reused while its entry is kept.
_EXAMPLES_CACHE: dict[tuple[int, int], tuple[object, object, examples.EncodedExamples]] = {}


@functools.cache
def _default_examples() -> examples.ExampleSet | None:
    """The shipped worked examples, read once; None when the file is missing."""
    return examples.read_examples() if examples.EXAMPLES_FILE.exists() else None


def _encode_examples(encoder: Encoder, worked: examples.ExampleSet) -> examples.EncodedExamples:
    """`worked` through `encoder`, kept for the last encoder and example set pairs (encoding
    them is a few hundred phrases: once per process, not once per Matcher)."""
    key = (id(encoder), id(worked))
    entry = _EXAMPLES_CACHE.get(key)
    if entry is None:
        if len(_EXAMPLES_CACHE) >= 4:
            _EXAMPLES_CACHE.clear()
        encoded = examples.EncodedExamples(
            worked,
            lambda texts: np.asarray(encoder.encode(texts), dtype=np.float32),
            model=model_key(encoder),
            stored=examples.VECTORS_FILE,
        )
        entry = (encoder, worked, encoded)
        _EXAMPLES_CACHE[key] = entry
    return entry[2]


def _own_cache(encoder: Encoder) -> None:
    if not _SERVICE_VECTORS_OWNER or _SERVICE_VECTORS_OWNER[0] is not encoder:
        _SERVICE_VECTORS.clear()
        _SERVICE_VECTORS_OWNER[:] = [encoder]


def _load_stored(encoder: Encoder, missing: list[str], store: VectorStore) -> list[str]:
    """Move what `store` has of `missing` into the process cache; the texts it lacks."""
    keys = {t: text_key(t) for t in missing}
    found = store.load(model_key(encoder), list(keys.values()))
    if len(_SERVICE_VECTORS) + len(found) > SERVICE_CACHE_SIZE:
        _SERVICE_VECTORS.clear()
    for t, key in keys.items():
        vector = found.get(key)
        if vector is not None:
            _SERVICE_VECTORS[t] = vector
    return [t for t in missing if keys[t] not in found]


def _service_vectors(
    encoder: Encoder, texts: Sequence[str], store: VectorStore | None = None
) -> Vectors:
    with _SERVICE_VECTORS_LOCK:
        _own_cache(encoder)
        missing = [t for t in dict.fromkeys(texts) if t not in _SERVICE_VECTORS]
        known: dict[str, Vectors] = {}
        if missing and store is not None:
            keys = {t: text_key(t) for t in missing}
            stored = store.load(model_key(encoder), list(keys.values()))
            known = {t: stored[k] for t, k in keys.items() if k in stored}
            missing = [t for t in missing if t not in known]
        if missing:
            vectors = np.asarray(encoder.encode(missing), dtype=np.float32)
            fresh = dict(zip(missing, vectors, strict=True))
            if store is not None:
                store.save(model_key(encoder), {text_key(t): v for t, v in fresh.items()})
            known.update(fresh)
        out = np.empty((len(texts), _dimension(encoder, known)), dtype=np.float32)
        for row, t in enumerate(texts):
            vector = known.get(t)
            out[row] = vector if vector is not None else _SERVICE_VECTORS[t]
        # The process cache is cleared when full (simple, and rare); a directory larger than
        # it is served from `known` and `store` instead.
        if len(_SERVICE_VECTORS) + len(known) > SERVICE_CACHE_SIZE:
            _SERVICE_VECTORS.clear()
        if len(known) <= SERVICE_CACHE_SIZE:
            _SERVICE_VECTORS.update(known)
        return out


def _dimension(encoder: Encoder, known: Mapping[str, Vectors]) -> int:
    for vector in known.values():
        return len(vector)
    for vector in _SERVICE_VECTORS.values():
        return len(vector)
    return int(getattr(encoder, "dimension", 384))


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """One BLAS thread for query-sized products (a few rows against the directory)."""
    from linkwell.matching import embedding

    with embedding.blas_threads(1):
        yield


@functools.lru_cache(maxsize=1024)
def _said_stems(profile: Profile) -> frozenset[str]:
    said = [*profile.conditions, *profile.needs, *profile.interests, profile.what_matters]
    return frozenset(stem for value in said for stem in text.stems(value))


def _audience_stems(profile: Profile) -> frozenset[str]:
    """What the person said, relatives left out: "my mum" does not make them a parent."""
    return constraints.person_stems(
        [*profile.conditions, *profile.needs, *profile.interests, profile.what_matters]
    )


_PLACE_SUFFIX = re.compile(r"\s*(?:\(|\bat\b|\bin\b|\s[-\u2013\u2014:]\s).*$", re.IGNORECASE)


def _kind(service: ServiceDoc) -> tuple[str, ...]:
    """What a listing is, without where or by whom: "Telephone befriending (Whitchurch Good
    Neighbours)", "Led bike rides for beginners in Wem" and "Gobowen community choir" (in
    Gobowen) -> their activity's stems; a bare number ("Walking group 2", "Zumba 1") is which
    one, not what it is. Listings of the same kind are near-duplicates for the person, whoever
    runs them and wherever they meet."""
    stems = [t for t in text.stems(_PLACE_SUFFIX.sub("", service.name)) if not t.isdigit()]
    towns = {t for place in service.locations for t in text.stems(_town(place))}
    kind = [t for t in stems if t not in towns]
    return tuple(kind or stems)


def _town(place: Any) -> str:
    """The town of an address written "address_1, city, postcode" (both `load_directory` and
    `service_docs_from_db` write it so); "" when there is no separate town."""
    parts = [p.strip() for p in place.address.split(",") if p.strip()]
    if parts and place.postcode and parts[-1] == place.postcode:
        parts = parts[:-1]
    return parts[-1] if len(parts) >= 2 else ""


EARTH_KM = 6371.0088
BOX_MARGIN_KM = 0.01  # the box around a person is this much wider than their reach


def _near_box(
    lats: FloatArray, lons: FloatArray, lat: float, lon: float, km: float
) -> npt.NDArray[np.int64] | None:
    """The points (radians) that may be within `km` of (lat, lon): a latitude band (a
    great-circle distance is at least the radius times the difference in latitude) and, away
    from the poles, a longitude band (from haversine: sin^2(d/2R) >= cos(lat1) cos(lat2)
    sin^2(dlon/2)). None when no band can be drawn (every point may be that near)."""
    if not math.isfinite(km):
        return None
    dlat = (km + BOX_MARGIN_KM) / EARTH_KM
    if dlat >= math.pi / 4:
        return None
    keep = np.abs(lats - lat) <= dlat
    cos_low = math.cos(min(math.pi / 2, abs(lat) + dlat)) * math.cos(lat)
    if cos_low > 0.01:
        half = math.sin(min(math.pi / 2, dlat / 2)) / math.sqrt(cos_low)
        if half < 0.5:  # sin(dlon/2) <= half: |dlon| <= 2 asin(half), well below pi
            dlon = np.abs(lons - lon)
            dlon = np.minimum(dlon, 2 * math.pi - dlon)
            keep &= dlon <= 2 * math.asin(half)
    return np.flatnonzero(keep)


def _km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float:
    if a is None or b is None:
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _doc_terms(service: ServiceDoc, place: frozenset[str] = frozenset()) -> list[str]:
    """Name and categories count twice (a crude BM25F): a "Walking group" is more about walking
    than a café that mentions a walk. The name's words that are only its neighbourhood's name
    (`place`, from `_place_only_stems`: "Astley Bridge" in "Astley Bridge Good Neighbours") are
    left out: a bridge player is not looking for it."""
    said = [s for s in text.stems(service.name) if s not in place]
    name = said + [f"{a} {b}" for a, b in itertools.pairwise(said)]
    taxonomy = [t for term in service.taxonomy_terms for t in text.terms(term)]
    body = text.terms(
        text.without_who_runs_it(
            " ".join([service.description, service.eligibility, service.organization])
        )
    )
    return name * 2 + taxonomy * 2 + body


def _facets(profile: Profile, index: text.BM25) -> list[_Facet]:
    items = (
        [("interest", t) for t in profile.interests]
        + [("need", t) for t in profile.needs]
        + [("condition", t) for t in profile.conditions]
        + ([("what_matters", profile.what_matters)] if profile.what_matters else [])
        # "I care for my mother, who has dementia": a carer's need, as strong as one they named.
        + [
            ("caring", CARING_FACET.format(condition))
            for condition in constraints.cared_for_conditions(
                [*profile.needs, profile.what_matters]
            )
        ]
    )
    out = []
    # Someone whose recovery is from drink or drugs ("drug recovery", "opiate dependence in
    # recovery") means that recovery wherever they say it ("a recovery coach"): the word alone is
    # not searched (a recovery college is about mental health), the substance phrases it
    # brings are (`text.substance_recovery`).
    dropped = text.RECOVERY_STEMS if text.substance_recovery([v for _, v in items]) else ()
    for kind, value in items:
        # "I don't want to sit in a day centre", "not a group person": what they refuse is not
        # what they ask for, so it is neither searched for nor encoded.
        asked = text.without_refusals(value)
        if not text.words(asked):
            continue
        query: dict[str, float] = {}
        for term in text.said_terms(asked):
            if term in dropped:
                continue
            query[term] = query.get(term, 0.0) + 1.0
        ideal = sum(w * index.idf(t) for t, w in query.items())
        out.append(
            _Facet(
                kind=kind,
                said=value,
                asked=asked,
                weight=FACET_WEIGHTS[kind],
                query=query,
                ideal=ideal,
                expansions=text.expand(asked),
                substance_recovery=bool(dropped)
                and bool(set(text.stems(asked)) & text.RECOVERY_STEMS)
                and len(text.words(asked)) <= ABOUT_A_KIND_WORDS,
            )
        )
    return out


_NAME_WORD_RE = re.compile(r"[\w'\u2019]+")  # a word, with its apostrophes


def _place_only_stems(service: ServiceDoc) -> frozenset[str]:
    """Stems a listing has only as the name of where it is: "Bridge" in "Astley Bridge Good
    Neighbours", whose venue is the "Astley Bridge Neighbourhood Centre", is a place, not the
    card game someone plays. A run of capitalised words in the listing's name that begins one
    of its venues' names, where the two names then part (what follows in the venue's says what
    kind of place it is: a centre, a church hall), names the neighbourhood. It does not when the
    listing is named after its whole venue ("Farnley Methodist Church Lunch Club"), the venue
    after the whole listing ("Walking Group meeting point") or after the organisation that runs
    it ("Royal British Legion Club"). Its words are a place only where the listing's
    description, eligibility and categories do not use them too."""
    name = _NAME_WORD_RE.findall(service.name)
    organisation = service.organization.strip().casefold()
    run: list[str] = []
    for place in service.locations:
        venue = _NAME_WORD_RE.findall(place.name)
        for start in range(len(name)):
            length = 0
            while (
                start + length < len(name)
                and length < len(venue)
                and name[start + length] == venue[length]
                and name[start + length][:1].isupper()
            ):
                length += 1
            if length == len(venue) or length == len(name):
                break
            if length > len(run) and " ".join(venue[:length]).casefold() != organisation:
                run = name[start : start + length]
    if not run:
        return frozenset()
    elsewhere = set(
        text.stems(" ".join([service.description, service.eligibility, *service.taxonomy_terms]))
    )
    return frozenset(set(text.stems(" ".join(run))) - elsewhere)


def _relevance_reasons(
    i: int,
    c: int,
    facets: list[_Facet],
    detail: Mapping[str, Any],
    index: text.BM25,
    place_only: frozenset[str] = frozenset(),
) -> list[str]:
    """Service `i` (column `c` of the per-query arrays in `detail`). `place_only`: stems the
    listing has only in the name of its place (`_place_only_stems`), never quoted as a match."""
    if not facets:
        return []
    scores = detail["facet_scores"][:, c]
    vocabulary = index.vocabulary[i] - place_only
    reasons = []
    # A facet whose only words in common with the listing are its neighbourhood's name
    # ("bridge" and "Astley Bridge") gives no reason: the encoder read that same name.
    named_for = set()
    for f, facet in enumerate(facets if place_only else ()):
        shared = set(text.stems(facet.asked)) & index.vocabulary[i]
        if detail["lex"][f, c] >= 0.3 and shared and shared <= place_only:
            named_for.add(f)
    ordered = sorted(range(len(facets)), key=lambda f: (-scores[f], f))
    for f in [f for f in ordered if f not in named_for][:3]:
        if scores[f] < 0.15:
            break
        facet = facets[f]
        lex, rel, sem = detail["lex"][f, c], detail["rel"][f, c], detail["sem"][f, c]
        if facet.kind == "caring":
            if max(lex, rel, sem) >= 0.3:
                reasons.append(
                    f"about {wording.quote(facet.said)}, which the person you care for lives with"
                )
            continue
        if lex >= 0.3 and lex >= rel:
            # Only words searched for are quoted: not the crowd of "a swim without a crowd".
            # Two words read as one term ("learning disability") are matched as that term.
            terms = set(text.stems(facet.asked))
            if terms and terms <= vocabulary and len(text.words(facet.said)) <= 4:
                reasons.append(f"matches {wording.quote(facet.said)}")
                continue
            own = [w for w in dict.fromkeys(text.words(facet.asked)) if w not in text.STOP_WORDS]
            matched = [w for w in own if text.stem(w) in vocabulary]
            # From a longer text, quote only the telling words: "matches 'home'" because the
            # person said they want to get out of the home more is not a reason to read aloud.
            matched = [w for w in matched if _telling(index, w)]
            if matched:
                quoted = " and ".join(wording.quote(w) for w in matched[:3])
                where = " from what matters to you" if facet.kind == "what_matters" else ""
                reasons.append(f"matches {quoted}{where}")
                continue
        best = detail["best_phrase"][f].get(c) if f < len(detail["best_phrase"]) else None
        if rel >= 0.15 and best is not None:
            trigger, phrase = best.split("|", 1)
            said = facet.said if len(text.words(facet.said)) <= 4 else trigger
            # Said once is enough: not "matches 'Loneliness'" and then "...: loneliness".
            if not any(
                r.lower().endswith(f": {phrase.lower()}") or f"'{phrase.lower()}'" in r.lower()
                for r in reasons
            ):
                reasons.append(f"related to {wording.quote(said)}: {phrase}")
        elif sem >= 0.4:
            if facet.kind == "what_matters":
                reasons.append(f"close to what matters to you ({wording.quote(facet.said)})")
            else:
                reasons.append(f"similar to {wording.quote(facet.said)}")
    return reasons


TELLING_SHARE = 0.1  # a word in more than this share of listings is too common to quote


def _telling(index: text.BM25, word: str) -> bool:
    """Whether a word the person said is specific enough to name as the reason for a match:
    it is in at most one listing in ten (or two listings, in a tiny directory)."""
    return index.document_frequency(text.stem(word)) <= max(2, TELLING_SHARE * index.n)


def _schedule_score(profile: Profile, service: ServiceDoc, at: dt.datetime | None) -> float:
    """`_schedule_fit`'s score without its wording (the pool needs the score of many services,
    the reasons only the few shown)."""
    today = at.date() if at is not None else None
    sessions = [
        s for s in service.schedules if today is None or s.valid_to is None or s.valid_to >= today
    ]
    if not sessions:
        return 0.1 if service.schedules and today is not None else 0.5
    if not profile.availability:
        return 0.5
    best = None
    for session in sessions:
        fitting = any(a.day == session.day and _overlaps(session, a) for a in profile.availability)
        value = 1.0 if fitting and session.opens is not None else 0.8 if fitting else 0.0
        if fitting and (best is None or value > best):
            best = value
    return 0.1 if best is None else best


def _schedule_fit(
    profile: Profile, service: ServiceDoc, at: dt.datetime | None
) -> tuple[float, str]:
    """(score, reason): 1 when a session falls in a time the person is free, 0.1 when none does,
    0.5 when either side says nothing."""
    today = at.date() if at is not None else None
    sessions = [
        s for s in service.schedules if today is None or s.valid_to is None or s.valid_to >= today
    ]
    if not sessions:
        if service.schedules and today is not None:
            return 0.1, f"no sessions listed after {wording.day_month(today)}"
        return 0.5, ""
    starts = ""
    upcoming = [
        s.valid_from
        for s in sessions
        if today is not None and s.valid_from and s.valid_from > today
    ]
    if upcoming and len(upcoming) == len(sessions):
        starts = f" (starts {wording.day_month(min(upcoming))})"
    if not profile.availability:
        return 0.5, wording.session_text(_first(sessions)) + starts
    best: tuple[float, Session, list[Any]] | None = None
    for session in sessions:
        slots = [a for a in profile.availability if a.day == session.day]
        fitting = [a for a in slots if _overlaps(session, a)]
        value = 1.0 if fitting and session.opens is not None else 0.8 if fitting else 0.0
        if fitting and (best is None or value > best[0]):
            best = (value, session, fitting)
    if best is None:
        said = wording.availability_text(profile.availability)
        return 0.1, (
            f"{wording.session_text(_first(sessions))}{starts} \u2014 not when you said you are "
            f"free ({said})"
        )
    value, session, fitting = best
    said = wording.availability_text(fitting)
    return value, f"{wording.session_text(session)}{starts} \u2014 you said {said}"


def _first(sessions: Sequence[Session]) -> Session:
    order = list(wording.DAY_NAMES)
    return min(sessions, key=lambda s: (order.index(s.day), s.opens or dt.time(0)))


def _overlaps(session: Session, slot: Any) -> bool:
    if session.opens is None:
        return True
    start = slot.start or dt.time(0)
    end = slot.end or dt.time(23, 59, 59)
    closes = session.closes or session.opens
    return (
        session.opens < end and closes > start if session.closes else start <= session.opens < end
    )


# --- the keyword baseline ---------------------------------------------------------------------

_BASELINE_CACHE: dict[str, Any] = {}


def bm25_baseline(
    services: Sequence[ServiceDoc], profile: Profile, *, top: int
) -> list[Suggestion]:
    """Plain keyword BM25 over name + description + taxonomy (no stemming tricks beyond the
    shared tokeniser, no related terms, no other signals); only inactive services are removed.
    The benchmark's comparison point: what plain keyword search would suggest."""
    cached = _BASELINE_CACHE.get("services")
    if cached is not services:
        docs = [
            text.terms(" ".join([s.name, s.description, " ".join(s.taxonomy_terms)]))
            for s in services
        ]
        _BASELINE_CACHE.update(services=services, index=text.BM25(docs))
    index: text.BM25 = _BASELINE_CACHE["index"]
    query: dict[str, float] = {}
    said = [*profile.interests, *profile.needs, *profile.conditions, profile.what_matters]
    for value in said:
        for term in text.terms(value):
            query[term] = query.get(term, 0.0) + 1.0
    scores = index.scores(query) if query else np.zeros(len(services))
    ranked = sorted(
        (i for i, s in enumerate(services) if s.status == ACTIVE),
        key=lambda i: (-_round(scores[i]), services[i].id),
    )[:top]
    return [
        Suggestion(
            service_id=services[i].id,
            score=_round(scores[i]),
            reasons=[],
            at_capacity=services[i].capacity_available == 0,
            places_left=services[i].capacity_available,
            distance_km=None,
            components={"lexical": _round(scores[i])},
        )
        for i in ranked
    ]
