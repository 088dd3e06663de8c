"""The pseudonymised register extract: its expected columns, reading it, and validating it.

One row per registered patient, from a practice or an integrated care system's data service.
The columns are documented for data managers in `docs/subsystems/population.md` (generated from
`COLUMNS` below: keep the two in step). A register is read lazily through Ibis so it runs on any
engine (`engines.py`); validation is a few aggregate queries, never a full load into Python.

Analytic files never carry names, NHS numbers, addresses, postcodes or dates of birth: a register
with such a column is refused outright (re-identification happens only at the practice).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    """The register cannot be used; `problems` lists every reason, one sentence each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
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


def read_table(con: Any, path: str | Path) -> ir.Table:
    """Open a register (or any CSV/Parquet table) lazily on the backend `con`."""
    fmt, files = register_files(path)
    names = [str(file) for file in files]
    try:
        if con.name == "duckdb":
            if fmt == "parquet":
                return con.read_parquet(names)
            # Every column sniffed over the whole file, so a bad value deep in the file makes the
            # column text (reported below) rather than failing the scan half-way.
            return con.read_csv(names, sample_size=-1)
        # Spark: the listed files only (a register directory may hold other files, e.g.
        # SYNTHETIC.json), registered as a temporary view.
        reader = con._session.read
        frame = (
            reader.parquet(*names)
            if fmt == "parquet"
            else reader.csv(names, header=True, inferSchema=True)
        )
        view = f"register_{abs(hash(tuple(names))):x}"
        frame.createOrReplaceTempView(view)
        return con.table(view)
    except Exception as exc:  # engine-specific reader errors
        raise RegisterError([f"{path}: cannot be read as {fmt.upper()}: {exc}"]) from exc


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


def open_register(con: Any, path: str | Path) -> Register:
    """Read and validate a register; raise RegisterError naming every problem found."""
    table = read_table(con, path)
    return validate(table, source=str(path))


