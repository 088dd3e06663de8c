"""Validating a register: types, blanks, ranges, categories, duplicate ids and NHS numbers as
ids, counted in one aggregate query (never a full load into Python), and every problem reported
at once; registers with identifying columns, or NHS numbers as pseudo ids, are refused outright.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from linkwell.population.register.reading import INTERNAL_COLUMNS
from linkwell.population.register.schema import (
    BY_NAME,
    COLUMNS,
    REQUIRED,
    Column,
    Register,
    RegisterError,
    identifying_columns,
)

EXAMPLES = 5
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


def _kind_of(dtype: Any) -> str:
    if dtype.is_boolean():
        return "flag"
    if dtype.is_integer():
        return "whole"
    if dtype.is_floating() or dtype.is_decimal():
        return "number"
    if dtype.is_string():
        return "text"
    return str(dtype)


def _rows(count: int, singular: str, plural: str) -> str:
    """`1 row is` / `2,345 rows are` (thousands separated)."""
    return f"1 row {singular}" if count == 1 else f"{count:,} rows {plural}"


def _examples(table: ir.Table, condition: ir.BooleanValue, column: str) -> tuple[int, str]:
    """How many rows meet `condition`, and a few of them as `pseudo_id (value)`."""
    count = int(table.filter(condition).count().execute())
    return count, _shown(table, condition, column) if count else ""


def _shown(table: ir.Table, condition: ir.BooleanValue, column: str) -> str:
    """A few rows meeting `condition`, as `pseudo_id (value)`."""
    bad = table.filter(condition)
    shown = bad.select("pseudo_id", column).order_by("pseudo_id").limit(EXAMPLES).execute()
    return ", ".join(f"{row.pseudo_id} ({getattr(row, column)!r})" for row in shown.itertuples())


@dataclass(frozen=True)
class _Check:
    """Rows of one column with one problem: `condition` over the register as read, `reason` for
    the rejects file, `wording` (before, singular, plural, after) for the console's sentence."""

    column: str
    condition: Any  # ir.BooleanValue
    reason: str
    wording: tuple[str, str, str, str]

    def message(self, count: int, shown: str) -> str:
        before, singular, plural, after = self.wording
        return f"{before}{_rows(count, singular, plural)}{after}, e.g. {shown}."


def _present(names: Sequence[str]) -> list[Column]:
    return [column for column in COLUMNS if column.name in names]


def _typing(
    table: ir.Table, present: Sequence[Column]
) -> tuple[dict[str, ir.Value], list[_Check | str]]:
    """Each present column in its canonical type, and its type problems in column order.

    A problem is a `_Check` when it lies in some rows' values (those rows are typed as blank, so
    no later check counts them twice), or a sentence when the column as a whole is unusable
    (e.g. dates where numbers are expected).
    """
    schema = table.schema()
    typed: dict[str, ir.Value] = {}
    issues: list[_Check | str] = []
    for column in present:
        name = column.name
        value = table[name]
        found = _kind_of(schema[name])
        if column.kind in ("text", "category"):
            typed[name] = value if found == "text" else value.cast("string")
        elif column.kind == "flag" and found == "flag":
            typed[name] = value
        elif column.kind == "flag" and found == "text":
            words = value.strip().lower()
            issues.append(
                _Check(
                    name,
                    value.notnull() & ~words.isin([*TRUE_WORDS, *FALSE_WORDS]),
                    "not true/false or 1/0",
                    (f"Column {name}: expected true/false or 1/0; ", "is", "are", " not"),
                )
            )
            typed[name] = ibis.cases(
                (words.isin(TRUE_WORDS), True),
                (words.isin(FALSE_WORDS), False),
                else_=ibis.null("boolean"),
            )
        elif column.kind in ("whole", "flag") and found == "whole":
            typed[name] = value.cast("int64")
        elif column.kind == "number" and found in ("whole", "number"):
            typed[name] = value.cast("float64")
        elif column.kind == "whole" and found == "number":
            fraction = value.notnull() & (value != value.floor())
            issues.append(
                _Check(
                    name,
                    fraction,
                    "not a whole number",
                    (
                        f"Column {name}: expected whole numbers; ",
                        "has a fraction",
                        "have fractions",
                        "",
                    ),
                )
            )
            typed[name] = ibis.cases((fraction, ibis.null("int64")), else_=value.cast("int64"))
        else:
            expected = {"whole": "whole numbers", "flag": "true/false or 1/0", "number": "numbers"}[
                column.kind
            ]
            if found != "text":
                issues.append(f"Column {name}: expected {expected}, found {found}.")
                continue
            target = "float64" if column.kind == "number" else "int64"
            issues.append(
                _Check(
                    name,
                    value.notnull() & value.try_cast(target).isnull(),
                    "not a number" if column.kind == "number" else "not a whole number",
                    (f"Column {name}: expected {expected}, found text; ", "is", "are", " not"),
                )
            )
            typed[name] = value.try_cast(target)
    return typed, issues


