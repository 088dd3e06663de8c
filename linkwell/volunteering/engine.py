"""The befriending engine: rank volunteers for a person, with reasons (ENGINE.md has the rules).

    matcher = VolunteerMatcher(load_volunteers(lines))       # indexes + embeddings, once
    matcher.rank(person, wanted, top=5, at=date(2026, 12, 1))  # -> [VolunteerSuggestion, ...]

1. **Hard constraints** (`hard_constraint_failures`, one function per rule in `RULES`): a
   volunteer who breaks one is never suggested, and each broken rule is a sentence a
   coordinator can read. Unknowns do not exclude (except for roles, checks and training, where a
   missing value means "not done"); the reasons then say what to check.
2. **Relevance**: shared interests (the heart), lived experience close to what the person said
   (needs, conditions, what matters), and skills they asked for, each scored phrase against
   phrase with the matching engine's text analysis (`linkwell.text`: stems, related terms, the
   BM25 idf of the volunteer pool) and its sentence encoder (`linkwell.matching.embedding`).
3. **Score** in [0, 1] = weighted sum (`WEIGHTS`) of interests, lived experience, skills,
   distance, common free time and a shared language other than English.

Deterministic: same volunteers, person, wanted and `at` give the same list; scores are rounded to
4 places and ties go to the smaller volunteer id. Pure Python + NumPy: no database.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from linkwell.matching import constraints
from linkwell.matching import wording as match_wording
from linkwell.matching.engine import (
    DEFAULT_REACH_KM,
    NEAR_KM,
    REACH_KM,
    RELATED_WEIGHT,
    Encoder,
)
from linkwell.matching.profile import Availability, Profile
from linkwell.text import analysis as text
from linkwell.volunteering import wording
from linkwell.volunteering.profile import ACTIVE, SupportWanted, VolunteerProfile

DBS_RENEWAL_YEARS = 3
DEFAULT_MAX_MATCHES = 2  # Compassionate Communities: one or two people a volunteer
ENHANCED = frozenset({"enhanced", "enhanced_with_barred_list"})
DBS_WORDS = {
    "basic": "basic",
    "standard": "standard",
    "enhanced": "enhanced",
    "enhanced_with_barred_list": "enhanced with barred list",
}
DBS_DUE_SOON_DAYS = 90  # a check this close to renewal gets a reason

# Training a volunteer must have done (schema `training` values), by what is asked.
TRAINING_EVERYONE = ("induction", "safeguarding_adults")
TRAINING_BY_ROLE = {
    "befriender": ("befriending",),
    "telephone_befriender": ("befriending",),
    "connector": ("connector_coaching",),
    "peer_supporter": (),
}
TRAINING_HOME_VISIT = ("lone_working",)

# How far a volunteer travels when no radius is recorded, by how they travel (km).
VOLUNTEER_REACH_KM = {"walk": REACH_KM["walk"], "public_transport": REACH_KM["public_transport"],
                      "car": REACH_KM["car"]}  # fmt: skip
# How far the person travels to meet when they gave no max_distance_km; someone who needs
# transport meets near home.
PERSON_REACH_KM = {**REACH_KM, "needs_transport": NEAR_KM}

ENGLISH = "en"
WEIGHTS = {
    "interests": 0.40,
    "experience": 0.20,
    "skills": 0.07,
    "distance": 0.13,
    "availability": 0.10,
    "language": 0.10,
}
OTHER_FACETS_SHARE = 0.25  # a part's value = best facet + this share of the other facets
# Of a phrase pair's closeness, when the encoder is available. Set with the hand weights here
# (the service matcher's share is chosen with its fitted weights and has moved since).
SEMANTIC_SHARE = 0.4
COVERAGE_SHARE = 0.5  # of the interests part: the share of the person's interests shared
# Phrase-to-phrase cosine of the sentence encoder: 0.35 -> 0, 0.75 -> 1. Short phrases ("fishing",
# "football") sit higher than a phrase against a listing, so the floor is above matching's.
PHRASE_SEMANTIC_FLOOR, PHRASE_SEMANTIC_SPAN = 0.35, 0.40
REASON_AT = 0.3  # a phrase pair this close is named in the reasons
LONG_WORDS = 6  # a person's text longer than this is read for the volunteer's words only
INTEREST_WEIGHTS = {"interest": 1.0, "what_matters": 0.7}
EXPERIENCE_WEIGHTS = {"need": 1.0, "condition": 1.0, "what_matters": 0.8, "caring": 1.0}
SKILL_WEIGHTS = {"need": 1.0, "what_matters": 0.7}


@dataclass(frozen=True)
class VolunteerSuggestion:
    volunteer_id: str
    score: float
    reasons: tuple[str, ...]
    components: Mapping[str, float] = field(default_factory=dict)


# --- hard constraints --------------------------------------------------------------------------


def _role_wanted(wanted: SupportWanted) -> tuple[str, ...]:
    """The roles any one of which lets a volunteer give the support asked for."""
    if wanted.role == "befriender":
        if wanted.contact == "phone":
            return ("telephone_befriender",)
        if wanted.contact in ("home_visit", "meet_out"):
            return ("befriender",)
        return ("befriender", "telephone_befriender")
    return (wanted.role,)


def _role_words(role: str) -> str:
    return role.replace("_", " ")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February -> 28 February
        return day.replace(year=day.year + years, day=28)


def dbs_valid_until(volunteer: VolunteerProfile, renewal_years: int) -> dt.date | None:
    """The last day the volunteer's DBS check counts (the day before its renewal anniversary)."""
    if volunteer.dbs_checked_on is None:
        return None
    return _add_years(volunteer.dbs_checked_on, renewal_years) - dt.timedelta(days=1)


