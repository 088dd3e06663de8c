"""Per-(person, service) signals for the last step of ranking, and the small fitted model that
combines them.

The engine scores a pool of candidates that passed every hard constraint (`engine.Matcher._rank`);
when a `Ranker` is present, each pool member's score becomes

    score = exp(w . features)

with `features` from `pool_features` (the named columns in `FEATURES`) and `w` fitted offline by
cross-validation on the development people of the council evaluation set
(`linkwell/matching/fitting.py`, docs/decisions/0008-fitted-ranking.md). The weights ship in
`ranking_weights.json` next to this module; the setting `LINKWELL_MATCHING_WEIGHTS` (a path, e.g.
written by `linkwell match_decisions refit --out FILE`) replaces them. Nothing is trained at run
time.

The signals are general readings of listings and of what the person said, not rules for a
labelled person:

- `purposes`: what a listing is *for*, when it is not support for the person: training or
  networks for professionals, fundraising, awareness sessions for the public, paid care agencies
  and recruitment;
- `needs_first`: the person put their needs before everything else ("sort the money first", "I
  can't think about anything else");
- `refuses_groups` / `talking_group`: "I don't do groups", "not sitting in a circle talking", and
  listings that are peer-support or talking groups;
- the relevance of the listing to each kind of thing the person said (needs, interests,
  conditions, what matters, a carer's cared-for condition), and whether the listing's own
  categories name a need (`taxonomy`).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from linkwell.matching.documents import ServiceDoc
from linkwell.matching.profile import Profile
from linkwell.text import analysis as text

FloatArray = npt.NDArray[np.float64]

WEIGHTS_FILE = Path(__file__).resolve().parent / "ranking_weights.json"
WEIGHTS_SETTING = "LINKWELL_MATCHING_WEIGHTS"

FEATURES = (
    "hand",  # the hand-weighted score of README.md's formula (what the engine scored before)
    "best",  # the best facet's relevance (weighted by kind)
    "others",  # the other facets' relevance, summed
    "need",  # best relevance to a need the person named
    "interest",  # best relevance to an interest
    "condition",  # best relevance to a condition
    "what_matters",  # relevance to the "what matters" text
    "caring",  # relevance to what the one a carer looks after lives with
    "lexical",  # best direct keyword match
    "synonyms",  # best related-terms match
    "semantic",  # best encoder similarity
    "taxonomy",  # the listing's categories name something the person needs
    "needs_first_need",  # needs come first for them, and this meets a need
    "needs_first_other",  # needs come first, and this is an interest rather than a need
    "distance",
    "schedule",
    "freshness",
    "quality",
    "cost",
    "audience",  # 1 - the audience factor (the listing is for people they may not be)
    "access_unknown",  # the listing is silent on an access need they have
    "full",
    "busy",
    "not_for_person",  # training for professionals, fundraising, awareness, paid care agency
    "group_refused",  # they refuse talking groups, and this is one, or this kind of listing
    "examples",  # close to what suited people whose needs read like theirs (`examples.py`)
)


# --- general readings ----------------------------------------------------------------------

_PROFESSIONALS_RE = re.compile(
    r"\b(?:professionals?|practitioners?|staff|managers|employers|organisations)\s+(?:and\s+"
    r"\w+\s+)?only\b"
    r"|\bfor\s+(?:health\s+and\s+social\s+care\s+|health\s+|social\s+care\s+|care\s+)?"
    r"(?:professionals|practitioners|staff|managers|employers|organisations)\b"
    r"|\b(?:training|course)\s+for\s+(?:\w+\s+){0,3}(?:professionals|staff|managers|employers|"
    r"volunteers|leaders)\b"
    r"|\bnetwork\b[^.]{0,60}\bfor\s+organisations\b"
    r"|\bnot\s+a\s+support\s+group\b"
    r"|\(professionals\)|\bfor\s+staff\b",
    re.IGNORECASE,
)
_FUNDRAISING_RE = re.compile(
    r"\bfund-?rais\w*|\bsponsored\s+(?:walk|run|swim|cycle|event)|\braise\s+(?:money|funds)\b"
    r"|\bnominate\s+a\b",
    re.IGNORECASE,
)
_AWARENESS_RE = re.compile(
    r"\bawareness\s+(?:session|training|talk|course|day)\b|\binformation\s+session\b"
    r"|\bfind\s+out\s+more\s+about\b[^.]{0,80}\bthings\s+you\s+can\s+do\s+to\s+help\b"
    r"|\bbecome\s+an?\s+\w+\s+friend\b",
    re.IGNORECASE,
)
_PAID_CARE_RE = re.compile(
    r"\b(?:home\s+care|homecare|care)\s+agency\b|\brecruiting\b|\bcareer\s+in\s+care\b"
    r"|\blive-in\s+care\b|\bper\s+hour\b[^.]{0,40}\bcare\b|\bcqc-registered\b",
    re.IGNORECASE,
)


def purposes(service: ServiceDoc) -> frozenset[str]:
    """What a listing is for when it is not support for the person reading it: "professionals"
    (training, courses or networks for staff and organisations), "fundraising", "awareness" (an
    information session for the public) or "paid_care" (a care agency, or recruitment)."""
    said = " ".join((service.name, service.description, service.eligibility))
    found = set()
    if _PROFESSIONALS_RE.search(said):
        found.add("professionals")
    if _FUNDRAISING_RE.search(said):
        found.add("fundraising")
    if _AWARENESS_RE.search(said):
        found.add("awareness")
    if _PAID_CARE_RE.search(said):
        found.add("paid_care")
    return frozenset(found)


PURPOSE_FACTOR = 0.3  # a listing that is not support for the person ranks this much lower
# Said by the person, these make a listing's purpose theirs: they want to train, raise money,
# find out about a condition for others, or pay for care at home.
_WANTS_PURPOSE_RE = {
    "professionals": re.compile(r"\b(?:training|course|professional|my\s+job|at\s+work)\b", re.I),
    "fundraising": re.compile(
        r"\b(?:fund-?rais\w*|raise\s+money|sponsored|charity\s+event)\b", re.I
    ),
    "awareness": re.compile(
        r"\b(?:find\s+out\s+(?:more\s+)?about|understand|learn\s+about)\b", re.I
    ),
    "paid_care": re.compile(
        r"\b(?:help|care|carers?)\s+(?:at|in\s+the)\s+home\b|\bhome\s+care\b|\bpersonal\s+care\b"
        r"|\bcare\s+(?:agency|package)\b|\bhelp\s+(?:him|her|them|me)\s+at\s+home\b",
        re.I,
    ),
}


def purpose_factor(profile: Profile, listing_purposes: frozenset[str]) -> float:
    """PURPOSE_FACTOR when the listing is for something other than support for the person
    (`purposes`) and nothing they said asks for it; else 1."""
    if not listing_purposes:
        return 1.0
    # "She doesn't want more professionals talking down to her" does not ask for a listing for
    # professionals: what they refuse is left out.
    said = text.fold(
        " ".join(
            text.without_refusals(t)
            for t in (*profile.needs, *profile.interests, profile.what_matters)
        )
    )
    if any(_WANTS_PURPOSE_RE[p].search(said) for p in listing_purposes):
        return 1.0
    return PURPOSE_FACTOR


NEEDS_FIRST_FACTOR = 0.25  # needs come first: the step below the weakest listing meeting one
MEETS_A_NEED = 0.3  # need relevance from which a listing counts as meeting a need
GROUP_REFUSED_FACTOR = 0.6  # a talking group for someone who refuses them


def guide_factors(profile: Profile, rows: FloatArray) -> FloatArray:
    """The grading guide's cap on a refused kind as a factor on the fitted score (the
    development people give too few examples to fit it): a talking group ranks lower for
    someone who refuses them. Read from a pool's `pool_features` rows. (Needs that come first
    are a tier, not a factor: `needs_before_interests`.)"""
    col = {name: k for k, name in enumerate(FEATURES)}
    factor = np.ones(len(rows))
    factor[rows[:, col["group_refused"]] > 0] *= GROUP_REFUSED_FACTOR
    return factor


def needs_before_interests(
    profile: Profile, rows: FloatArray, scores: FloatArray, step: float
) -> FloatArray:
    """When the person puts their needs first ("sort the money first"), the grading guide lets
    only a listing that meets a need be one of the first things offered; an interest is at most
    worth a mention. So every pool member meeting none of their needs is scaled by one factor
    that puts the best of them `step` (a factor below 1) below the weakest listing that meets a
    need: interests keep their order among themselves, below every need. A factor would not do:
    a listing matching three interests well outscores a debt service by more than any fixed
    step. Unchanged when needs do not come first, or nothing in the pool meets a need."""
    if not needs_first(profile) or not len(rows):
        return scores
    meets = rows[:, FEATURES.index("need")] >= MEETS_A_NEED
    if not meets.any() or meets.all():
        return scores
    floor = float(scores[meets].min())
    best_other = float(scores[~meets].max())
    factor = step * min(1.0, floor / best_other) if best_other > 0 else step
    return np.where(meets, scores, scores * factor)


_NEEDS_FIRST_RE = re.compile(
    r"\b(?:sort(?:ed)?|fix(?:ed)?|deal\s+with|get)\s+(?:out\s+)?(?:the|my|his|her|their|this|"
    r"that)?\s*\w+(?:\s+\w+)?\s+(?:out\s+)?first\b"
    r"|\b\w+\s+(?:comes?|has\s+to\s+come|needs?\s+to\s+come)\s+first\b"
    r"|\b(?:is|are)\s+(?:the|my|his|her|their)\s+first\s+(?:worry|thing|priority|concern)\b"
    r"|\b(?:advice|help|classes|support)\s+first\b"
    r"|\bfirst\s+(?:thing|priority)\b|\btop\s+priority\b|\bmain\s+priority\b"
    r"|\bbefore\s+anything\s+else\b|\bcan'?n?o?t\s+think\s+about\s+anything\s+else\b"
    r"|\bnothing\s+else\s+matters\s+until\b|\bbefore\s+(?:I|he|she|they)\s+can\s+think\s+about\b",
    re.IGNORECASE,
)


def needs_first(profile: Profile) -> bool:
    """The person puts a need before everything else: "sort the money first", "I can't think
    about anything else", "the debt has to come first"."""
    return bool(_NEEDS_FIRST_RE.search(text.fold(profile.what_matters)))


