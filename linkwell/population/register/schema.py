"""What a register is: the expected columns (documented for data managers in
`docs/subsystems/population.md`, generated from `COLUMNS`: keep the two in step), the column
names that identify a person, a validated `Register` and `RegisterError`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

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
    # True when these very bytes were proved valid by an earlier run (register/cache.py).
    cached: bool = False


def identifying_columns(names: Sequence[str]) -> list[str]:
    found = []
    for name in names:
        key = re.sub(r"[^a-z0-9]", "", name.lower())
        if key in IDENTIFYING or key.startswith("address") or key.startswith("nhsnumber"):
            found.append(name)
    return found
