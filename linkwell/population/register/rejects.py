"""The rejects file: one CSV line per problem row and problem, with the file and 1-based data
row it came from, built from the same checks as `validate`'s messages and streamed to a
temporary file that is renamed when done.
"""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from linkwell.population.register.reading import INTERNAL_COLUMNS, ROW_FILE, ROW_NUMBER
from linkwell.population.register.schema import COLUMNS, RegisterError
from linkwell.population.register.validation import (
    _Check,
    _duplicate_ids,
    _nhs_refusal,
    _present,
    _refuse_identifying,
    _typing,
    _valid_nhs_number,
    _value_checks,
)

REJECTS_COLUMNS = ("file", "row", "pseudo_id", "column", "value", "reason")


def _problem_rows(table: ir.Table) -> ir.Table:
    """The rows of `table` with at least one problem, with `_dup_n` (rows sharing the pseudo id,
    when more than one): one scan and a join, rather than one scan per check."""
    dupes = _duplicate_ids(table).rename(_dup_id="pseudo_id", _dup_n="n")
    joined = table.left_join(dupes, table.pseudo_id.cast("string") == dupes._dup_id).drop("_dup_id")
    present = _present(joined.schema().names)
    typed, issues = _typing(joined, present)
    checks = [issue for issue in issues if isinstance(issue, _Check)]
    checks += _value_checks(joined, typed, present)
    problem = joined._dup_n.notnull()
    for check in checks:
        problem = problem | check.condition.fill_null(False)
    return joined.filter(problem)


def _listed(flagged: ir.Table) -> ir.Table:
    """One row per problem of the rows `_problem_rows` found: `file, row, pseudo_id, column,
    value, reason` (the file name, the 1-based data row number in it, the row's pseudo id, blank
    if it has none, the column at fault, its value as read, and the reason). A union of one
    filtered select per check (the checks `validate` counts) and the rows of every duplicated
    id, ordered by file, row and column: lazy Ibis expressions, so it runs on any engine."""
    present = _present(flagged.schema().names)
    typed, issues = _typing(flagged, present)
    checks = [issue for issue in issues if isinstance(issue, _Check)]
    checks += _value_checks(flagged, typed, present)
    order = {column.name: index for index, column in enumerate(COLUMNS)}

    def rows(source: ir.Table, column: str, reason: ir.StringValue, rank: int) -> ir.Table:
        return source.select(
            file=source[ROW_FILE].cast("string"),
            row=source[ROW_NUMBER].cast("int64"),
            pseudo_id=source.pseudo_id.cast("string"),
            column=ibis.literal(column, "string"),
            value=source[column].cast("string"),
            reason=reason,
            _order=ibis.literal(rank, "int64"),
        )

    parts = [
        rows(
            flagged.filter(check.condition),
            check.column,
            ibis.literal(check.reason, "string"),
            order[check.column] * 1000 + index,
        )
        for index, check in enumerate(checks)
    ]
    duplicated = flagged.filter(flagged._dup_n.notnull())
    parts.append(
        rows(
            duplicated,
            "pseudo_id",
            ibis.literal("appears ") + duplicated._dup_n.cast("string") + ibis.literal(" times"),
            -1,
        )
    )
    union = ibis.union(*parts, distinct=False)
    return union.order_by(["file", "row", "_order"]).drop("_order")


def write_rejects(table: ir.Table, path: str | Path, *, source: str = "register") -> int:
    """Write `rejects_table(table)` to the CSV `path`, streamed; return its number of lines.

    Written to a temporary file beside `path` and renamed, so a failure leaves no partial file.
    The file carries pseudo ids and register values only (registers with identifying columns
    never get this far); if any pseudo id is a valid NHS number nothing is written at all.
    """
    names = [name for name in table.schema().names if name not in INTERNAL_COLUMNS]
    _refuse_identifying(names, source)
    ids = table.pseudo_id.cast("string")
    nhs_numbers = int(table.filter(_valid_nhs_number(ids)).count().execute())
    if nhs_numbers:
        raise RegisterError([_nhs_refusal(source, nhs_numbers)])
    # The problem rows are materialised (a temporary table on DuckDB, a cached DataFrame on
    # Spark) so the per-check selects read only them, not the whole register again.
    with _materialised(_problem_rows(table)) as flagged:
        return _write_csv(path, _stream(_listed(flagged)))


@contextmanager
def _materialised(table: ir.Table) -> Iterator[ir.Table]:
    con = table._find_backend()
    name = f"_lw_rejects_{uuid.uuid4().hex}"
    if con.name == "duckdb":
        con.raw_sql(f'CREATE TEMP TABLE "{name}" AS {con.compile(table)}')
        try:
            yield con.table(name)
        finally:
            con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
        return
    frame = con._session.sql(con.compile(table)).cache()
    frame.createOrReplaceTempView(name)
    try:
        yield con.table(name)
    finally:
        con._session.catalog.dropTempView(name)
        frame.unpersist()


def _stream(table: ir.Table, chunk: int = 50_000) -> Iterator[tuple[Any, ...]]:
    """The rows of `table` in order, a chunk at a time (never the whole result in memory)."""
    con = table._find_backend()
    if con.name == "duckdb":
        cursor = con.raw_sql(con.compile(table))
        while batch := cursor.fetchmany(chunk):
            yield from batch
        return
    frame = con._session.sql(con.compile(table))
    for row in frame.toLocalIterator():
        yield tuple(row)


def _write_csv(path: str | Path, rows: Iterator[tuple[Any, ...]]) -> int:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    count = 0
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(REJECTS_COLUMNS)
            for file, *rest in rows:
                writer.writerow([Path(str(file)).name, *rest])
                count += 1
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return count