_REFUSES_GROUPS_RE = re.compile(
    r"\b(?:don'?t|doesn'?t|do\s+not|does\s+not|won'?t|will\s+not|never)\s+(?:do|does|like|likes|"
    r"want|wants|go\s+to|goes\s+to)\s+groups\b"
    r"|\bnot\s+(?:into\s+|for\s+)?(?:sitting\s+)?(?:in\s+)?a\s+circle\b"
    r"|\bnot\s+(?:a\s+)?(?:group|groups)\s+person\b|\bnot\s+one\s+for\s+(?:groups|talking)\b"
    r"|\bnot\s+sitting\s+(?:round|around|in)\b",
    re.IGNORECASE,
)
_TALKING_GROUP_RE = re.compile(
    r"\bpeer\s+support\b|\bsupport\s+group\b|\bself[\s-]+help\s+groups?\b|\btalking\s+group\b"
    r"|\bshare\s+(?:experiences|"
    r"your\s+story)\b|\bsharing\s+circle\b|\bcircle\b|\bgroup\s+therapy\b|\bpeer\s+group\b",
    re.IGNORECASE,
)


_GROUP_STEMS = frozenset(text.stem(w) for w in ("group", "groups", "circle", "circles"))
_TALKING_STEMS = frozenset(text.stem(w) for w in ("talk", "talking", "share", "sharing"))
_FEELING_STEMS = frozenset(text.stem(w) for w in ("feelings", "emotions", "problems", "story"))