def _value_checks(
    table: ir.Table, typed: dict[str, ir.Value], present: Sequence[Column]
) -> list[_Check]:
    """Blanks (in the register as read), values out of range and unknown categories."""
    checks = []
    for column in present:
        name = column.name
        if name not in typed:
            continue
        value = typed[name]
        if not column.nullable:
            checks.append(
                _Check(
                    name,
                    table[name].isnull(),
                    "blank (a value is required)",
                    (f"Column {name}: ", "is", "are", " blank"),
                )
            )
        if column.minimum is not None and column.maximum is not None:
            span = f"{column.minimum}-{column.maximum}"
            checks.append(
                _Check(
                    name,
                    (value < column.minimum) | (value > column.maximum),
                    f"outside {span}",
                    (f"Column {name}: ", "is", "are", f" outside {span}"),
                )
            )
        if column.categories:
            allowed = ", ".join(column.categories)
            checks.append(
                _Check(
                    name,
                    value.notnull() & ~value.isin(list(column.categories)),
                    f"not one of {allowed}",
                    (
                        f"Column {name}: ",
                        "has an unknown value",
                        "have unknown values",
                        f" (expected one of {allowed})",
                    ),
                )
            )
    return checks


def _refuse_identifying(names: Sequence[str], source: str) -> None:
    identifying = identifying_columns(names)
    if identifying:
        raise RegisterError(
            [
                f"{source}: refused: it has identifying columns ({', '.join(identifying)}). "
                "Analytic files must never carry names, NHS numbers, addresses, postcodes or "
                "dates of birth; remove them at the practice and use pseudo_id."
            ]
        )


def _nhs_refusal(source: str, count: int) -> str:
    # The values themselves are never echoed: they would be identifiers.
    return (
        f"{source}: refused: {count} pseudo_id values are valid NHS numbers. "
        "pseudo_id must be the practice's keyed hash of the NHS number "
        "(linkwell/population/pseudonym.py), never the number itself."
    )


def validate(table: ir.Table, *, source: str = "register") -> Register:
    """Check every column and row of `table`; raise RegisterError naming every problem.

    The counts come from one aggregate query over the register (every type and value check,
    the row count, NHS numbers used as ids, and on Spark distinct ids); on DuckDB duplicate ids
    are found from the ids' hashes alone (`_hashes_repeat`). A few more small queries run only
    when something is wrong, to show examples.
    """
    names = [name for name in table.schema().names if name not in INTERNAL_COLUMNS]
    _refuse_identifying(names, source)
    problems: list[str] = []
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        problems.append(f"Missing columns: {', '.join(missing)}.")
    present = _present(names)

    # Types: a column of the wrong kind is named with a few offending values. Those rows are
    # typed as blank, so the value checks below still run on the others.
    typed, issues = _typing(table, present)
    type_checks = [issue for issue in issues if isinstance(issue, _Check)]
    if missing or len(type_checks) < len(issues):
        # A problem with the file itself: name it, with any type problems in rows, and stop.
        counted = _count(table, type_checks) if type_checks and "pseudo_id" in names else {}
        for issue in issues:
            if isinstance(issue, str):
                problems.append(issue)
            elif counted.get(id(issue)):
                count = counted[id(issue)]
                problems.append(issue.message(count, _shown(table, issue.condition, issue.column)))
        raise RegisterError(problems)

    # Every count at once: types, blanks, ranges, categories, ids.
    checks = [*type_checks, *_value_checks(table, typed, present)]
    ids = typed["pseudo_id"]
    extra: dict[str, ir.Value] = {
        "_rows": table.count(),
        "_ids": ids.count(),
        "_nhs_numbers": _valid_nhs_number(ids).sum(),
    }
    on_duckdb = table._find_backend().name == "duckdb"
    if not on_duckdb:
        extra["_distinct_ids"] = ids.nunique()
    counted = _count(table, checks, extra)
    rows = int(counted["_rows"] or 0)
    if rows == 0:
        raise RegisterError([f"{source}: the register has no rows."])
    for check in checks:
        count = counted[id(check)]
        if count:
            problems.append(check.message(count, _shown(table, check.condition, check.column)))
    if _hashes_repeat(table, ids) if on_duckdb else counted["_distinct_ids"] < counted["_ids"]:
        problems += _duplicate_problem(table)
    if problems:
        raise RegisterError(problems, in_rows=True)
    nhs_numbers = int(counted["_nhs_numbers"] or 0)
    if nhs_numbers:
        raise RegisterError([_nhs_refusal(source, nhs_numbers)])
    return checked_register(table, source=source, rows=rows)


