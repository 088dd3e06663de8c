"""Writes: the deployer's imports (IMD lookup, activity extracts, practice population profiles)
and the commissioner's unit costs. Each import validates every row first: one bad row and
nothing is written, and every rejected row is reported with its line and reason. Each write
is audited in its own transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.postcodes import InvalidPostcode, normalise
from linkwell.evidence.dimensions import categories
from linkwell.evidence.models import (
    ActivityImport,
    ActivityKind,
    ActivityRecord,
    PopulationDimension,
    PostcodeImd,
    PracticePopulation,
    UnitCost,
)
from linkwell.people.models import Person
from linkwell.people.validation import normalise_nhs_number

LSOA_RE = re.compile(r"^[EW]01\d{6}$")
MAX_ERRORS_SHOWN = 200


class ImportRejected(ValueError):
    """The file was not imported; `errors` lists every problem as "line N: reason"."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} problem(s); nothing was imported")


def _rows(text: str, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; raises ImportRejected on a bad header."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportRejected(
            [
                f"line 1: the header must have the columns {', '.join(required)}; "
                f"missing {', '.join(missing)}"
            ]
        )
    reader.fieldnames = header
    out: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            out.append((line, {"__error__": "more fields than the header has"}))
            continue
        values = {k: (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue  # blank line
        out.append((line, values))
    if not out:
        raise ImportRejected(["the file has no data rows"])
    return out


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date {value!r} is not a date (YYYY-MM-DD)") from None


# --- IMD lookup -----------------------------------------------------------------------------


def imd_lookup_import(*, actor: User | None, text: str, filename: str = "") -> int:
    """Load `postcode,lsoa_code,imd_decile` rows (English/Welsh 2011 or 2021 LSOA codes, decile
    1 = most deprived). Postcodes already loaded are replaced. Returns the rows loaded."""
    errors: list[str] = []
    found: dict[str, tuple[str, int]] = {}
    for line, row in _rows(text, ["postcode", "lsoa_code", "imd_decile"]):
        if "__error__" in row:
            errors.append(f"line {line}: {row['__error__']}")
            continue
        try:
            postcode = "".join(normalise(row["postcode"]).split())
        except InvalidPostcode as exc:
            errors.append(f"line {line}: {exc}")
            continue
        lsoa = row["lsoa_code"].upper()
        if not LSOA_RE.match(lsoa):
            errors.append(f"line {line}: LSOA code {row['lsoa_code']!r} is not like E01012345")
            continue
        try:
            decile = int(row["imd_decile"])
        except ValueError:
            decile = 0
        if not 1 <= decile <= 10:
            errors.append(
                f"line {line}: IMD decile {row['imd_decile']!r} is not a whole number 1-10"
            )
            continue
        if postcode in found:
            errors.append(f"line {line}: postcode {row['postcode']} appears twice")
            continue
        found[postcode] = (lsoa, decile)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        PostcodeImd.objects.filter(postcode__in=list(found)).delete()
        PostcodeImd.objects.bulk_create(
            [
                PostcodeImd(postcode=p, lsoa_code=lsoa, imd_decile=d)
                for p, (lsoa, d) in found.items()
            ],
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action=AuditAction.IMD_LOOKUP_IMPORTED,
            object_type="evidence.postcodeimd",
            object_repr=filename[:255],
            detail={"rows": len(found), "filename": filename},
        )
    return len(found)


# --- Activity extracts ----------------------------------------------------------------------


def _match_people(keys: set[str]) -> dict[str, int]:
    """{identifier: person pk} for NHS numbers and Linkwell person UUIDs (merged records are
    followed to the record that survives)."""
    nhs = {k for k in keys if k.isdigit()}
    ids = set()
    for k in keys - nhs:
        try:
            ids.add(uuid.UUID(k))
        except ValueError:
            continue
    matched: dict[str, int] = {}
    rows = Person.objects.filter(nhs_number__in=nhs).values_list(
        "nhs_number", "pk", "merged_into_id"
    )
    for number, pk, merged in rows:
        matched[number] = merged or pk
    for person_uuid, pk, merged in Person.objects.filter(uuid__in=ids).values_list(
        "uuid", "pk", "merged_into_id"
    ):
        matched[str(person_uuid)] = merged or pk
    return matched


def activity_import(
    *,
    actor: User | None,
    text: str,
    filename: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> ActivityImport:
    """Import a GP/hospital activity extract: `person,date,kind` (person = a 10-digit NHS
    number or a Linkwell person id; kind = an `ActivityKind` value). All rows or none."""
    errors: list[str] = []
    parsed: list[tuple[int, str, dt.date, str]] = []
    kinds = set(ActivityKind.values)
    if period_start and period_end and period_start > period_end:
        raise ImportRejected([f"the period starts ({period_start}) after it ends ({period_end})"])
    for line, row in _rows(text, ["person", "date", "kind"]):
        if "__error__" in row:
            errors.append(f"line {line}: {row['__error__']}")
            continue
        key = row["person"]
        if not key:
            errors.append(f"line {line}: person is empty")
            continue
        if not re.fullmatch(r"[0-9a-fA-F-]{36}", key):
            try:
                key = normalise_nhs_number(key)
            except ValidationFailed as exc:
                reason = " ".join(exc.errors.get("nhs_number", [str(exc)]))
                errors.append(f"line {line}: person {row['person']!r}: {reason}")
                continue
            if not key:
                errors.append(f"line {line}: person is empty")
                continue
        else:
            key = key.lower()
        try:
            day = _date(row["date"])
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        if row["kind"] not in kinds:
            errors.append(
                f"line {line}: kind {row['kind']!r} is not one of {', '.join(ActivityKind.values)}"
            )
            continue
        if (period_start and day < period_start) or (period_end and day > period_end):
            errors.append(f"line {line}: date {day} is outside the extract's period")
            continue
        parsed.append((line, key, day, row["kind"]))
    people = _match_people({p[1] for p in parsed})
    for line, key, _, _ in parsed:
        if key not in people:
            errors.append(f"line {line}: no person in Linkwell has the identifier {key}")
    if errors:
        raise ImportRejected(errors)
    days = [p[2] for p in parsed]
    with transaction.atomic():
        batch = ActivityImport.objects.create(
            filename=filename[:255],
            rows=len(parsed),
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            period_start=period_start or min(days),
            period_end=period_end or max(days),
        )
        ActivityRecord.objects.bulk_create(
            [
                ActivityRecord(source=batch, person_id=people[key], occurred_on=day, kind=kind)
                for _, key, day, kind in parsed
            ],
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action=AuditAction.ACTIVITY_EXTRACT_IMPORTED,
            obj=batch,
            detail={
                "rows": len(parsed),
                "people": len({people[p[1]] for p in parsed}),
                "period_start": batch.period_start,
                "period_end": batch.period_end,
            },
        )
    return batch


# --- Practice population profiles ------------------------------------------------------------


def population_profile_import(
    *, actor: User | None, text: str, as_of: dt.date, filename: str = ""
) -> int:
    """Load `practice,dimension,category,count` (practice: its ODS code or Linkwell id). For each practice and dimension in the
    file, the previous counts are replaced in full. Returns the rows loaded."""
    errors: list[str] = []
    dimensions = set(PopulationDimension.values)
    allowed = {d: {code for code, _ in categories(d)} for d in dimensions}
    parsed: dict[tuple[str, str, str], tuple[int, int]] = {}
    for line, row in _rows(text, ["practice", "dimension", "category", "count"]):
        if "__error__" in row:
            errors.append(f"line {line}: {row['__error__']}")
            continue
        ods = row["practice"].upper()
        dimension = row["dimension"]
        if dimension not in dimensions:
            errors.append(
                f"line {line}: dimension {dimension!r} is not one of {', '.join(sorted(dimensions))}"
            )
            continue
        category = row["category"]
        if category not in allowed[dimension]:
            errors.append(
                f"line {line}: category {category!r} is not a {dimension} category "
                f"({', '.join(sorted(allowed[dimension]))})"
            )
            continue
        try:
            count = int(row["count"])
        except ValueError:
            count = -1
        if count < 0:
            errors.append(f"line {line}: count {row['count']!r} is not a whole number of 0 or more")
            continue
        if (ods, dimension, category) in parsed:
            errors.append(f"line {line}: {ods} {dimension} {category} appears twice")
            continue
        parsed[(ods, dimension, category)] = (line, count)
    practices = _practices({k[0] for k in parsed})
    for (ods, _, _), (line, _) in parsed.items():
        if ods not in practices:
            errors.append(f"line {line}: no GP practice in Linkwell has the ODS code or id {ods}")
    if errors:
        raise ImportRejected(sorted(errors, key=_line_key))
    with transaction.atomic():
        for ods, dimension in {(k[0], k[1]) for k in parsed}:
            PracticePopulation.objects.filter(
                practice_id=practices[ods], dimension=dimension
            ).delete()
        PracticePopulation.objects.bulk_create(
            [
                PracticePopulation(
                    practice_id=practices[ods],
                    dimension=dimension,
                    category=category,
                    count=count,
                    as_of=as_of,
                )
                for (ods, dimension, category), (_, count) in parsed.items()
            ]
        )
        audit_record(
            actor=actor,
            action=AuditAction.POPULATION_PROFILE_IMPORTED,
            object_type="evidence.practicepopulation",
            object_repr=filename[:255],
            detail={
                "rows": len(parsed),
                "practices": sorted({k[0] for k in parsed}),
                "as_of": as_of,
            },
        )
    return len(parsed)


def _practices(keys: set[str]) -> dict[str, int]:
    """{key: practice pk} for keys that are a GP practice's ODS code or Linkwell id (UUID)."""
    ids = set()
    for key in keys:
        try:
            ids.add(uuid.UUID(key))
        except ValueError:
            continue
    practices = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
    found: dict[str, int] = {}
    for code, org_uuid, pk in practices.filter(
        models.Q(ods_code__in=keys)
        | models.Q(ods_code__in={k.upper() for k in keys})
        | models.Q(uuid__in=ids)
    ).values_list("ods_code", "uuid", "pk"):
        if code:
            found[code.upper()] = pk
        found[str(org_uuid).upper()] = pk
    return found


def _line_key(message: str) -> int:
    match = re.match(r"line (\d+)", message)
    return int(match.group(1)) if match else 0


# --- Unit costs -------------------------------------------------------------------------------


def unit_cost_set(
    *, actor: User | AnonymousUser | None, kind: str, cost: Decimal | str, source: str
) -> UnitCost:
    """Set the cost of one kind of contact (audited with the old and new values)."""
    if kind not in ActivityKind.values:
        raise ValueError(f"Unknown kind of contact {kind!r}.")
    try:
        value = Decimal(str(cost))
    except InvalidOperation:
        raise ValueError(f"{cost!r} is not an amount of money.") from None
    if not value.is_finite() or value < 0 or value > Decimal("99999999"):
        raise ValueError("A unit cost must be an amount of £0 or more.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("A unit cost has at most two decimal places (pence).")
    source = source.strip()
    if not source:
        raise ValueError("Say where the cost comes from (publication, table and year).")
    from linkwell.evidence.costs import unit_costs

    before = unit_costs()[kind]
    with transaction.atomic():
        row, _ = UnitCost.objects.update_or_create(
            kind=kind,
            defaults={
                "cost": value,
                "source": source,
                "updated_by": actor if actor is not None and actor.is_authenticated else None,
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.UNIT_COST_SET,
            obj=row,
            changes={
                "cost": [str(before.cost), str(value)],
                "source": [before.source, source],
            },
        )
    return row