def refuses_groups(profile: Profile) -> bool:
    """ "I don't do groups", "not sitting in a circle talking about feelings", "not a group
    person", "no talking groups", "as long as nobody makes me talk about my feelings": in what
    matters to them or in what they named (`text.refusals`)."""
    if _REFUSES_GROUPS_RE.search(text.fold(profile.what_matters)):
        return True
    for said in (profile.what_matters, *profile.needs, *profile.interests):
        for refusal in text.refusals(said):
            refused = set(text.stems(refusal.thing))
            if refused & _GROUP_STEMS or (refused & _TALKING_STEMS and refused & _FEELING_STEMS):
                return True
    return False


def refused_kinds(profile: Profile) -> tuple[tuple[str, ...], ...]:
    """The kinds of listing the person refuses, as stems of the related-terms phrases in what
    they refuse: "I don't want to sit in a day centre" -> ("day", "centr"); "I'm not going to a
    coffee morning" -> ("coffe", "morn")."""
    out: list[tuple[str, ...]] = []
    for said in (profile.what_matters, *profile.needs, *profile.interests):
        for refusal in text.refusals(said):
            out.extend(phrase.words for phrase in text.phrases_said(refusal.thing))
    return tuple(dict.fromkeys(out))


def is_refused_kind(service: ServiceDoc, kinds: Sequence[tuple[str, ...]]) -> bool:
    """Whether the listing's name or categories say it is one of these kinds."""
    named = [text.all_stems(service.name), *(text.all_stems(t) for t in service.taxonomy_terms)]
    return any(text.contains(words, kind) for kind in kinds for words in named)


