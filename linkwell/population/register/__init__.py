"""The pseudonymised register extract: its expected columns, reading it, and validating it.

One row per registered patient, from a practice or an integrated care system's data service.
The columns are documented for data managers in `docs/subsystems/population.md` (generated from
`COLUMNS`: keep the two in step). A register is read lazily through Ibis so it runs on any
engine (`engines.py`); validation is a few aggregate queries, never a full load into Python.

Analytic files never carry names, NHS numbers, addresses, postcodes or dates of birth: a register
with such a column is refused outright (re-identification happens only at the practice).

Every problem row can be listed in a rejects file (`open_register(..., rejects=FILE)`, the
command's `--rejects`): one CSV line per row and problem, with the file and 1-based data row
number it came from (`write_rejects`, built from the same checks as the messages).

This package is Django-free: Ibis on DuckDB or Spark only. Submodules, one responsibility each
(import from here; inside the package, submodules import each other directly):

- `schema`: the expected columns (`COLUMNS`, `Column`, `CONDITIONS` ...), identifying column
  names (`IDENTIFYING`, `identifying_columns`), `Register` and `RegisterError`.
- `reading`: a register's files (`register_files`) and opening them lazily on DuckDB or Spark,
  optionally numbered by file and row (`read_table`, `ROW_FILE`, `ROW_NUMBER`).
- `validation`: type and value checks, duplicate ids, NHS numbers as ids (`validate`).
- `rejects`: the rejects file (`write_rejects`, `REJECTS_COLUMNS`).
- `opening`: read, validate and list the problem rows in one call (`open_register`).
- `events`: recount the utilisation columns from an events file (`with_events`).
"""

from linkwell.population.register.events import (
    EVENT_TYPES,
    REPEAT_DAYS,
    REPEAT_EVENT,
    with_events,
)
from linkwell.population.register.opening import open_register
from linkwell.population.register.reading import (
    INTERNAL_COLUMNS,
    ROW_FILE,
    ROW_NUMBER,
    read_table,
    register_files,
)
from linkwell.population.register.rejects import REJECTS_COLUMNS, write_rejects
from linkwell.population.register.schema import (
    BY_NAME,
    COLUMNS,
    CONDITIONS,
    COUNT_COLUMNS,
    EFI_CATEGORIES,
    FLAG_COLUMNS,
    IDENTIFYING,
    REQUIRED,
    SEX_CATEGORIES,
    Column,
    Kind,
    Register,
    RegisterError,
    identifying_columns,
)
from linkwell.population.register.validation import (
    EXAMPLES,
    FALSE_WORDS,
    TRUE_WORDS,
    validate,
)

__all__ = [
    "BY_NAME",
    "COLUMNS",
    "CONDITIONS",
    "COUNT_COLUMNS",
    "EFI_CATEGORIES",
    "EVENT_TYPES",
    "EXAMPLES",
    "FALSE_WORDS",
    "FLAG_COLUMNS",
    "IDENTIFYING",
    "INTERNAL_COLUMNS",
    "REJECTS_COLUMNS",
    "REPEAT_DAYS",
    "REPEAT_EVENT",
    "REQUIRED",
    "ROW_FILE",
    "ROW_NUMBER",
    "SEX_CATEGORIES",
    "TRUE_WORDS",
    "Column",
    "Kind",
    "Register",
    "RegisterError",
    "identifying_columns",
    "open_register",
    "read_table",
    "register_files",
    "validate",
    "with_events",
    "write_rejects",
]
