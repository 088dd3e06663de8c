"""Tolerant free-text matching for directory search, identical on SQLite and PostgreSQL.

People type "mens shed", "Mens Sheds" or "foodbank" for a listing called "Men's Shed" or
"Food Bank". Matching stays a case-insensitive substring test (portable, no search index), made
tolerant three ways:

- apostrophes (U+0027, U+2018, U+2019) are ignored on both sides: the query loses them in Python, the compared
  column loses them in SQL (`Replace`, the same function on both databases);
- a plural query word is matched by its singular stem ("sheds" -> "shed", "classes" -> "class",
  "activities" -> "activit"). The stem is a prefix of the word, so the stem matches wherever the
  word did, plus the singular;
- a few words people write joined or split are tried both ways (JOINED_FORMS). A split query
  ("food bank") already matches joined text ("Foodbank"): each word is a substring of it.

Hyphens in the query separate words, so "drop-in" finds "drop in" as well as "drop-in".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Expression, F, Q, TextField, Value
from django.db.models.functions import Replace
from django.db.models.lookups import IContains

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
class TextQuery:
    """A query made tolerant: every word must match one of its `alternatives`."""

    words: tuple[tuple[str, ...], ...]
    phrase: str  # the whole query without apostrophes, for ranking name matches first

    def __bool__(self) -> bool:
        return bool(self.words)


def query_terms(text: str) -> TextQuery:
    cleaned = without_apostrophes(text).lower()
    words: list[tuple[str, ...]] = []
    for raw in _WORD_SPLIT.split(cleaned):
        if not raw:
            continue
        base = stem(raw)
        alternatives = (base, *JOINED_FORMS.get(base, ()))
        if alternatives not in words:
            words.append(alternatives)
    return TextQuery(words=tuple(words), phrase=" ".join(cleaned.split()))


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


def matches_any(columns: tuple[str, ...], alternatives: tuple[str, ...]) -> Q:
    condition = Q()
    for column in columns:
        for value in alternatives:
            condition |= contains(column, value)
    return condition