def talking_group(service: ServiceDoc) -> bool:
    """A peer-support or talking group (where people sit and share), by its own words."""
    return bool(_TALKING_GROUP_RE.search(f"{service.name}. {service.description}"))


def taxonomy_stems(service: ServiceDoc) -> frozenset[str]:
    return frozenset(s for term in service.taxonomy_terms for s in text.stems(term))


_GENERIC_TAXONOMY = frozenset(
    text.stem(w)
    for w in ("things", "do", "support", "health", "wellbeing", "community", "people", "care",
              "adult", "social", "group", "groups", "clubs", "services", "advice", "new")
)  # fmt: skip


def facet_taxonomy_words(said: str, expansions: Sequence[text.Expansion]) -> frozenset[str]:
    """The category stems that name what the person said, or a phrase related to it
    ("lonely" -> befriending; "money worries" -> debt), beyond generic category words: a
    listing whose categories hold one of them is about it."""
    wanted = set(text.said_stems(said))
    for expansion in expansions:
        for phrase in expansion.phrases:
            wanted.update(phrase.terms)
    return frozenset(wanted - _GENERIC_TAXONOMY)


# --- the features of a pool ------------------------------------------------------------------


def pool_features(
    profile: Profile,
    members: Sequence[int],
    *,
    services: Sequence[ServiceDoc],
    facets: Sequence[Any],
    detail: Mapping[str, Any],
    parts: Mapping[str, FloatArray],
    infos: Sequence[Mapping[str, Any]],
    full: npt.NDArray[np.bool_],
    busy: npt.NDArray[np.bool_],
    service_purposes: Sequence[frozenset[str]],
    service_taxonomy: Sequence[frozenset[str]],
    hand: Sequence[float] = (),
    examples: Sequence[float] | FloatArray | None = None,
    columns: Sequence[int] | None = None,
    on: frozenset[str] | set[str] = frozenset(
        {"schedule", "audience", "taxonomy", "purposes", "priorities"}
    ),
) -> FloatArray:
    """One row of `FEATURES` for each pool member (service positions `members`). A signal
    switched off (`on` lacks it: "schedule", "audience", "taxonomy", "purposes",
    "priorities") takes its neutral value, for the benchmark's ablations. `columns`: each
    member's place in `detail` and `parts` when those hold only some services (default: the
    service positions)."""
    idx = np.asarray(members, dtype=np.int64)
    cols = idx if columns is None else np.asarray(columns, dtype=np.int64)
    m = len(idx)
    out = np.zeros((m, len(FEATURES)))
    col = {name: k for k, name in enumerate(FEATURES)}
    if len(hand):
        out[:, col["hand"]] = hand
    if examples is not None and len(examples):
        out[:, col["examples"]] = examples
    if facets and m:
        weighted = detail["facet_scores"][:, cols]
        best = weighted.max(axis=0)
        out[:, col["best"]] = best
        out[:, col["others"]] = np.clip(weighted.sum(axis=0) - best, 0, 3)
        weights = np.array([f.weight for f in facets])[:, None]
        raw = weighted / np.where(weights > 0, weights, 1.0)
        for kind in ("need", "interest", "condition", "what_matters", "caring"):
            rows = [k for k, f in enumerate(facets) if f.kind == kind]
            if rows:
                out[:, col[kind]] = raw[rows].max(axis=0)
        out[:, col["lexical"]] = detail["lex"][:, cols].max(axis=0)
        out[:, col["synonyms"]] = detail["rel"][:, cols].max(axis=0)
        out[:, col["semantic"]] = detail["sem"][:, cols].max(axis=0)
        needing = [
            facet_taxonomy_words(f.asked, f.expansions)
            for f in facets
            if f.kind in ("need", "condition", "caring")
        ]
        for r, i in enumerate(idx if "taxonomy" in on else ()):
            tax = service_taxonomy[i]
            if tax and any(words & tax for words in needing):
                out[r, col["taxonomy"]] = 1.0
    priorities = "priorities" in on
    if priorities and needs_first(profile):
        out[:, col["needs_first_need"]] = out[:, col["need"]]
        out[:, col["needs_first_other"]] = np.clip(
            out[:, col["interest"]] - out[:, col["need"]], 0, 1
        )
    for name in ("distance", "freshness", "quality", "cost"):
        values = parts.get(name)
        out[:, col[name]] = 0.5 if values is None else values[cols]
    refuses = priorities and refuses_groups(profile)
    refused = refused_kinds(profile) if priorities else ()
    for r, (i, info) in enumerate(zip(idx, infos, strict=True)):
        out[r, col["schedule"]] = info["schedule"] if "schedule" in on else 0.5
        out[r, col["audience"]] = 1.0 - info["audience"][0] if "audience" in on else 0.0
        out[r, col["access_unknown"]] = 1.0 if info["access"].unknown else 0.0
        if "purposes" in on and service_purposes[i]:
            out[r, col["not_for_person"]] = 1.0
        if (refuses and talking_group(services[i])) or (
            refused and is_refused_kind(services[i], refused)
        ):
            out[r, col["group_refused"]] = 1.0
    out[:, col["full"]] = full[idx]
    out[:, col["busy"]] = busy[idx]
    return out