def _dbs_words(volunteer: VolunteerProfile) -> str:
    assert volunteer.dbs_level is not None and volunteer.dbs_checked_on is not None
    return f"{DBS_WORDS[volunteer.dbs_level]}, {wording.long_date(volunteer.dbs_checked_on)}"


def _gender_key(value: str | None) -> str | None:
    """female / male from the usual words (woman, man, f, m...), anything else folded
    ("Non-binary" = "non binary"); None when not said."""
    if value is None or not value.strip():
        return None
    return constraints.gender_of(value) or "".join(text.words(value))


def km_between(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def volunteer_reach_km(volunteer: VolunteerProfile) -> tuple[float, bool]:
    """(km, recorded): the travel radius, else a default by how they travel."""
    if volunteer.travel_radius_km is not None:
        return volunteer.travel_radius_km, True
    return VOLUNTEER_REACH_KM.get(volunteer.travel or "", DEFAULT_REACH_KM), False


def person_reach_km(person: Profile) -> float:
    if person.max_distance_km is not None:
        return person.max_distance_km
    return PERSON_REACH_KM.get(person.travel or "", DEFAULT_REACH_KM)


def _minutes(slot: Availability) -> tuple[int, int]:
    start = slot.start.hour * 60 + slot.start.minute if slot.start else 0
    end = slot.end.hour * 60 + slot.end.minute if slot.end else 24 * 60
    return start, end


def common_times(a: Sequence[Availability], b: Sequence[Availability]) -> list[Availability]:
    """The windows both are free (same day, overlapping for more than a moment)."""
    out = []
    for x in a:
        for y in b:
            if x.day != y.day:
                continue
            (s1, e1), (s2, e2) = _minutes(x), _minutes(y)
            start, end = max(s1, s2), min(e1, e2)
            if start < end:
                out.append(
                    Availability(
                        day=x.day,
                        start=None if start == 0 and end == 24 * 60 else _time(start),
                        end=None if start == 0 and end == 24 * 60 else _time(end),
                    )
                )
    return list(dict.fromkeys(out))


def _time(minutes: int) -> dt.time:
    return dt.time(23, 59) if minutes >= 24 * 60 else dt.time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class _Case:
    person: Profile
    wanted: SupportWanted
    volunteer: VolunteerProfile
    at: dt.date
    renewal_years: int


def _rule_status(c: _Case) -> str | None:
    status = c.volunteer.status
    if status is not None and status != ACTIVE:
        return f"They are not active (status: {status.replace('_', ' ')})"
    return None


def _rule_role(c: _Case) -> str | None:
    roles = _role_wanted(c.wanted)
    if c.volunteer.roles & set(roles):
        return None
    names = wording.join([_role_words(r) for r in roles], "or")
    article = "an" if names[0] in "aeiou" else "a"
    return f"They are not approved as {article} {names}"


def _rule_dbs_current(c: _Case) -> str | None:
    v = c.volunteer
    if v.dbs_level is None or v.dbs_checked_on is None:
        return "They have no DBS check on record"
    until = dbs_valid_until(v, c.renewal_years)
    if until is not None and c.at > until:
        return (
            f"Their DBS check ({_dbs_words(v)}) has lapsed: checks are renewed every "
            f"{c.renewal_years} years"
        )
    return None


def _rule_dbs_level(c: _Case) -> str | None:
    v = c.volunteer
    if v.dbs_level is None or v.dbs_checked_on is None:
        return None  # `_rule_dbs_current` says so
    if c.person.age is not None and c.person.age < 18:
        if v.dbs_level != "enhanced_with_barred_list":
            return (
                f"Their DBS check ({_dbs_words(v)}) is not enhanced with barred list: "
                "supporting someone under 18 needs one"
            )
        return None
    if c.wanted.contact == "home_visit" and v.dbs_level not in ENHANCED:
        return (
            f"Their DBS check ({_dbs_words(v)}) is not enhanced: home visits to adults need an "
            "enhanced check"
        )
    return None


def training_needed(wanted: SupportWanted, volunteer: VolunteerProfile) -> tuple[str, ...]:
    """The training the support asked for needs (ENGINE.md has the table). Where either of two
    roles would do (a befriender when the contact is not said), the volunteer's own role's."""
    needed = list(TRAINING_EVERYONE)
    roles = [r for r in _role_wanted(wanted) if r in volunteer.roles] or list(_role_wanted(wanted))
    for item in TRAINING_BY_ROLE.get(roles[0], ()):
        needed.append(item)
    if wanted.contact == "home_visit":
        needed.extend(TRAINING_HOME_VISIT)
    return tuple(dict.fromkeys(needed))


def _rule_training(c: _Case) -> str | None:
    missing = [t for t in training_needed(c.wanted, c.volunteer) if t not in c.volunteer.training]
    if not missing:
        return None
    return "They have not done the training this needs: " + ", ".join(
        t.replace("_", " ") for t in missing
    )


def max_matches(volunteer: VolunteerProfile) -> int:
    return DEFAULT_MAX_MATCHES if volunteer.max_matches is None else volunteer.max_matches


def _rule_capacity(c: _Case) -> str | None:
    v = c.volunteer
    limit = max_matches(v)
    if v.current_matches < limit:
        return None
    people = "1 person" if v.current_matches == 1 else f"{v.current_matches} people"
    default = ", the default when none is recorded" if v.max_matches is None else ""
    return f"They support {people} already (their limit is {limit}{default})"


def _rule_home_visit(c: _Case) -> str | None:
    if c.wanted.contact != "home_visit":
        return None
    if c.volunteer.home_visits is False:
        return "They do not do home visits"
    km = km_between(c.person.point, c.volunteer.point)
    if km is None:
        return None
    reach, recorded = volunteer_reach_km(c.volunteer)
    if km > reach + 1e-9:
        limit = f"{reach:g} km they travel" if recorded else f"{reach:g} km assumed (no radius)"
        return f"The person lives {km:.1f} km away, beyond the {limit}"
    return None


def _rule_meet_out(c: _Case) -> str | None:
    if c.wanted.contact != "meet_out":
        return None
    km = km_between(c.person.point, c.volunteer.point)
    if km is None:
        return None
    theirs, _ = volunteer_reach_km(c.volunteer)
    person = person_reach_km(c.person)
    if km > theirs + person + 1e-9:
        return (
            f"They live {km:.1f} km apart: too far to meet (the volunteer travels {theirs:g} km, "
            f"the person {person:g} km)"
        )
    return None


def _rule_volunteer_gender(c: _Case) -> str | None:
    wanted, theirs = _gender_key(c.volunteer.pref_person_gender), _gender_key(c.person.gender)
    if wanted is not None and theirs is not None and wanted != theirs:
        return (
            f"They support only people who are {c.volunteer.pref_person_gender}; the person is "
            f"{c.person.gender}"
        )
    return None


def _rule_volunteer_ages(c: _Case) -> str | None:
    low, high, age = c.volunteer.pref_person_min_age, c.volunteer.pref_person_max_age, c.person.age
    if age is None or ((low is None or age >= low) and (high is None or age <= high)):
        return None
    if low is not None and high is not None:
        span = f"aged {low} to {high}"
    elif low is not None:
        span = f"aged {low} or over"
    else:
        span = f"aged up to {high}"
    return f"They support only people {span}; the person is {age}"


def _rule_person_gender(c: _Case) -> str | None:
    wanted, theirs = _gender_key(c.wanted.volunteer_gender), _gender_key(c.volunteer.gender)
    if wanted is not None and theirs is not None and wanted != theirs:
        return (
            f"The person asked for a volunteer who is {c.wanted.volunteer_gender}; they are "
            f"{c.volunteer.gender}"
        )
    return None


def volunteer_languages(volunteer: VolunteerProfile) -> tuple[str, ...]:
    """The volunteer's languages; none stated counts as English (ENGINE.md)."""
    return volunteer.languages or (ENGLISH,)


def _rule_language(c: _Case) -> str | None:
    if not c.person.languages:
        return None
    theirs = volunteer_languages(c.volunteer)
    if set(c.person.languages) & set(theirs):
        return None
    return (
        f"They share no language with the person (the person speaks "
        f"{wording.language_list(c.person.languages)}; they speak {wording.language_list(theirs)})"
    )


def _rule_availability(c: _Case) -> str | None:
    person, theirs = c.person.availability, c.volunteer.availability
    if not person or not theirs or common_times(person, theirs):
        return None
    return (
        f"They are not free when the person is (they: {wording.times(theirs)}; the person: "
        f"{wording.times(person)})"
    )


def _rule_excluded(c: _Case) -> str | None:
    if c.volunteer.id in c.wanted.exclude_volunteer_ids:
        return "The person's referral excludes them"
    return None


# In the order a coordinator reads them: who they are, their checks, then this person.
RULES: tuple[Callable[[_Case], str | None], ...] = (
    _rule_excluded,
    _rule_status,
    _rule_role,
    _rule_dbs_current,
    _rule_dbs_level,
    _rule_training,
    _rule_capacity,
    _rule_home_visit,
    _rule_meet_out,
    _rule_volunteer_gender,
    _rule_volunteer_ages,
    _rule_person_gender,
    _rule_language,
    _rule_availability,
)


def hard_constraint_failures(
    person: Profile,
    wanted: SupportWanted,
    volunteer: VolunteerProfile,
    *,
    at: dt.date,
    dbs_renewal_years: int = DBS_RENEWAL_YEARS,
) -> list[str]:
    """Every hard constraint the volunteer breaks for this person, as sentences; empty: they may
    be introduced."""
    case = _Case(person, wanted, volunteer, _day(at), dbs_renewal_years)
    return [message for rule in RULES if (message := rule(case)) is not None]


def _day(at: dt.date | dt.datetime) -> dt.date:
    return at.date() if isinstance(at, dt.datetime) else at


# --- relevance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrase:
    said: str
    stems: tuple[str, ...]
    terms: frozenset[str]
    expansions: tuple[text.Expansion, ...]
    long: bool

    @classmethod
    def of(cls, said: str) -> _Phrase:
        """Read as the services engine reads what a person said: what they refuse is not
        searched for ("I don't want to talk about my feelings"), nor are their relatives or a
        word another phrase takes over ("stroke recovery" is not "recovery")."""
        asked = text.without_refusals(said)
        return cls(
            said=said,
            stems=tuple(dict.fromkeys(text.said_stems(asked))),
            terms=frozenset(text.said_terms(asked)),
            expansions=text.expand(asked),
            long=len(text.words(said)) > LONG_WORDS,
        )


@dataclass(frozen=True)
class _Pair:
    value: float
    lexical: float
    mine: str  # the volunteer's phrase
    theirs: str  # the person's phrase
    kind: str  # the person's facet: interest, need, condition, what_matters, caring


@dataclass(frozen=True)
class _Part:
    value: float
    pairs: tuple[_Pair, ...]  # best pair per facet, best first


def _fit(pairs: list[_Pair], weights: Mapping[str, float], said: int = 0) -> _Part:
    """The best pair plus a share of the others; with `said` (how many things the person said
    they enjoy), half is the best pair and half how many of them the volunteer shares, so
    sharing three of three interests beats sharing one."""
    if not pairs:
        return _Part(0.0, ())
    values = [p.value * weights[p.kind] for p in pairs]
    best = max(values)
    if said:
        value = COVERAGE_SHARE * min(1.0, sum(values) / said) + (1 - COVERAGE_SHARE) * best
    else:
        value = min(1.0, best + OTHER_FACETS_SHARE * (sum(values) - best))
    ranked = sorted(
        zip(values, pairs, strict=True), key=lambda vp: (-vp[0], vp[1].theirs, vp[1].mine)
    )
    return _Part(value, tuple(p for _, p in ranked))


def _person_facets(person: Profile) -> dict[str, list[tuple[str, str]]]:
    matters = [("what_matters", person.what_matters)] if person.what_matters else []
    caring = [
        ("caring", f"caring for someone with {c}")
        for c in constraints.cared_for_conditions([*person.needs, person.what_matters])
    ]
    return {
        "interests": [("interest", t) for t in person.interests] + matters,
        "experience": [("need", t) for t in person.needs]
        + [("condition", t) for t in person.conditions]
        + matters
        + caring,
        "skills": [("need", t) for t in person.needs] + matters,
    }


class VolunteerMatcher:
    """Indexes the volunteers once (their phrases and the phrases' embeddings); `rank` is then
    cheap per person. Keeps nothing a person said between calls."""

    def __init__(
        self,
        volunteers: Sequence[VolunteerProfile],
        *,
        encoder: Encoder | Literal["default"] | None = "default",
    ) -> None:
        self.volunteers = sorted(volunteers, key=lambda v: v.id)
        ids = [v.id for v in self.volunteers]
        if len(set(ids)) != len(ids):
            raise ValueError("volunteer ids must be unique")
        if encoder == "default":
            from linkwell.matching import embedding

            self.encoder: Encoder | None = embedding.get_encoder()
        else:
            self.encoder = encoder
        self._phrases: dict[str, _Phrase] = {}
        docs = []
        for v in self.volunteers:
            said = [*v.interests, *v.skills, *v.lived_experience]
            docs.append([s for t in said for s in self._phrase(t).stems])
        # Idf over the pool: "gardening" shared by half the volunteers tells less than "bowls".
        self.index = text.BM25(docs)
        self._vectors: dict[str, Any] = {}
        if self.encoder is not None and self._phrases:
            self._vectors = self._encode(list(self._phrases))

    def _phrase(self, said: str) -> _Phrase:
        phrase = self._phrases.get(said)
        if phrase is None:
            phrase = self._phrases[said] = _Phrase.of(said)
        return phrase

    def _encode(self, texts: Sequence[str]) -> dict[str, Any]:
        """Each text's vector, of what it asks for: what it refuses is not encoded, and a text
        that is all refusal ("no groups") has none."""
        assert self.encoder is not None
        asked = {t: text.without_refusals(t) for t in texts}
        kept = [t for t in texts if text.words(asked[t])]
        if not kept:
            return {}
        vectors = np.asarray(self.encoder.encode([asked[t] for t in kept]), dtype=np.float64)
        return dict(zip(kept, vectors, strict=True))

    # --- public ------------------------------------------------------------------------------

    def rank(
        self,
        person: Profile,
        wanted: SupportWanted,
        *,
        top: int = 5,
        at: dt.date | None = None,
        dbs_renewal_years: int = DBS_RENEWAL_YEARS,
    ) -> list[VolunteerSuggestion]:
        if top < 1:
            raise ValueError("top must be at least 1")
        day = _day(at) if at is not None else dt.date.today()
        eligible = [
            v
            for v in self.volunteers
            if not hard_constraint_failures(
                person, wanted, v, at=day, dbs_renewal_years=dbs_renewal_years
            )
        ]
        if not eligible:
            return []
        facets = _person_facets(person)
        said = list(dict.fromkeys(t for items in facets.values() for _, t in items))
        person_vectors = (
            self._encode(said) if self.encoder is not None and said and self._vectors else {}
        )
        scored = []
        for v in eligible:
            parts = {
                "interests": self._part(
                    facets["interests"],
                    v.interests,
                    person_vectors,
                    INTEREST_WEIGHTS,
                    said=len(person.interests),
                ),
                "experience": self._part(
                    facets["experience"], v.lived_experience, person_vectors, EXPERIENCE_WEIGHTS
                ),
                "skills": self._part(facets["skills"], v.skills, person_vectors, SKILL_WEIGHTS),
            }
            km = km_between(person.point, v.point)
            together = common_times(person.availability, v.availability)
            components = {
                "interests": parts["interests"].value,
                "experience": parts["experience"].value,
                "skills": parts["skills"].value,
                "distance": _distance_fit(person, wanted, v, km),
                "availability": _availability_fit(person, v, together),
                "language": 1.0 if _shared_languages(person, v) else 0.0,
            }
            score = sum(WEIGHTS[k] * components[k] for k in WEIGHTS)
            scored.append((_round(score), v, parts, km, together, components))
        scored.sort(key=lambda item: (-item[0], item[1].id))
        out = []
        for score, v, parts, km, together, components in scored[:top]:
            reasons = _reasons(person, wanted, v, parts, km, together, day, dbs_renewal_years)
            out.append(
                VolunteerSuggestion(
                    volunteer_id=v.id,
                    score=score,
                    reasons=tuple(reasons),
                    components={k: _round(x) for k, x in components.items()},
                )
            )
        return out

    # --- scoring -----------------------------------------------------------------------------

    def _part(
        self,
        facets: list[tuple[str, str]],
        volunteer_said: Sequence[str],
        person_vectors: Mapping[str, Any],
        weights: Mapping[str, float],
        said: int = 0,
    ) -> _Part:
        """The best volunteer phrase for each thing the person said, combined (`_fit`)."""
        pairs = []
        for kind, person_text in facets:
            person_phrase = self._phrase_uncached(person_text)
            best: _Pair | None = None
            for volunteer_text in volunteer_said:
                lexical = self._lexical(person_phrase, self._phrase(volunteer_text))
                value = lexical
                a, b = person_vectors.get(person_text), self._vectors.get(volunteer_text)
                if a is not None and b is not None:
                    cosine = float(a @ b)
                    semantic = min(
                        1.0, max(0.0, (cosine - PHRASE_SEMANTIC_FLOOR) / PHRASE_SEMANTIC_SPAN)
                    )
                    value = max(lexical, (1 - SEMANTIC_SHARE) * lexical + SEMANTIC_SHARE * semantic)
                if value > 0 and (best is None or value > best.value + 1e-12):
                    best = _Pair(_round(value), lexical, volunteer_text, person_text, kind)
            if best is not None:
                pairs.append(best)
        return _fit(pairs, weights, said)

    def _phrase_uncached(self, said: str) -> _Phrase:
        """A person's phrase: analysed, not remembered (a shared matcher keeps nobody's words)."""
        return self._phrases.get(said) or _Phrase.of(said)

    def _lexical(self, person: _Phrase, volunteer: _Phrase) -> float:
        """Shared stems weighted by idf (both ways, or only the volunteer's side of a person's
        long text), or a related-terms match (`text.expand`) at `RELATED_WEIGHT`."""
        value = 0.0
        shared = set(person.stems) & set(volunteer.stems)
        if shared:
            idf = self.index.idf
            common = sum(idf(s) for s in shared)
            of_theirs = common / sum(idf(s) for s in volunteer.stems)
            of_mine = common / sum(idf(s) for s in person.stems)
            value = of_theirs if person.long else math.sqrt(of_theirs * of_mine)
        if value < RELATED_WEIGHT and (_related(person, volunteer) or _related(volunteer, person)):
            value = RELATED_WEIGHT
        return value


def _related(a: _Phrase, b: _Phrase) -> bool:
    return any(
        phrase.terms and set(phrase.terms) <= b.terms
        for expansion in a.expansions
        for phrase in expansion.phrases
    )


def _round(value: float) -> float:
    return round(float(value) + 0.0, 4)


def _shared_languages(person: Profile, volunteer: VolunteerProfile) -> list[str]:
    return [c for c in person.languages if c != ENGLISH and c in volunteer.languages]


def _distance_fit(
    person: Profile, wanted: SupportWanted, volunteer: VolunteerProfile, km: float | None
) -> float:
    if wanted.contact == "phone" or km is None:
        return 0.5
    reach, _ = volunteer_reach_km(volunteer)
    if wanted.contact == "meet_out":
        reach += person_reach_km(person)
    return max(0.0, 1 - km / (max(reach, NEAR_KM) * 1.2))


def _availability_fit(
    person: Profile, volunteer: VolunteerProfile, together: Sequence[Availability]
) -> float:
    if not person.availability or not volunteer.availability:
        return 0.5
    return 1.0 if len({t.day for t in together}) >= 2 else 0.8


# --- reasons ----------------------------------------------------------------------------------

TRAVEL_WORDS = {"walk": "walks", "public_transport": "uses public transport", "car": "drives"}


def _said(phrase: str) -> str:
    """The person's words in a sentence: "Gardening" -> "gardening", "BSL" stays."""
    if len(phrase) > 1 and phrase[0].isupper() and phrase[1].islower():
        return phrase[0].lower() + phrase[1:]
    return phrase


def _reasons(
    person: Profile,
    wanted: SupportWanted,
    v: VolunteerProfile,
    parts: Mapping[str, _Part],
    km: float | None,
    together: Sequence[Availability],
    day: dt.date,
    renewal_years: int,
) -> list[str]:
    reasons: list[str] = []
    same: list[str] = []
    close: dict[str, list[str]] = {}  # the volunteer's interest -> the person's words
    for pair in parts["interests"].pairs:
        if pair.value < REASON_AT:
            continue
        if pair.kind == "interest" and pair.lexical >= 0.99:
            same.append(_said(pair.theirs))
        elif pair.kind == "what_matters":
            close.setdefault(pair.mine, []).append(
                f"what matters to them ({match_wording.quote(pair.theirs)})"
            )
        else:
            close.setdefault(pair.mine, []).append(_said(pair.theirs))
    if same:
        order = [_said(t) for t in person.interests]
        same.sort(key=lambda t: order.index(t) if t in order else len(order))
        reasons.append(f"You both enjoy {wording.join(same[:4])}")
    for mine, theirs in list(close.items())[: max(1, 3 - len(same))]:
        reasons.append(f"Enjoys {_said(mine)} \u2014 the person said {wording.join(theirs)}")
    lived = [p.mine for p in parts["experience"].pairs if p.value >= REASON_AT]
    reasons.extend(wording.lived_experience(x) for x in list(dict.fromkeys(lived))[:2])
    for pair in [p for p in parts["skills"].pairs if p.value >= REASON_AT][:2]:
        if pair.lexical >= 0.99 and pair.kind == "need":
            reasons.append(f"Can help with {_said(pair.mine)}, which the person asked for")
        else:
            reasons.append(
                f"Can help with {_said(pair.mine)} \u2014 the person said "
                f"{match_wording.quote(pair.theirs)}"
            )
    shared = _shared_languages(person, v)
    if shared:
        reasons.append(f"Speaks {wording.language_list(shared)}")
    if km is not None:
        how = TRAVEL_WORDS.get(v.travel or "")
        reasons.append(match_wording.distance_text(km) + (f"; {how}" if how else ""))
    if together:
        reasons.append(
            f"Free {wording.times(together)} \u2014 the person said "
            f"{wording.times(person.availability)}"
        )
    reasons.extend(_checks(person, wanted, v, km, day, renewal_years))
    return reasons


def _checks(
    person: Profile,
    wanted: SupportWanted,
    v: VolunteerProfile,
    km: float | None,
    day: dt.date,
    renewal_years: int,
) -> list[str]:
    """What a coordinator should check because something is not known."""
    out = []
    if v.status is None:
        out.append("Check they are active: no status recorded")
    if wanted.contact is None and wanted.role == "befriender":
        if "befriender" not in v.roles:
            out.append("Telephone befriending only")
        elif v.dbs_level not in ENHANCED:
            out.append("Not for home visits: their DBS check is not enhanced")
    if wanted.contact == "home_visit" and v.home_visits is None:
        out.append("Check they do home visits: not recorded")
    if wanted.contact in ("home_visit", "meet_out") and km is None:
        who = "the volunteer" if v.point is None else "the person"
        out.append(f"Check the distance: no address for {who}")
    elif wanted.contact == "home_visit" and v.travel_radius_km is None:
        out.append("Check how far they travel: no travel radius recorded")
    if wanted.volunteer_gender and _gender_key(v.gender) is None:
        out.append(
            f"Check: the person asked for a volunteer who is {wanted.volunteer_gender}; "
            "their gender is not recorded"
        )
    if v.pref_person_gender and _gender_key(person.gender) is None:
        out.append(
            f"Check: they support only people who are {v.pref_person_gender}; the person's "
            "gender is not recorded"
        )
    if (
        v.pref_person_min_age is not None or v.pref_person_max_age is not None
    ) and person.age is None:
        out.append("Check the person's age: they support only some ages")
    if not person.availability or not v.availability:
        who = "the volunteer's" if not v.availability else "the person's"
        out.append(f"Check when they can meet: {who} free times are not recorded")
    until = dbs_valid_until(v, renewal_years)
    if until is not None and (until - day).days < DBS_DUE_SOON_DAYS:
        out.append(f"DBS check due for renewal by {wording.long_date(until)}")
    return out


# --- the benchmark's baseline -----------------------------------------------------------------


def _interest_words(phrases: Sequence[str]) -> set[str]:
    return {w for p in phrases for w in text.words(p) if w not in text.STOP_WORDS}


def shared_interests_baseline(
    volunteers: Sequence[VolunteerProfile],
    person: Profile,
    wanted: SupportWanted,
    *,
    top: int,
    at: dt.date,
    dbs_renewal_years: int = DBS_RENEWAL_YEARS,
) -> list[VolunteerSuggestion]:
    """The volunteers who pass the same hard constraints, ranked by how many words of their
    interests the person's interests share (no stems, related terms, meaning or other signals;
    ties to the smaller id): what a coordinator's spreadsheet filter would give."""
    said = _interest_words(person.interests)
    scored = []
    for v in volunteers:
        if hard_constraint_failures(person, wanted, v, at=at, dbs_renewal_years=dbs_renewal_years):
            continue
        count = len(said & _interest_words(v.interests))
        scored.append((count, v.id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [
        VolunteerSuggestion(
            volunteer_id=vid, score=float(count), reasons=(), components={"shared": float(count)}
        )
        for count, vid in scored[:top]
    ]
