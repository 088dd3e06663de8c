"""Tolerant free-text matching for directory search, identical on SQLite and PostgreSQL.

People type "mens shed", "Mens Sheds" or "foodbank" for a listing called "Men's Shed" or
"Food Bank". Matching stays a case-insensitive substring test, answered for services from a
trigram index (`search_index`, ADR 0006) and for term names by LIKE, made tolerant three ways:

- apostrophes (U+0027, U+2018, U+2019) are ignored on both sides: the query loses them in Python, the compared
  text loses them in SQL (`Replace` here; the index's triggers for the service document);
- a plural query word is matched by its singular stem ("sheds" -> "shed", "classes" -> "class",
  "activities" -> "activit"). The stem is a prefix of the word, so the stem matches wherever the
  word did, plus the singular;
- a few words people write joined or split are tried both ways (JOINED_FORMS). A split query
  ("food bank") already matches joined text ("Foodbank"): each word is a substring of it.

Hyphens in the query separate words, so "drop-in" finds "drop in" as well as "drop-in".

Then the query is widened with the related terms of Linkwell's one text analysis
(`linkwell.text`, which matching uses too): "lonely" also finds befriending, social groups and
lunch clubs; "feeling down" finds low-mood and talking-therapy services. Services that match
the person's own words rank above those found through related terms (`search_services`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django.db.models import Expression, F, Q, TextField, Value
from django.db.models.functions import Replace
from django.db.models.lookups import IContains

from linkwell.text import analysis

APOSTROPHES = ("'", "\u2018", "\u2019")
# Only these two are removed from the stored text: each Replace is one more function call per
# row and per column. U+2018 (left quote) almost never appears inside a word.
_COLUMN_APOSTROPHES = ("'", "\u2019")
_WORD_SPLIT = re.compile(r"[\s\-\u2010-\u2014]+")

# Joined spelling -> the split spelling (both are tried). Keys are stems (no apostrophes, lower
# case, plural already stripped), as `query_terms` produces them.
JOINED_FORMS: dict[str, tuple[str, ...]] = {
    "foodbank": ("food bank",),
    "dropin": ("drop in", "drop-in"),
    "keepfit": ("keep fit",),
    "lunchclub": ("lunch club",),
    "healthwalk": ("health walk",),
    "playgroup": ("play group",),
    "menshed": ("mens shed",),
    "wellbeing": ("well being", "well-being"),
}


def without_apostrophes(text: str) -> str:
    for mark in APOSTROPHES:
        text = text.replace(mark, "")
    return text


def stem(word: str) -> str:
    """The singular stem of a plural word longer than 3 letters, else the word. Crude on
    purpose: matching is by substring, so a stem that is too short only widens the match."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3]  # activities -> activit (matches activity and activities)
    base = word[:-1]
    if base.endswith("e") and base[:-1].endswith(("s", "x", "z", "ch", "sh")):
        return base[:-1]  # classes -> class, boxes -> box, lunches -> lunch
    return base


@dataclass(frozen=True)
class Clause:
    """One thing the query asks for. A service matches when it matches any of `alternatives`;
    an alternative is one or more pieces of text that must all appear (in any of the searched
    columns). `direct` alternatives are the person's own words; the rest are related terms."""

    alternatives: tuple[tuple[str, ...], ...]
    direct: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class TextQuery:
    """A query made tolerant: every clause must match."""

    clauses: tuple[Clause, ...]
    phrase: str  # the whole query without apostrophes, for ranking name matches first

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def widened(self) -> bool:
        """Whether related terms were added (so results that match only those rank lower)."""
        return any(c.alternatives != c.direct for c in self.clauses)


def _word_forms(word: str) -> tuple[str, ...]:
    base = stem(word)
    return (base, *JOINED_FORMS.get(base, ()))