# --- the fitted combination ------------------------------------------------------------------


@dataclass(frozen=True)
class Ranker:
    """score = exp(bias + sum(weights[name] * feature[name])): positive, and a share of it is a
    step of the pairwise log-odds. Features the file does not name weigh nothing; names the
    engine does not know are an error (a file for another version).

    `spread` is the scale of the log-scores these weights give: the standard deviation of
    w . x within a person's pool, averaged over the people they were fitted on (`fitting.fit`
    measures it). Smaller regularisation gives larger weights and a proportionally larger
    spread; the engine's diversity discount is counted in it (`engine.Matcher._diversify`), so
    it keeps its effect whatever the scale of the weights. None (a file written before it was
    measured, or weights written by hand): the weights are taken to be on the scale the
    discount was set with (`engine.REFERENCE_SPREAD`)."""

    weights: Mapping[str, float]
    bias: float = 0.0
    source: str = ""
    spread: float | None = None

    def vector(self) -> FloatArray:
        return np.array([float(self.weights.get(name, 0.0)) for name in FEATURES])

    def score(self, features: FloatArray) -> FloatArray:
        z = self.bias + features @ self.vector()
        return np.exp(np.clip(z, -30, 30))

    def to_json(self, **extra: Any) -> str:
        data = {
            "features": list(FEATURES),
            "weights": {name: round(float(self.weights.get(name, 0.0)), 6) for name in FEATURES},
            "bias": round(self.bias, 6),
            **({} if self.spread is None else {"spread": round(self.spread, 6)}),
            **extra,
        }
        return json.dumps(data, indent=1) + "\n"


class WeightsError(ValueError):
    """A weights file that cannot be used; the message says why."""


def ranker_from_file(path: Path | str) -> Ranker:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WeightsError(f"{path}: cannot read the ranking weights: {exc}") from exc
    weights = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(weights, dict):
        raise WeightsError(f'{path}: no "weights" object')
    unknown = sorted(set(weights) - set(FEATURES))
    if unknown:
        raise WeightsError(f"{path}: unknown feature(s) {', '.join(unknown)}")
    values = {}
    for name, value in weights.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise WeightsError(f"{path}: weight of {name} must be a number, not {value!r}")
        values[name] = float(value)
    bias = data.get("bias", 0.0)
    if isinstance(bias, bool) or not isinstance(bias, int | float):
        raise WeightsError(f"{path}: bias must be a number")
    spread = data.get("spread")
    if spread is not None and (
        isinstance(spread, bool)
        or not isinstance(spread, int | float)
        or not math.isfinite(spread)
        or spread <= 0
    ):
        raise WeightsError(f"{path}: spread must be a positive number, not {spread!r}")
    return Ranker(
        weights=values,
        bias=float(bias),
        source=str(path),
        spread=None if spread is None else float(spread),
    )


def default_ranker() -> Ranker | None:
    """The weights the engine uses: the file named by the `LINKWELL_MATCHING_WEIGHTS` setting
    (Django setting, else environment variable) when set, else the shipped file; None when the
    shipped file is absent."""
    configured = os.environ.get(WEIGHTS_SETTING, "")
    try:
        from django.conf import settings

        if settings.configured:
            configured = getattr(settings, WEIGHTS_SETTING, "") or configured
    except ImportError:  # pragma: no cover - Django is a dependency
        pass
    if configured:
        return ranker_from_file(configured)
    if WEIGHTS_FILE.exists():
        return ranker_from_file(WEIGHTS_FILE)
    return None
