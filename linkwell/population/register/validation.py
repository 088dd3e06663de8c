"""The pseudonymised register extract: its expected columns, reading it, and validating it.

One row per registered patient, from a practice or an integrated care system's data service.
The columns are documented for data managers in `docs/subsystems/population.md` (generated from
`COLUMNS` below: keep the two in step). A register is read lazily through Ibis so it runs on any
engine (`engines.py`); validation is a few aggregate queries, never a full load into Python.

Analytic files never carry names, NHS numbers, addresses, postcodes or dates of birth: a register
with such a column is refused outright (re-identification happens only at the practice).

Every problem row can be listed in a rejects file (`open_register(..., rejects=FILE)`, the
command's `--rejects`): one CSV line per row and problem, with the file and 1-based data row
number it came from (`write_rejects`, built from the same checks as the messages).
"""

from __future__ import annotations

import csv
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

Kind = Literal["text", "whole", "flag", "category", "number"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str
    required: bool = True
    nullable: bool = False
    minimum: int | None = None
    maximum: int | None = None
    categories: tuple[str, ...] = ()


def _flag(name: str, description: str) -> Column:
    return Column(name, "flag", description)


def _count(name: str, description: str) -> Column:
    return Column(name, "whole", description, minimum=0, maximum=1000)


EFI_CATEGORIES = ("fit", "mild", "moderate", "severe")
SEX_CATEGORIES = ("F", "M", "I", "U")

CONDITIONS: tuple[tuple[str, str], ...] = (
    ("diabetes", "Diabetes (type 1 or 2) on the QOF register."),
    ("prediabetes", "Non-diabetic hyperglycaemia: latest HbA1c 42-47 mmol/mol, not diabetic."),
    ("hypertension", "Hypertension on the QOF register."),
    ("copd", "Chronic obstructive pulmonary disease."),
    ("asthma", "Asthma (current)."),
    ("chd", "Coronary heart disease."),
    ("heart_failure", "Heart failure."),
    ("dementia", "Dementia."),
    ("depression", "Depression (current episode or on the register)."),
    ("anxiety", "Anxiety disorder."),
    ("smi", "Severe mental illness (schizophrenia, bipolar disorder, other psychoses)."),
    ("arthritis_msk", "Arthritis or another long-term musculoskeletal condition."),
)

COLUMNS: tuple[Column, ...] = (
    Column(
        "pseudo_id",
        "text",
        "Pseudonymous patient id: a keyed hash made at the practice (never an NHS number).",
    ),
    Column("practice", "text", "Practice code (ODS code or a local label)."),
    Column("age", "whole", "Age in whole years on the extract date.", minimum=0, maximum=120),
    Column("sex", "category", "Sex on the record.", categories=SEX_CATEGORIES),
    Column("lsoa", "text", "Lower layer super output area code (e.g. E01012345).", nullable=True),
    Column(
        "imd_decile",
        "whole",
        "Index of Multiple Deprivation decile of the LSOA: 1 most deprived, 10 least.",
        minimum=1,
        maximum=10,
    ),
    *(_flag(name, text) for name, text in CONDITIONS),
    Column(
        "hba1c_mmol_mol",
        "number",
        "Latest HbA1c in mmol/mol (blank if never measured).",
        required=False,
        nullable=True,
        minimum=10,
        maximum=250,
    ),
    Column(
        "efi_category",
        "category",
        "Electronic frailty index category.",
        categories=EFI_CATEGORIES,
    ),
    _count("gp_appointments_12m", "GP appointments attended in the last 12 months."),
    _count("nurse_appointments_12m", "Nurse appointments attended in the last 12 months."),
    _count("ae_attendances_12m", "A&E attendances in the last 12 months."),
    _count("emergency_admissions_12m", "Emergency hospital admissions in the last 12 months."),
    Column(
        "repeat_medicines",
        "whole",
        "Number of current repeat medicines.",
        minimum=0,
        maximum=100,
    ),
    _flag("lives_alone", "Lives alone (household composition code)."),
    _flag("carer", "Is an unpaid carer."),
    _flag("housebound", "Housebound."),
    _flag("recent_bereavement", "Bereavement recorded in the last 12 months."),
    _flag("national_data_opt_out", "Has a national data opt-out: always excluded."),
    _flag(
        "known_to_social_prescribing",
        "Already known to social prescribing (on a caseload): always excluded.",
    ),
    Column(
        "emergency_admission_next_12m",
        "flag",
        "Synthetic or historical data only: had an emergency admission in the following 12 "
        "months (the label the risk model is fitted on).",
        required=False,
    ),
)

BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED = tuple(column.name for column in COLUMNS if column.required)
COUNT_COLUMNS = (
    "gp_appointments_12m",
    "nurse_appointments_12m",
    "ae_attendances_12m",
    "emergency_admissions_12m",
)
FLAG_COLUMNS = tuple(column.name for column in COLUMNS if column.kind == "flag")

# Column names (lower case, letters and digits only) that identify a person. A register carrying
# any of them is refused, whatever the values look like.
IDENTIFYING = {
    "name",
    "names",
    "forename",
    "forenames",
    "firstname",
    "givenname",
    "surname",
    "lastname",
    "familyname",
    "fullname",
    "patientname",
    "nhsnumber",
    "nhsno",
    "nhsnum",
    "nhs",
    "chinumber",
    "address",
    "postcode",
    "postalcode",
    "dateofbirth",
    "dob",
    "birthdate",
    "email",
    "emailaddress",
    "phone",
    "telephone",
    "mobile",
    "phonenumber",
}

EXAMPLES = 5
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


class RegisterError(ValueError):
    """The register cannot be used; `problems` lists every reason, one sentence each.

    `in_rows` is true when every problem is a value in some rows (blanks, wrong types, values
    out of range, unknown categories, duplicate ids), so a rejects file can list them all; false
    for a problem with the file itself (unreadable, missing or unusable columns, identifying
    columns, no rows).
    """

    def __init__(self, problems: Sequence[str], *, in_rows: bool = False) -> None:
        self.problems = list(problems)
        self.in_rows = in_rows
        super().__init__("\n".join(self.problems))


@dataclass
class Register:
    """A validated register: `table` has every required column in its canonical type."""

    table: ir.Table
    source: str
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0


def identifying_columns(names: Sequence[str]) -> list[str]:
    found = []
    for name in names:
        key = re.sub(r"[^a-z0-9]", "", name.lower())
        if key in IDENTIFYING or key.startswith("address") or key.startswith("nhsnumber"):
            found.append(name)
    return found


def register_files(path: str | Path) -> tuple[str, list[Path]]:
    """The format ('parquet' or 'csv') and files of a register given as a file or directory."""
    source = Path(path)
    if not source.exists():
        raise RegisterError([f"{source}: no such file or directory."])
    if source.is_dir():
        parquet = sorted(source.glob("*.parquet"))
        if parquet:
            return "parquet", parquet
        csvs = sorted([*source.glob("*.csv"), *source.glob("*.csv.gz")])
        if csvs:
            return "csv", csvs
        raise RegisterError([f"{source}: the directory holds no .parquet or .csv files."])
    suffixes = "".join(source.suffixes).lower()
    if suffixes.endswith(".parquet"):
        return "parquet", [source]
    if suffixes.endswith(".csv") or suffixes.endswith(".csv.gz"):
        return "csv", [source]
    raise RegisterError([f"{source}: expected a .parquet or .csv file (or a directory of them)."])


# Columns `read_table(..., numbered=True)` adds: the file a row came from and its 1-based data
# row number in that file (for a CSV, its line number minus the header line).
ROW_FILE = "_lw_file"
ROW_NUMBER = "_lw_row"
INTERNAL_COLUMNS = (ROW_FILE, ROW_NUMBER)


def read_table(con: Any, path: str | Path, *, numbered: bool = False) -> ir.Table:
    """Open a register (or any CSV/Parquet table) lazily on the backend `con`.

    `numbered` adds ROW_FILE and ROW_NUMBER, computed from the files themselves rather than from
    an ordering that the engine may change: DuckDB's `file_row_number` for Parquet and
    `row_number() OVER ()` for CSV (documented to keep the file's order); Spark's
    `_metadata.row_index` for Parquet and, for CSV, each row's position in its scan partition
    plus the rows of the same file in the partitions before it (a file's splits are scanned in
    order). It costs an extra pass, so it is only asked for when writing a rejects file.
    """
    fmt, files = register_files(path)
    names = [str(file) for file in files]
    try:
        if con.name == "duckdb":
            if fmt == "parquet":
                if not numbered:
                    return con.read_parquet(names)
                table = con.read_parquet(names, file_row_number=True, filename=ROW_FILE)
                return table.mutate(**{ROW_NUMBER: table.file_row_number + 1}).drop(
                    "file_row_number"
                )
            # Every column sniffed over the whole file, so a bad value deep in the file makes the
            # column text (reported below) rather than failing the scan half-way.
            if not numbered:
                return con.read_csv(names, sample_size=-1)
            raw = con.read_csv(names, sample_size=-1, filename=ROW_FILE)
            view = f"{raw.get_name()}_numbered"
            # Both names are Ibis's generated identifiers, not user input.
            numbering = f'SELECT *, row_number() OVER () AS "_lw_seq" FROM "{raw.get_name()}"'  # noqa: S608
            con.raw_sql(f'CREATE OR REPLACE TEMP VIEW "{view}" AS {numbering}')
            table = con.table(view).rename(**{ROW_NUMBER: "_lw_seq"})
            if len(names) == 1:
                return table
            # Several files, numbered one after the other: each file's numbers start at 1.
            firsts = table.group_by(ROW_FILE).aggregate(_lw_first=table[ROW_NUMBER].min())
            joined = table.join(firsts, ROW_FILE)
            return joined.mutate(**{ROW_NUMBER: joined[ROW_NUMBER] - joined._lw_first + 1}).drop(
                "_lw_first"
            )
        # Spark: the listed files only (a register directory may hold other files, e.g.
        # SYNTHETIC.json), registered as a temporary view.
        reader = con._session.read
        frame = (
            reader.parquet(*names)
            if fmt == "parquet"
            else reader.csv(names, header=True, inferSchema=True)
        )
        if numbered:
            frame = _spark_numbered(frame, fmt)
        view = f"register_{abs(hash((tuple(names), numbered))):x}"
        frame.createOrReplaceTempView(view)
        return con.table(view)
    except Exception as exc:  # engine-specific reader errors
        raise RegisterError([f"{path}: cannot be read as {fmt.upper()}: {exc}"]) from exc


def _spark_numbered(frame: Any, fmt: str) -> Any:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    frame = frame.withColumn(ROW_FILE, F.col("_metadata.file_name"))
    if fmt == "parquet":
        return frame.withColumn(ROW_NUMBER, F.col("_metadata.row_index") + 1)
    # monotonically_increasing_id: the scan partition in the upper 31 bits, the position in it
    # in the lower 33.
    frame = frame.withColumn("_lw_id", F.monotonically_increasing_id())
    frame = frame.withColumn("_lw_part", F.shiftright(F.col("_lw_id"), 33)).withColumn(
        "_lw_pos", F.col("_lw_id").bitwiseAND(F.lit((1 << 33) - 1))
    )
    parts = frame.groupBy(ROW_FILE, "_lw_part").agg(
        F.count(F.lit(1)).alias("_lw_n"), F.min("_lw_pos").alias("_lw_first")
    )
    before = Window.partitionBy(ROW_FILE).orderBy("_lw_part")
    parts = parts.withColumn(
        "_lw_before",
        F.coalesce(
            F.sum("_lw_n").over(before.rowsBetween(Window.unboundedPreceding, -1)), F.lit(0)
        ),
    )
    numbered = frame.join(F.broadcast(parts), [ROW_FILE, "_lw_part"]).withColumn(
        ROW_NUMBER, F.col("_lw_before") + F.col("_lw_pos") - F.col("_lw_first") + 1
    )
    return numbered.drop("_lw_id", "_lw_part", "_lw_pos", "_lw_n", "_lw_first", "_lw_before")


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
    bad = table.filter(condition)
    count = int(bad.count().execute())
    if not count:
        return 0, ""
    shown = bad.select("pseudo_id", column).order_by("pseudo_id").limit(EXAMPLES).execute()
    parts = [f"{row.pseudo_id} ({getattr(row, column)!r})" for row in shown.itertuples()]
    return count, ", ".join(parts)


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


def open_register(con: Any, path: str | Path, *, rejects: str | Path | None = None) -> Register:
    """Read and validate a register; raise RegisterError naming every problem found.

    With `rejects`, a register whose problems are all in its rows also gets every problem row
    written to that CSV file (`write_rejects`) before the error is raised; a valid register gets
    the file with its header only, so a stale list from an earlier run never survives. Problems
    with the file itself (missing or unusable columns, identifying columns) write nothing.
    """
    table = read_table(con, path)
    try:
        reg = validate(table, source=str(path))
    except RegisterError as exc:
        if rejects is None or not exc.in_rows:
            raise
        numbered = read_table(con, path, numbered=True)
        try:
            count = write_rejects(numbered, rejects)
        except OSError as error:
            raise RegisterError(
                [*exc.problems, f"The rejects file {rejects} could not be written: {error}."]
            ) from None
        raise RegisterError(
            [*exc.problems, f"Every problem row is listed in {rejects} ({count:,} lines)."],
            in_rows=True,
        ) from None
    if rejects is not None:
        try:
            _write_csv(rejects, iter(()))
        except OSError as error:
            raise RegisterError(
                [f"The rejects file {rejects} could not be written: {error}."]
            ) from None
    return reg


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
    in_rows = not missing
    for issue in issues:
        if isinstance(issue, str):
            problems.append(issue)
            in_rows = False
        elif "pseudo_id" in names:
            count, shown = _examples(table, issue.condition, issue.column)
            if count:
                problems.append(issue.message(count, shown))
    if problems and not in_rows:
        raise RegisterError(problems)

    # Values: nulls, ranges, categories, duplicate ids, in as few scans as possible.
    checks = _value_checks(table, typed, present)
    sums: dict[str, ir.Value] = {"_rows": table.count()}
    for index, check in enumerate(checks):
        sums[f"check_{index}"] = check.condition.sum()
    sums["_null_ids"] = table.pseudo_id.isnull().sum()
    sums["_distinct_ids"] = typed["pseudo_id"].nunique()
    result = table.aggregate(**sums).execute().iloc[0]
    rows = int(result["_rows"])
    if rows == 0:
        raise RegisterError([f"{source}: the register has no rows."])
    for index, check in enumerate(checks):
        if int(result[f"check_{index}"] or 0):
            count, shown = _examples(table, check.condition, check.column)
            problems.append(check.message(count, shown))
    distinct = int(result["_distinct_ids"])
    non_null_ids = rows - int(result["_null_ids"] or 0)
    if distinct < non_null_ids:
        dupes = _duplicate_ids(table)
        count = int(dupes.count().execute())
        shown = dupes.order_by("pseudo_id").limit(EXAMPLES).execute()
        listing = ", ".join(f"{row.pseudo_id} (x{row.n})" for row in shown.itertuples())
        ids_text = "1 id appears" if count == 1 else f"{count:,} ids appear"
        problems.append(f"Column pseudo_id: {ids_text} more than once, e.g. {listing}.")
    if problems:
        raise RegisterError(problems, in_rows=True)
    retyped = table.mutate(**typed)
    nhs_numbers = _nhs_numbers_as_ids(retyped)
    if nhs_numbers:
        raise RegisterError([_nhs_refusal(source, nhs_numbers)])

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


def _duplicate_ids(table: ir.Table) -> ir.Table:
    """`pseudo_id, n` for every id on more than one row."""
    ids = table.filter(table.pseudo_id.notnull()).select(pseudo_id=table.pseudo_id.cast("string"))
    return ids.group_by("pseudo_id").aggregate(n=ids.count()).filter(lambda t: t.n > 1)


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


def _valid_nhs_number(text: ir.StringValue) -> ir.BooleanValue:
    """Ten digits passing the NHS number's modulus-11 check (see people.validation)."""
    digits = [text.substr(index, 1).try_cast("int64") for index in range(10)]
    total = digits[0] * 10
    for index in range(1, 9):
        total = total + digits[index] * (10 - index)
    check = (11 - total % 11) % 11
    return text.re_search(r"^[0-9]{10}$") & (check != 10) & (check == digits[9])


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


def _nhs_numbers_as_ids(table: ir.Table, *, checked: int = 1000) -> int:
    """How many of (up to `checked`) ten-digit pseudo ids pass the NHS number check digit."""
    from linkwell.people.validation import nhs_number_check_digit

    digits = table.filter(table.pseudo_id.re_search(r"^[0-9]{10}$")).select("pseudo_id")
    values = digits.limit(checked).execute()["pseudo_id"]
    return sum(1 for value in values if nhs_number_check_digit(value[:9]) == int(value[9]))


REPEAT_EVENT = "repeat_prescription"
REPEAT_DAYS = 183  # a repeat medicine issued in the last six months counts as current

EVENT_TYPES = {
    "gp_appointment": "gp_appointments_12m",
    "nurse_appointment": "nurse_appointments_12m",
    "ae_attendance": "ae_attendances_12m",
    "emergency_admission": "emergency_admissions_12m",
}


def with_events(register: Register, events: ir.Table, *, as_of: Any) -> Register:
    """Replace the 12-month counts with counts from an events table.

    `events` has columns pseudo_id, event_type (one of EVENT_TYPES) and event_date; events in the
    365 days up to and including `as_of` are counted; people with no events count 0. With a
    `code` column (the medicine's dm+d or BNF code), `repeat_prescription` events also recount
    `repeat_medicines`: the distinct codes issued in the REPEAT_DAYS up to `as_of`. Other event
    types are ignored.
    """
    names = set(events.schema().names)
    missing = [name for name in ("pseudo_id", "event_type", "event_date") if name not in names]
    if missing:
        raise RegisterError([f"Events file: missing columns: {', '.join(missing)}."])
    found = events.schema()["event_date"]
    if found.is_string():
        text = events.event_date.strip()
        unreadable = (text != "") & text.try_cast("date").isnull()
        count, shown = _examples(events, unreadable, "event_date")
        if count:
            raise RegisterError(
                [
                    f"Events file: column event_date: {_rows(count, 'is', 'are')} not a date "
                    f"(YYYY-MM-DD), e.g. {shown}."
                ]
            )
        date = text.try_cast("date")
    elif found.is_date() or found.is_timestamp():
        date = events.event_date.cast("date")
    else:
        raise RegisterError([f"Events file: column event_date: expected dates, found {found}."])
    dated = events.mutate(_event_date=date)
    end = ibis.literal(as_of)
    window = dated.filter(
        (dated._event_date <= end) & (dated._event_date > end - ibis.interval(days=365))
    )
    aggregates: dict[str, ir.Value] = {
        column: (window.event_type == event).sum().cast("int64")
        for event, column in EVENT_TYPES.items()
    }
    if "code" in names:
        repeat = (window.event_type == REPEAT_EVENT) & (
            window._event_date > end - ibis.interval(days=REPEAT_DAYS)
        )
        aggregates["repeat_medicines"] = (
            window.code.cast("string").nunique(where=repeat).cast("int64")
        )
    counts = window.group_by(window.pseudo_id.cast("string").name("pseudo_id")).aggregate(
        **aggregates
    )
    base = register.table.drop(*aggregates)
    joined = base.left_join(counts, "pseudo_id").select(
        *[base[name] for name in base.columns],
        *[counts[column].fill_null(0).name(column) for column in aggregates],
    )
    return Register(
        table=joined.select(*register.table.columns),
        source=register.source,
        ignored_columns=register.ignored_columns,
        rows=register.rows,
    )