def _related_forms(phrase: str) -> set[tuple[str, ...]]:
    """How a related term is looked for as text: as written, and (for one word) cut to its
    Snowball stem when that is the start of the word, so "befriending" also finds "befriender"
    and "isolation" finds "isolated"."""
    written = " ".join(without_apostrophes(analysis.fold(phrase)).split())
    forms: set[tuple[str, ...]] = {(written,)}
    if " " not in written:
        snowball = analysis.stem(written)
        if len(snowball) >= 4 and written.startswith(snowball):
            forms.add((snowball,))
    return forms


def query_terms(text: str, *, related: bool = True) -> TextQuery:
    """The clauses for `text`: each word (plural-tolerant, joined forms), widened with the
    related terms of the shared text analysis (`linkwell.text`), the same ones matching uses:
    "lonely" also finds befriending, social groups and lunch clubs."""
    cleaned = without_apostrophes(text).lower()
    raw_words = [w for w in _WORD_SPLIT.split(cleaned) if w]
    clauses: list[Clause] = []
    covered: set[str] = set()
    # Groups the same words trigger ("mens shed": woodwork and men's health) widen one clause.
    by_trigger: dict[str, list[analysis.Expansion]] = {}
    for expansion in analysis.expand(text) if related else ():
        by_trigger.setdefault(expansion.trigger, []).append(expansion)
    for said, expansions in by_trigger.items():
        trigger = [w for w in _WORD_SPLIT.split(without_apostrophes(said).lower()) if w]
        if not trigger or any(w not in raw_words for w in trigger):
            continue
        # The person's own words, all of them (each plural-tolerant), or any related term.
        direct = tuple(
            dict.fromkeys(
                tuple(forms) for forms in itertools.product(*(_word_forms(w) for w in trigger))
            )
        )
        widening: set[tuple[str, ...]] = set()
        for expansion in expansions:
            for phrase in expansion.phrases:
                widening |= _related_forms(phrase.text)
        alternatives = tuple(dict.fromkeys([*direct, *sorted(widening - set(direct))]))
        clauses.append(Clause(alternatives=alternatives, direct=direct))
        covered.update(trigger)
    for word in dict.fromkeys(raw_words):
        if word in covered:
            continue
        one = tuple((form,) for form in _word_forms(word))
        clauses.append(Clause(alternatives=one, direct=one))
    return TextQuery(clauses=tuple(clauses), phrase=" ".join(cleaned.split()))


def apostrophe_free(column: str) -> Expression:
    """`column` with apostrophes removed, in SQL (Replace works alike on SQLite and PostgreSQL)."""
    expression: Expression = F(column)  # type: ignore[assignment]
    for mark in _COLUMN_APOSTROPHES:
        # TextField output: the columns are CharField or TextField, and LIKE treats them alike.
        expression = Replace(expression, Value(mark), Value(""), output_field=TextField())
    return expression


def contains(column: str, value: str) -> Q:
    """Case-insensitive: the apostrophe-free `column` contains `value`.

    Most text has no apostrophe, or matches as stored: the plain LIKE is tried first, and the
    Replace (which copies the whole text) runs only on rows that hold an apostrophe and did not
    match plainly. Measured with benchmarks/directory_search.py: Replace on every row made text
    searches about 30% slower on SQLite; this keeps them within a few percent."""
    has_apostrophe = Q()
    for mark in _COLUMN_APOSTROPHES:
        has_apostrophe |= Q(**{f"{column}__contains": mark})
    return Q(**{f"{column}__icontains": value}) | (
        has_apostrophe & Q(IContains(apostrophe_free(column), value))
    )


def matches_any(columns: tuple[str, ...], alternatives: tuple[tuple[str, ...], ...]) -> Q:
    """Any alternative matches: every piece of it appears in one of `columns`."""
    condition = Q(pk__in=[])
    for pieces in alternatives:
        every = Q()
        for piece in pieces:
            anywhere = Q(pk__in=[])
            for column in columns:
                anywhere |= contains(column, piece)
            every &= anywhere
        condition |= every
    return condition