def validate(table: ir.Table, *, source: str = "register") -> Register:
    schema = table.schema()
    names = list(schema.names)
    identifying = identifying_columns(names)
    if identifying:
        raise RegisterError(
            [
                f"{source}: refused: it has identifying columns ({', '.join(identifying)}). "
                "Analytic files must never carry names, NHS numbers, addresses, postcodes or "
                "dates of birth; remove them at the practice and use pseudo_id."
            ]
        )
    problems: list[str] = []
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        problems.append(f"Missing columns: {', '.join(missing)}.")
    present = [column for column in COLUMNS if column.name in names]

    # Types: a column of the wrong kind is named with a few offending values.
    typed: dict[str, ir.Value] = {}
    for column in present:
        value = table[column.name]
        found = _kind_of(schema[column.name])
        if column.kind in ("text", "category"):
            typed[column.name] = value if found == "text" else value.cast("string")
            continue
        if column.kind == "flag" and found == "flag":
            typed[column.name] = value
            continue
        if column.kind == "flag" and found == "text":
            words = value.strip().lower()
            unknown = value.notnull() & ~words.isin([*TRUE_WORDS, *FALSE_WORDS])
            count, shown = (
                _examples(table, unknown, column.name) if "pseudo_id" in names else (0, "")
            )
            if count:
                problems.append(
                    f"Column {column.name}: expected true/false or 1/0; {_rows(count, 'is', 'are')} "
                    f"not, e.g. {shown}."
                )
            else:
                typed[column.name] = ibis.cases(
                    (words.isin(TRUE_WORDS), True),
                    (words.isin(FALSE_WORDS), False),
                    else_=ibis.null("boolean"),
                )
            continue
        if column.kind in ("whole", "flag") and found == "whole":
            typed[column.name] = value.cast("int64")
            continue
        if column.kind == "number" and found in ("whole", "number"):
            typed[column.name] = value.cast("float64")
            continue
        if column.kind == "whole" and found == "number":
            fraction = value.notnull() & (value != value.floor())
            count, shown = (
                _examples(table, fraction, column.name) if "pseudo_id" in names else (0, "")
            )
            if count:
                problems.append(
                    f"Column {column.name}: expected whole numbers; "
                    f"{_rows(count, 'has a fraction', 'have fractions')}, e.g. {shown}."
                )
            else:
                typed[column.name] = value.cast("int64")
            continue
        expected = {
            "whole": "whole numbers",
            "flag": "true/false or 1/0",
            "number": "numbers",
        }[column.kind]
        detail = ""
        if found == "text" and "pseudo_id" in names:
            target = "float64" if column.kind == "number" else "int64"
            bad = value.notnull() & value.try_cast(target).isnull()
            count, shown = _examples(table, bad, column.name)
            if count:
                detail = f"; {_rows(count, 'is', 'are')} not, e.g. {shown}"
        problems.append(f"Column {column.name}: expected {expected}, found {found}{detail}.")
    if problems:
        raise RegisterError(problems)

    # Values: nulls, ranges, categories, duplicate ids, in as few scans as possible.
    checks: dict[str, ir.Value] = {"_rows": table.count()}
    for column in present:
        value = typed[column.name]
        if not column.nullable:
            checks[f"null__{column.name}"] = value.isnull().sum()
        if column.minimum is not None and column.maximum is not None:
            checks[f"range__{column.name}"] = (
                (value < column.minimum) | (value > column.maximum)
            ).sum()
        if column.categories:
            checks[f"category__{column.name}"] = (
                value.notnull() & ~value.isin(list(column.categories))
            ).sum()
    checks["_distinct_ids"] = typed["pseudo_id"].nunique()
    result = table.aggregate(**checks).execute().iloc[0]
    rows = int(result["_rows"])
    if rows == 0:
        raise RegisterError([f"{source}: the register has no rows."])
    retyped = table.mutate(**typed)
    for column in present:
        name = column.name
        if int(result.get(f"null__{name}", 0) or 0):
            count, shown = _examples(retyped, retyped[name].isnull(), name)
            problems.append(f"Column {name}: {_rows(count, 'is', 'are')} blank, e.g. {shown}.")
        if int(result.get(f"range__{name}", 0) or 0):
            value = retyped[name]
            count, shown = _examples(
                retyped, (value < column.minimum) | (value > column.maximum), name
            )
            problems.append(
                f"Column {name}: {_rows(count, 'is', 'are')} outside {column.minimum}-{column.maximum}, "
                f"e.g. {shown}."
            )
        if int(result.get(f"category__{name}", 0) or 0):
            value = retyped[name]
            bad = value.notnull() & ~value.isin(list(column.categories))
            count, shown = _examples(retyped, bad, name)
            problems.append(
                f"Column {name}: {_rows(count, 'has an unknown value', 'have unknown values')} "
                f"(expected one of "
                f"{', '.join(column.categories)}), e.g. {shown}."
            )
    distinct = int(result["_distinct_ids"])
    non_null_ids = rows - int(result.get("null__pseudo_id", 0) or 0)
    if distinct < non_null_ids:
        ids = retyped.filter(retyped.pseudo_id.notnull())
        dupes = ids.group_by("pseudo_id").aggregate(n=ids.count()).filter(lambda t: t.n > 1)
        count = int(dupes.count().execute())
        shown = dupes.order_by("pseudo_id").limit(EXAMPLES).execute()
        listing = ", ".join(f"{row.pseudo_id} (x{row.n})" for row in shown.itertuples())
        ids_text = "1 id appears" if count == 1 else f"{count:,} ids appear"
        problems.append(f"Column pseudo_id: {ids_text} more than once, e.g. {listing}.")
    if problems:
        raise RegisterError(problems)
    nhs_numbers = _nhs_numbers_as_ids(retyped)
    if nhs_numbers:
        # The values themselves are never echoed: they would be identifiers.
        raise RegisterError(
            [
                f"{source}: refused: {nhs_numbers} pseudo_id values are valid NHS numbers. "
                "pseudo_id must be the practice's keyed hash of the NHS number "
                "(linkwell/population/pseudonym.py), never the number itself."
            ]
        )

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
