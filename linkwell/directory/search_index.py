"""Directory text search through a substring index (ADR 0006).

Each service has one search document: its name, description and provider name, apostrophes
removed, one per line. The database keeps it with triggers (migration 0005), so no write path
has to remember to: forms, the importer's bulk writes, harvests, admin and renaming a provider
all update it in the statement that changes the row.

- SQLite: FTS5 with the trigram tokenizer (`directory_service_search`, rowid = service id). A
  quoted string in MATCH is a case-insensitive substring test answered from the index; text of
  fewer than three characters has no trigram, so it is looked for with LIKE (a scan of the
  documents only).
- PostgreSQL: `directory_service_search(service_id, document, folded)`, where `folded` is
  `upper(document)` kept by the database (a generated column, migration 0006), with a
  `pg_trgm` GIN index on it; `folded LIKE upper('%...%')` is answered from the index (and is
  the test Django's `icontains` makes, so results are the same as a scan's). The document is
  upper-cased once when written, not once per alternative and row when searched.

Before the query is made, an alternative that another one implies is dropped (`essential`):
"befriending" contains "befriend", so every document with "befriending" is found by
"befriend" already. The services found are the same, with fewer tests per row ("lonely": 21
alternatives, 15 tests).

Matching stays exactly what `text_search` describes (a piece of text is found when it appears,
case-insensitively, in any one of the fields, apostrophes ignored): a piece never contains a line
break (queries are split on white space), so it cannot straddle two fields of the document.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# The SQL below is built only from this constant and placeholders; every piece of text a person
# typed is a parameter (hence the `noqa: S608, S611`).
TABLE = "directory_service_search"
_MATCH = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608
_LIKE = f"SELECT rowid FROM {TABLE} WHERE document LIKE %s ESCAPE '\\'"  # noqa: S608
# The FTS5 trigram tokenizer indexes runs of three characters: shorter text cannot use MATCH.
_TRIGRAM = 3


def _like_pattern(piece: str) -> str:
    escaped = piece.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_string(piece: str) -> str:
    """`piece` as one FTS5 string: with the trigram tokenizer, a substring test."""
    return '"' + piece.replace('"', '""') + '"'


def _implies(piece: str, pieces: tuple[str, ...]) -> bool:
    return any(piece in other for other in pieces)


def essential(alternatives: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """`alternatives` without those another one implies, in their order: B implies A when every
    piece of B is part of a piece of A (a document that contains A's pieces contains B's). Only
    pieces of three characters or more imply others: on SQLite shorter ones are matched by
    LIKE, which folds only ASCII case, and longer ones by the index, which folds all letters."""
    kept: list[tuple[str, ...]] = []
    for candidate in sorted(alternatives, key=lambda a: (sum(map(len, a)), len(a))):
        if not any(
            all(len(p) >= _TRIGRAM and _implies(p, candidate) for p in other) for other in kept
        ):
            kept.append(candidate)
    return tuple(a for a in alternatives if a in kept)


def _sqlite(alternatives: tuple[tuple[str, ...], ...]) -> Q:
    indexed = [a for a in alternatives if a and all(len(p) >= _TRIGRAM for p in a)]
    condition = Q(pk__in=[])
    if indexed:
        expression = " OR ".join(
            "(" + " AND ".join(_fts_string(p) for p in pieces) + ")" for pieces in indexed
        )
        condition |= Q(pk__in=RawSQL(_MATCH, (expression,)))  # noqa: S611
    for pieces in alternatives:
        if pieces in indexed:
            continue
        every = Q()
        for piece in pieces:
            if len(piece) >= _TRIGRAM:
                sql, param = _MATCH, _fts_string(piece)
            else:
                sql, param = _LIKE, _like_pattern(piece)
            every &= Q(pk__in=RawSQL(sql, (param,)))  # noqa: S611
        condition |= every
    return condition


def _postgresql(alternatives: tuple[tuple[str, ...], ...]) -> Q:
    if not alternatives:
        return Q(pk__in=[])
    # One SELECT per alternative, not one WHERE with an OR of them all: the planner weighs each
    # test alone (the index for a rare text, a scan for a common one), where for a long OR it
    # expected many rows and read every document, testing each against every alternative.
    selects = []
    params: list[str] = []
    for pieces in alternatives:
        test = " AND ".join("folded LIKE upper(%s)" for _ in pieces) if pieces else "TRUE"
        selects.append(f"SELECT service_id FROM {TABLE} WHERE {test}")  # noqa: S608
        params += [_like_pattern(p) for p in pieces]
    return Q(pk__in=RawSQL(" UNION ALL ".join(selects), tuple(params)))  # noqa: S611


def document_matches_any(alternatives: tuple[tuple[str, ...], ...]) -> Q:
    """Services whose search document has one of `alternatives`: every piece of it appears
    (case-insensitively) in the name, the description or the provider's name. The pieces are
    lower case and apostrophe-free, as `text_search.query_terms` makes them."""
    alternatives = essential(alternatives)
    if connection.vendor == "postgresql":
        return _postgresql(alternatives)
    return _sqlite(alternatives)
