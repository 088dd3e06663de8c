"""Finding a case by the person's name or NHS number, in the database.

Names are compared as `fold_name` writes them: `linkwell.people.selectors.normalise_name` (blind
to case, accents, spaces and punctuation), and also blind to the Latin letters Unicode does not
decompose (ł, ø, đ, æ), so "Zoë O'Brien" is found by "zoe obri" and "Łukasz" by "lukasz".
`FoldedName` is that function in SQL:

- SQLite runs `fold_name` itself, registered on each connection (`register_sqlite_fold`,
  connected in `CaseworkConfig.ready`): SQLite's LOWER knows only ASCII and its parser refuses
  the 200 nested REPLACE calls the accented letters would need.
- PostgreSQL lowers the text, TRANSLATEs the accented letters of Latin-script names (Latin-1
  Supplement and Latin Extended-A: é, ñ, ł, Ø...) to their base letter and drops spaces and
  punctuation; no extension (`unaccent`) is needed.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, F, Func, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Contains

from linkwell.people.selectors import normalise_name

SQLITE_FOLD_FUNCTION = "linkwell_fold_name"
# At most this many words of a search are used: each adds one folded comparison to the query.
MAX_SEARCH_WORDS = 5
# A search made only of digits (spaces and hyphens allowed) is an NHS number, or part of one.
_NHS_NUMBER = re.compile(r"^[\d\s-]+$")
# Between the folded names: never in a folded search word, so no word matches across two names.
_SEPARATOR = "|"
_LATIN_RANGE = range(0xC0, 0x180)
# Spaces and punctuation people type, or not, inside a name (Anne-Marie, O'Brien, St. John).
_DROPPED = " -'\u2019\u2010."
# Letters with a stroke or ligatures: no Unicode decomposition, so `normalise_name` keeps them.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ŀ": "l",
        "\u0131": "i",
        "æ": "ae",
        "œ": "oe",
        "ð": "d",
    }
)


def fold_name(value: str) -> str:
    """`normalise_name`, with ł, ø, đ, æ... folded too: "Łukasiewicz-Ørsted" -> "lukasiewiczorsted"."""
    return normalise_name(value).translate(_UNDECOMPOSED)


@cache
def _postgresql_folds() -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(TRANSLATE's from, its to, the REPLACEs for letters folding to two: ß -> ss) for text
    already lowered. TRANSLATE drops the characters of `from` past the end of `to`."""
    single_from, single_to, dropped, multi = [], [], list(_DROPPED), []
    for code in _LATIN_RANGE:
        char = chr(code)
        if char != char.lower():
            continue  # LOWER has already folded capitals
        folded = fold_name(char)
        if folded == char:
            continue
        if len(folded) == 1:
            single_from.append(char)
            single_to.append(folded)
        elif not folded:
            dropped.append(char)
        else:
            multi.append((char, folded))
    return "".join(single_from + dropped), "".join(single_to), tuple(multi)


class FoldedName(Func):
    """`fold_name` of a text expression, in the database (see the module docstring)."""

    function = SQLITE_FOLD_FUNCTION
    arity = 1
    output_field = CharField()

    def as_postgresql(
        self, compiler: Any, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        translate_from, translate_to, multi = _postgresql_folds()
        sql = f"TRANSLATE(LOWER({sql}), %s, %s)"
        out = [*params, translate_from, translate_to]
        for char, replacement in multi:
            sql = f"REPLACE({sql}, %s, %s)"
            out += [char, replacement]
        return sql, out


def register_sqlite_fold(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver: gives SQLite connections `FoldedName`'s function."""
    if connection.vendor == "sqlite":
        raw: sqlite3.Connection = connection.connection
        raw.create_function(
            SQLITE_FOLD_FUNCTION,
            1,
            lambda v: None if v is None else fold_name(str(v)),
            deterministic=True,
        )


def person_search_q(query: str, *, prefix: str = "person__") -> Q:
    """The filter for a search box: an NHS number (with or without spaces, or part of one) or
    words each found in the given, family or preferred name. An empty search matches all.
    `prefix` is the path from the queried model to the person ("" for Person itself)."""
    query = query.strip()
    if not query:
        return Q()
    if _NHS_NUMBER.match(query):
        return Q(**{f"{prefix}nhs_number__contains": re.sub(r"\D", "", query)})
    words = [w for w in (fold_name(word) for word in query.split()) if w]
    names = Concat(
        FoldedName(F(f"{prefix}given_name")),
        Value(_SEPARATOR),
        FoldedName(F(f"{prefix}family_name")),
        Value(_SEPARATOR),
        FoldedName(F(f"{prefix}preferred_name")),
        output_field=CharField(),
    )
    q = Q()
    for word in words[:MAX_SEARCH_WORDS]:
        # LIKE '%word%' on the folded names (the word is alphanumeric: no wildcards in it).
        q &= Q(Contains(names, word))
    return q
