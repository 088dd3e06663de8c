"""Upload an invite list: check a cohort run's output file (CSV or Parquet) row by row and
store all of it, or nothing, for a link-worker service.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import LinkwellError, ValidationFailed
from linkwell.people.validation import nhs_number_check_digit
from linkwell.population.models import InviteEntry, InviteList

# The cohort output `linkwell population run` writes (population/README.md), in this order.
COLUMNS = ("cohort", "cohort_version", "rank", "pseudo_id", "practice", "score", "reasons")
MAX_ENTRIES = 100_000
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
_PSEUDO_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_IDENTIFYING = {"name", "given_name", "family_name", "nhs_number", "date_of_birth", "dob"}


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


@dataclass
class InviteListRejected(LinkwellError):
    """The file was refused; nothing was stored. `problems` lists every rejected row."""

    summary: str
    problems: list[RowProblem] = field(default_factory=list)
    unknown_practices: dict[str, int] = field(default_factory=dict)
    location: str = "line"

    def __post_init__(self) -> None:
        super().__init__(self.summary)

    def report_lines(self) -> list[str]:
        lines = [self.summary]
        lines += [f"{self.location.capitalize()} {p.line}: {p.message}" for p in self.problems]
        if self.unknown_practices:
            codes = ", ".join(
                f"{c} ({n} row{'s' if n != 1 else ''})" for c, n in self.unknown_practices.items()
            )
            lines.append(f"Unknown practice codes: {codes}")
        return lines


@dataclass
class _Row:
    line: int
    values: dict[str, Any]


def _read_csv(data: bytes) -> tuple[list[str], Iterator[_Row]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InviteListRejected(
            f"The file is not UTF-8 text (byte {exc.start + 1}): save it as CSV UTF-8"
        ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header

    def rows() -> Iterator[_Row]:
        try:
            for record in reader:
                yield _Row(line=reader.line_num, values=record)
        except csv.Error as exc:
            raise InviteListRejected(
                f"Line {reader.line_num}: the CSV is malformed ({exc})"
            ) from exc

    return header, rows()


def _read_parquet(data: bytes) -> tuple[list[str], Iterator[_Row]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as exc:
        raise InviteListRejected(f"The file is not a readable Parquet file ({exc})") from exc
    header = list(table.column_names)

    def rows() -> Iterator[_Row]:
        for number, record in enumerate(table.to_pylist(), start=1):
            yield _Row(line=number, values=record)

    return header, rows()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _looks_like_nhs_number(value: str) -> bool:
    return (
        len(value) == 10 and value.isdigit() and nhs_number_check_digit(value[:9]) == int(value[9])
    )


def _parse_reasons(value: Any) -> list[str] | str:
    """The reasons as a list, or a message saying what is wrong."""
    if isinstance(value, list | tuple):
        items: Any = list(value)
    else:
        raw = _text(value)
        if not raw:
            return []
        try:
            items = json.loads(raw)
        except json.JSONDecodeError:
            return 'reasons must be a JSON array of strings, like ["Lives alone", "Age 80+"]'
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return 'reasons must be a JSON array of strings, like ["Lives alone", "Age 80+"]'
    cleaned = [" ".join(i.split()) for i in items if i.strip()]
    if any(len(i) > 500 for i in cleaned):
        return "a reason is longer than 500 characters"
    return cleaned


@dataclass
class _Parsed:
    cohort: str
    cohort_version: str
    entries: list[InviteEntry]
    practices: Counter[str]


def parse_invite_file(*, filename: str, data: bytes) -> _Parsed:
    """Check a cohort output file; InviteListRejected lists every problem, else the entries
    (unsaved, without their list)."""
    name = filename.lower()
    if name.endswith(".parquet"):
        header, rows = _read_parquet(data)
        location = "row"
    elif name.endswith(".csv"):
        header, rows = _read_csv(data)
        location = "line"
    else:
        raise InviteListRejected(
            "Upload a .csv or .parquet file written by `linkwell population run`"
        )
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected column{'s' if len(extra) > 1 else ''} {', '.join(extra)}")
        message = (
            "The file's columns are wrong: "
            + "; ".join(parts)
            + (f". Expected exactly: {', '.join(COLUMNS)}.")
        )
        if _IDENTIFYING & {c.lower() for c in extra}:
            message += " Invite lists must never carry names, dates of birth or NHS numbers."
        raise InviteListRejected(message, location=location)

    practices = {
        o.ods_code.strip().upper(): o
        for o in Organisation.objects.filter(
            kind=OrganisationKind.GP_PRACTICE, is_active=True
        ).exclude(ods_code="")
    }
    problems: list[RowProblem] = []
    unknown: Counter[str] = Counter()
    seen: dict[str, int] = {}
    cohort = version = ""
    entries: list[InviteEntry] = []
    used: Counter[str] = Counter()
    count = 0
    for row in rows:
        count += 1
        if count > MAX_ENTRIES:
            raise InviteListRejected(
                f"The file has more than {MAX_ENTRIES:,} entries: split it by practice",
                location=location,
            )
        v = row.values
        why: list[str] = []
        row_cohort, row_version = _text(v.get("cohort")), _text(v.get("cohort_version"))
        if not row_cohort:
            why.append("cohort is empty")
        elif len(row_cohort) > 100:
            why.append("cohort is longer than 100 characters")
        elif not cohort:
            cohort = row_cohort
        elif row_cohort != cohort:
            why.append(f"cohort {row_cohort!r} differs from {cohort!r}: upload one cohort per file")
        if not row_version:
            why.append("cohort_version is empty")
        elif len(row_version) > 50:
            why.append("cohort_version is longer than 50 characters")
        elif not version:
            version = row_version
        elif row_version != version:
            why.append(f"cohort_version {row_version!r} differs from {version!r}")
        rank_raw = _text(v.get("rank"))
        rank = int(rank_raw) if rank_raw.isdigit() else 0
        if rank < 1:
            why.append(f"rank {rank_raw!r} is not a whole number of 1 or more")
        pseudo_id = _text(v.get("pseudo_id"))
        if not _PSEUDO_ID.match(pseudo_id):
            why.append(
                "pseudo_id must be 1 to 64 letters, digits, '-' or '_'"
                + (f" (got {pseudo_id[:20]!r})" if pseudo_id else " (it is empty)")
            )
        elif _looks_like_nhs_number(pseudo_id):
            why.append("pseudo_id looks like an NHS number: upload pseudonymised ids only")
        elif pseudo_id.lower() in seen:
            why.append(f"pseudo_id appears twice (first on {location} {seen[pseudo_id.lower()]})")
        else:
            seen[pseudo_id.lower()] = row.line
        code = _text(v.get("practice")).upper()
        practice = practices.get(code)
        if not code:
            why.append("practice is empty")
        elif practice is None:
            unknown[code] += 1
            why.append(f"unknown practice code {code}: no GP practice in Linkwell has it")
        score: float | None = None
        with contextlib.suppress(ValueError):
            score = float(_text(v.get("score")))
        if score is None or not math.isfinite(score):
            why.append(f"score {_text(v.get('score'))!r} is not a number")
        reasons = _parse_reasons(v.get("reasons"))
        if isinstance(reasons, str):
            why.append(reasons)
        if why:
            problems.append(RowProblem(row.line, "; ".join(why)))
            continue
        assert practice is not None and score is not None and isinstance(reasons, list)
        used[practice.name] += 1
        entries.append(
            InviteEntry(
                practice=practice,
                pseudo_id=pseudo_id,  # as in the register: the exclusions file must match it
                rank=rank,
                score=score,
                reasons=reasons,
            )
        )
    if problems:
        raise InviteListRejected(
            f"Nothing was uploaded: {len(problems)} row{'s' if len(problems) != 1 else ''} "
            "rejected. Correct them and upload the whole file again.",
            problems=problems,
            unknown_practices=dict(unknown),
            location=location,
        )
    if not entries:
        raise InviteListRejected("The file has no entries", location=location)
    return _Parsed(cohort=cohort, cohort_version=version, entries=entries, practices=used)


def invite_list_upload(
    *,
    actor: User | None,
    service: Organisation,
    filename: str,
    data: bytes,
    run_date: dt.date,
) -> InviteList:
    """Store a cohort run's output for `service`: all of it, or nothing (InviteListRejected /
    ValidationFailed)."""
    errors: dict[str, list[str]] = {}
    if service.kind != OrganisationKind.LINK_WORKER_SERVICE or not service.is_active:
        errors["service"] = ["Invite lists belong to an active link-worker service"]
    if run_date > timezone.localdate():
        errors["run_date"] = ["The run date must be today or in the past"]
    if len(data) > MAX_UPLOAD_BYTES:
        errors["file"] = [f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"]
    if errors:
        raise ValidationFailed(errors)
    parsed = parse_invite_file(filename=filename, data=data)
    if InviteList.objects.filter(
        link_worker_service=service,
        cohort=parsed.cohort,
        cohort_version=parsed.cohort_version,
        run_date=run_date,
    ).exists():
        raise ValidationFailed(
            {
                "file": [
                    f"This run ({parsed.cohort} version {parsed.cohort_version}, "
                    f"{run_date:%d %B %Y}) has already been uploaded"
                ]
            }
        )
    with transaction.atomic():
        invite_list = InviteList.objects.create(
            link_worker_service=service,
            cohort=parsed.cohort,
            cohort_version=parsed.cohort_version,
            run_date=run_date,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            filename=filename[:255],
            entry_count=len(parsed.entries),
        )
        for entry in parsed.entries:
            entry.invite_list = invite_list
        InviteEntry.objects.bulk_create(parsed.entries, batch_size=2000)
        audit_record(
            actor=actor,
            action=AuditAction.POPULATION_INVITE_LIST_UPLOADED,
            obj=invite_list,
            organisation=service,
            detail={
                "cohort": parsed.cohort,
                "cohort_version": parsed.cohort_version,
                "run_date": run_date,
                "filename": filename,
                "entries": len(parsed.entries),
                "practices": dict(parsed.practices),
            },
        )
    return invite_list