def checked_register(table: ir.Table, *, source: str, rows: int) -> Register:
    """The `Register` for a table already proved valid (by `validate`, or by the validation
    cache for these very bytes): every column in its canonical type, without running a query."""
    names = [name for name in table.schema().names if name not in INTERNAL_COLUMNS]
    present = _present(names)
    typed, issues = _typing(table, present)
    missing = [name for name in REQUIRED if name not in names]
    if missing or any(isinstance(issue, str) for issue in issues):
        raise RegisterError([f"{source}: not the register that was validated; validate it again."])
    canonical: dict[str, ir.Value] = {}
    for column in present:
        value = typed[column.name]
        if column.kind == "flag" and not value.type().is_boolean():
            value = value != 0
        canonical[column.name] = value
    if "hba1c_mmol_mol" not in canonical:
        canonical["hba1c_mmol_mol"] = ibis.null().cast("float64")
    if "emergency_admission_next_12m" not in canonical:
        canonical["emergency_admission_next_12m"] = ibis.null().cast("boolean")
    ignored = [name for name in names if name not in BY_NAME]
    return Register(
        table=table.select(**canonical), source=source, ignored_columns=ignored, rows=rows
    )


def _count(
    table: ir.Table, checks: Sequence[_Check], extra: dict[str, ir.Value] | None = None
) -> dict[Any, int]:
    """One aggregate query: the rows failing each check (keyed by the check's id()) and the
    `extra` aggregates (keyed by name)."""
    sums: dict[str, ir.Value] = {
        f"_check_{index}": check.condition.sum() for index, check in enumerate(checks)
    }
    sums.update(extra or {})
    result = table.aggregate(**sums).execute().iloc[0]
    counted: dict[Any, int] = {
        id(check): int(result[f"_check_{index}"] or 0) for index, check in enumerate(checks)
    }
    for name in extra or {}:
        value = result[name]
        counted[name] = 0 if value is None or value != value else int(value)
    return counted


def _hashes_repeat(table: ir.Table, ids: ir.StringValue) -> bool:
    """Whether any two ids share a 64-bit hash (DuckDB): the ids' hashes read as one NumPy
    array and sorted, several times faster than COUNT(DISTINCT) at ten million rows. Equal ids
    hash alike, so a duplicate always repeats a hash; a collision only sends the check to the
    exact query (`_duplicate_problem`)."""
    con = table._find_backend()
    hashed = table.filter(ids.notnull()).select(_lw_hash=ids.hash())
    values = con.raw_sql(con.compile(hashed)).fetchnumpy()["_lw_hash"]
    values.sort()
    return bool((values[1:] == values[:-1]).any())


def _duplicate_problem(table: ir.Table) -> list[str]:
    dupes = _duplicate_ids(table)
    count = int(dupes.count().execute())
    if not count:  # distinct hashes collided; the ids themselves are all different
        return []
    shown = dupes.order_by("pseudo_id").limit(EXAMPLES).execute()
    listing = ", ".join(f"{row.pseudo_id} (x{row.n})" for row in shown.itertuples())
    ids_text = "1 id appears" if count == 1 else f"{count:,} ids appear"
    return [f"Column pseudo_id: {ids_text} more than once, e.g. {listing}."]


def _valid_nhs_number(text: ir.StringValue) -> ir.BooleanValue:
    """Ten digits passing the NHS number's modulus-11 check (see people.validation)."""
    digits = [text.substr(index, 1).try_cast("int64") for index in range(10)]
    total = digits[0] * 10
    for index in range(1, 9):
        total = total + digits[index] * (10 - index)
    check = (11 - total % 11) % 11
    valid = text.re_search(r"^[0-9]{10}$") & (check != 10) & (check == digits[9])
    # Only ten-character ids can be NHS numbers: the guard spares every other row the regex and
    # the arithmetic (a pseudo id is normally a 64-character hash).
    return ibis.cases((text.length() == 10, valid), else_=False)


def _duplicate_ids(table: ir.Table) -> ir.Table:
    """`pseudo_id, n` for every id on more than one row."""
    ids = table.filter(table.pseudo_id.notnull()).select(pseudo_id=table.pseudo_id.cast("string"))
    return ids.group_by("pseudo_id").aggregate(n=ids.count()).filter(lambda t: t.n > 1)
