"""Hard constraints: what takes a service out of a person's suggestions altogether.

`Matcher.rank` applies the cheap ones to every service at once (status, already tried, age, reach,
cost: see `engine.py`) and these per-service text checks to the survivors:

- gender restriction stated in the eligibility text ("women only", "for men") vs `Profile.gender`;
- a condition the eligibility text requires ("only for people with dementia", "must have a
  diagnosis of COPD") that nothing the person said mentions (carers pass when the text welcomes
  "their carers");
- access: a need the person states that the listing says is *not* met ("no wheelchair access",
  "stairs only") excludes; a need the listing does not mention is kept, ranked a little lower and
  flagged ("check access ...");
- language: when the person states languages and the service lists its own, they must share one
  (interpreting on offer counts as shared).
Unknown never excludes: a listing that says nothing about ages, costs or access is not penalised
as if it had refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from linkwell.matching import text
from linkwell.matching.documents import ServiceDoc

# Access needs as people say them -> phrases a listing uses when it meets them.
ACCESS_TERMS: dict[str, tuple[str, ...]] = {
    "wheelchair": ("wheelchair", "step free", "step-free", "level access", "ramp", "lift",
                   "disabled access", "accessible entrance", "ground floor"),
    "step free": ("step free", "step-free", "level access", "ramp", "lift", "wheelchair",
                  "ground floor", "no steps"),
    "hearing loop": ("hearing loop", "induction loop", "loop system", "t-coil"),
    "accessible toilet": ("accessible toilet", "disabled toilet", "accessible loo", "changing places"),
    "parking": ("parking", "car park", "blue badge"),
    "bsl": ("bsl", "british sign language", "sign language"),
    "large print": ("large print", "easy read"),
    "guide dog": ("guide dog", "assistance dog", "assistance dogs"),
    "quiet space": ("quiet space", "quiet room", "sensory"),
    "seating": ("seating", "chairs", "seated", "chair based", "chair-based"),
}  # fmt: skip
_ACCESS_ALIASES = {
    "step-free": "step free", "wheelchair access": "wheelchair", "wheelchair user": "wheelchair",
    "induction loop": "hearing loop", "loop": "hearing loop", "disabled toilet": "accessible toilet",
    "sign language": "bsl", "british sign language": "bsl", "level access": "step free",
    "no stairs": "step free", "lift": "step free", "blue badge parking": "parking",
}  # fmt: skip
_NEGATION_RE = re.compile(
    r"\b(no|not|isn'?t|aren'?t|without|unable|cannot|can'?t|unfortunately|sorry|only by stairs|"
    r"stairs only|up (a flight of|two flights of)? ?stairs)\b",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[.;!?\n]+")

_WOMEN_RE = re.compile(
    r"\b(women|ladies|female|females|woman)\s+only\b|\bonly\s+for\s+(women|ladies)\b|^\s*(for\s+)?(women|ladies)\b",
    re.IGNORECASE,
)
_MEN_RE = re.compile(
    r"\b(men|male|males|man|gentlemen)\s+only\b|\bonly\s+for\s+(men|gentlemen)\b|^\s*(for\s+)?(men|gentlemen)\b",
    re.IGNORECASE,
)
_OVER_RE = re.compile(
    r"\b(?:over|aged over)\s+(\d{2})s?\b|\b(\d{2})\s*\+|\b(?:aged\s+)?(\d{2})\s+(?:and|or)\s+(?:over|above|older)\b",
    re.IGNORECASE,
)
_UNDER_RE = re.compile(
    r"\bunder\s+(\d{1,2})s?\b|\b(?:aged\s+)?(\d{1,2})\s+(?:and|or)\s+under\b", re.IGNORECASE
)


_CONDITION_RE = re.compile(
    r"(?:only (?:for|open to) (?:people|those|adults|anyone|patients)(?: who are)? "
    r"(?:with|who have|living with|diagnosed with)"
    r"|must (?:have|be living with)(?: a (?:confirmed )?diagnosis of)?"
    r"|(?:requires?|needs?) a (?:confirmed |formal )?diagnosis of)\s+(?:a |an )?([a-z'\- ]{3,60})",
    re.IGNORECASE,
)
_CARERS_RE = re.compile(r"\b(?:and|or) (?:their |family )?carers?\b", re.IGNORECASE)


def required_condition(eligibility: str) -> tuple[frozenset[str], bool] | None:
    """Stems of a condition the eligibility text makes a requirement ("only for people with
    dementia", "must have a diagnosis of COPD"), and whether their carers are welcome too.
    None when the text sets no such requirement."""
    match = _CONDITION_RE.search(eligibility)
    if not match:
        return None
    phrase = re.split(r"\b(?:and|or|who|which|in|from|at)\b|[,;.]", match.group(1))[0]
    stems = frozenset(text.stems(phrase))
    if not stems:
        return None
    return stems, bool(_CARERS_RE.search(eligibility))


def meets_condition(requirement: tuple[frozenset[str], bool], said: frozenset[str]) -> bool:
    """`said`: stems of everything the person said (conditions, needs, interests, what matters)."""
    stems, carers_welcome = requirement
    return bool(stems & said) or (carers_welcome and bool({"carer", "care", "caring"} & said))


def gender_of(value: str | None) -> str | None:
    """ "female" / "male" from the ways people write it; None when unknown or other."""
    word = (value or "").strip().lower()
    if word in {"f", "female", "woman", "women", "w", "girl", "lady"}:
        return "female"
    if word in {"m", "male", "man", "men", "boy", "gentleman"}:
        return "male"
    return None


def restricted_gender(eligibility: str) -> str | None:
    """The gender an eligibility text restricts the service to, if it says so plainly."""
    women, men = bool(_WOMEN_RE.search(eligibility)), bool(_MEN_RE.search(eligibility))
    if women and not men:
        return "female"
    if men and not women:
        return "male"
    return None


def ages_from_text(eligibility: str) -> tuple[int | None, int | None]:
    """(minimum, maximum) age from "over 50s", "60+", "65 and over", "under 18s"."""
    low = high = None
    over = _OVER_RE.search(eligibility)
    if over:
        low = int(next(g for g in over.groups() if g))
    under = _UNDER_RE.search(eligibility)
    if under:
        high = int(next(g for g in under.groups() if g)) - (1 if under.group(1) else 0)
    return low, high


def access_key(need: str) -> str:
    folded = " ".join(text.words(need))
    return _ACCESS_ALIASES.get(folded, folded)


@dataclass(frozen=True)
class AccessCheck:
    met: tuple[str, ...]  # needs the listing says it meets
    refused: tuple[str, ...]  # needs the listing says it does not meet (excludes)
    unknown: tuple[str, ...]  # needs it does not mention


def check_access(needs: Sequence[str], service: ServiceDoc) -> AccessCheck:
    sentences = [
        s for t in (*service.accessibility, *service.extra_text) for s in _SENTENCE_RE.split(t)
    ]
    folded = [(" ".join(text.words(s)), bool(_NEGATION_RE.search(s))) for s in sentences]
    met, refused, unknown = [], [], []
    for need in needs:
        key = access_key(need)
        phrases = ACCESS_TERMS.get(key, (key,))
        mentions = [neg for sentence, neg in folded if any(_has(sentence, p) for p in phrases)]
        if mentions and all(mentions):
            refused.append(need)
        elif mentions:
            met.append(need)
        elif not service.points:
            met.append(need)  # no venue: online, phone or at home
        else:
            unknown.append(need)
    return AccessCheck(tuple(met), tuple(refused), tuple(unknown))


def _has(sentence: str, phrase: str) -> bool:
    words = " ".join(text.words(phrase))
    return f" {words} " in f" {sentence} "


def shares_language(languages: Sequence[str], service: ServiceDoc) -> bool:
    """True unless both sides list languages and none is shared (interpreting counts)."""
    if not languages or not service.languages or service.interpretation:
        return True
    return bool(set(languages) & set(service.languages))
