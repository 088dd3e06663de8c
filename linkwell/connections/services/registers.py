"""Attendance in bulk: a provider's session register (everyone referred to one service, marked
for one day, saved in one step) and an attendance file (CSV) covering any of its referrals.

Both write each session through the one-at-a-time services (`attendance_record`,
`attendance_correct`, `attendance_remove`), so a bulk save changes a referral's status, version
and audit trail exactly as recording the sessions one by one would. Each save runs in one
transaction: one refused row (a referral closed meanwhile, a stale version) refuses the whole
save, naming the person, and nothing is written. Each save is one `AttendanceBatch`, claimed by
the form's submission key (core.idempotency) so a retried POST saves once, and audited.

An attendance file is checked as a whole first (`attendance_file_check`); every refused row is
reported with its row number and reason. It imports only when every row is good, or when the
provider chooses to import the good rows and leave the others (`good_rows_only`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.connections.models import (
    Attendance,
    AttendanceBatch,
    AttendanceBatchKind,
    Connection,
    ConnectionKind,
)
from linkwell.connections.selectors import RECORDABLE, register_connections
from linkwell.connections.services._common import S
from linkwell.connections.services.progress import (
    attendance_correct,
    attendance_record,
    attendance_remove,
)
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.idempotency import create_once
from linkwell.directory.models import Service

ATTENDED, ABSENT, NOT_RECORDED = "attended", "absent", ""
MAX_FILE_ROWS = 2000
MAX_FILE_BYTES = 512 * 1024
_YES = {"yes", "y", "true", "1", "attended", "came"}
_NO = {"no", "n", "false", "0", "did not attend", "absent", "dna"}
_REFERENCE = re.compile(r"^[0-9a-f]{8}$")
_COLUMNS = {
    "reference": ("reference", "referral reference", "referral"),
    "session_date": ("session_date", "session date", "date"),
    "attended": ("attended", "attendance", "came"),
}


def reference_of(connection: Connection) -> str:
    """The referral's short reference, as the provider's pages show it."""
    return connection.uuid.hex[:8].upper()


def _label(connection: Connection) -> str:
    name = str(connection.shared.get("first_name") or "Someone")
    return f"{name} ({reference_of(connection)})"


def _check_day(session_on: dt.date) -> None:
    if session_on > timezone.localdate():
        raise ValidationFailed({"session_on": ["The session date must be today or in the past."]})


def _about(connection: Connection, exc: ValidationFailed) -> ValidationFailed:
    """The same refusal, saying whose row it was."""
    return ValidationFailed(
        {"__all__": [f"{_label(connection)}: {m}" for ms in exc.errors.values() for m in ms]}
    )


def _apply(
    *,
    actor: User,
    connection: Connection,
    version: int | None,
    session_on: dt.date,
    wanted: bool | None,
    prior: Attendance | None,
) -> str:
    """One person's mark through the one-at-a-time services: "recorded", "corrected",
    "unchanged" or "" (nothing to do)."""
    try:
        if prior is None:
            if wanted is None:
                return ""
            attendance_record(
                actor=actor,
                connection=connection,
                expected_version=version,
                session_on=session_on,
                attended=wanted,
            )
            return "recorded"
        if wanted is None:
            attendance_remove(
                actor=actor, connection=connection, expected_version=version, session_on=session_on
            )
            return "corrected"
        if prior.attended == wanted:
            return "unchanged"
        attendance_correct(
            actor=actor,
            connection=connection,
            expected_version=version,
            session_on=session_on,
            attended=wanted,
        )
        return "corrected"
    except ValidationFailed as exc:
        raise _about(connection, exc) from exc


def _tally(batch: AttendanceBatch, outcome: str) -> None:
    if outcome:
        setattr(batch, outcome, getattr(batch, outcome) + 1)


# --- The session register ----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterMark:
    """One person's line on a saved register: the referral, the version the page showed and
    `ATTENDED`, `ABSENT` or `NOT_RECORDED`."""

    connection_id: uuid.UUID
    mark: str
    version: int | None


def register_save(
    *,
    actor: User,
    service: Service,
    session_on: dt.date,
    marks: Sequence[RegisterMark],
    key: uuid.UUID | None = None,
) -> tuple[AttendanceBatch, bool]:
    """Save a register in one step (see the module docstring). Returns the batch and whether
    this call saved it (False: a retry of a save already made)."""
    _check_day(session_on)
    if (
        not any(m.mark in (ATTENDED, ABSENT) for m in marks)
        and not Attendance.objects.filter(
            connection__service=service, session_on=session_on
        ).exists()
    ):
        raise ValidationFailed({"__all__": ["Mark who came, or did not, before saving."]})
    if any(m.mark not in (ATTENDED, ABSENT, NOT_RECORDED) for m in marks):
        raise ValidationFailed({"__all__": ["Mark each person as came, did not come or blank."]})

    owner_id = service.organization.owner_id
    if owner_id is None:
        raise ValidationFailed("This service is not run by an organisation on Linkwell.")

    def work() -> AttendanceBatch:
        with transaction.atomic():
            people = {c.uuid: c for c in register_connections(service, session_on)}
            prior = {
                a.connection_id: a
                for a in Attendance.objects.filter(
                    connection__in=list(people.values()), session_on=session_on
                )
            }
            batch = AttendanceBatch(
                kind=AttendanceBatchKind.REGISTER,
                organisation_id=owner_id,
                service=service,
                session_on=session_on,
                recorded_by=actor,
            )
            for mark in marks:
                connection = people.get(mark.connection_id)
                if connection is None:
                    raise ValidationFailed(
                        "Someone on this register is no longer referred to the service: "
                        "open the register again."
                    )
                wanted = None if mark.mark == NOT_RECORDED else mark.mark == ATTENDED
                _tally(
                    batch,
                    _apply(
                        actor=actor,
                        connection=connection,
                        version=mark.version,
                        session_on=session_on,
                        wanted=wanted,
                        prior=prior.get(connection.pk),
                    ),
                )
            batch.save()
            audit_record(
                actor=actor,
                action=AuditAction.CONNECTIONS_REGISTER_SAVED,
                obj=batch,
                organisation=batch.organisation,
                detail={
                    "service": str(service.uuid),
                    "session_on": session_on.isoformat(),
                    "recorded": batch.recorded,
                    "corrected": batch.corrected,
                    "unchanged": batch.unchanged,
                },
            )
            return batch

    return create_once(key, AttendanceBatch, user_id=actor.pk, work=work)


# --- Attendance files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FileRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    connection: Connection
    session_on: dt.date
    attended: bool
    outcome: str  # "record", "correct" or "unchanged"


@dataclass
class FileCheck:
    rows: list[FileRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _read_date(value: str) -> dt.date | None:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _header(names: list[str]) -> dict[str, int]:
    cleaned = [n.strip().lower().replace("_", " ") for n in names]
    where: dict[str, int] = {}
    for key, aliases in _COLUMNS.items():
        for alias in aliases:
            if alias.replace("_", " ") in cleaned:
                where[key] = cleaned.index(alias.replace("_", " "))
                break
    missing = [k for k in _COLUMNS if k not in where]
    if missing:
        raise ValidationFailed(
            {
                "file": [
                    "The file needs the columns reference, session_date and attended "
                    f"(missing: {', '.join(missing)})."
                ]
            }
        )
    return where


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed({"file": ["The file is too big: keep it under 500 KB."]})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            {"file": ["The file must be a CSV saved as UTF-8 (plain text)."]}
        ) from exc


def attendance_file_check(*, org_ids: Sequence[int], data: bytes) -> FileCheck:
    """Read an attendance file against the referrals to the organisations `org_ids`; write
    nothing. Raises ValidationFailed for a file that cannot be read at all (no header, not
    text, too long); otherwise reports every row as good or refused with its reason."""
    lines = list(csv.reader(io.StringIO(_decode(data))))
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise ValidationFailed({"file": ["The file is empty."]})
    if len(lines) - 1 > MAX_FILE_ROWS:
        raise ValidationFailed({"file": [f"Send at most {MAX_FILE_ROWS} rows in one file."]})
    where = _header(lines[0])
    refs = {
        (line[where["reference"]] if len(line) > where["reference"] else "").strip().lower()
        for line in lines[1:]
    }
    wanted = {r.replace("-", "") for r in refs}
    ours: dict[str, list[Connection]] = {}
    for c in Connection.objects.filter(
        kind=ConnectionKind.REFERRAL, service__organization__owner_id__in=list(org_ids)
    ).exclude(status=S.DRAFT):
        short = c.uuid.hex[:8]
        if short in wanted or c.uuid.hex in wanted:
            ours.setdefault(short, []).append(c)
            ours.setdefault(c.uuid.hex, []).append(c)
    recorded = {
        (a.connection_id, a.session_on): a.attended
        for a in Attendance.objects.filter(
            connection__in=list({c.pk: c for cs in ours.values() for c in cs}.values())
        )
    }
    today = timezone.localdate()
    check = FileCheck()
    seen: dict[tuple[int, dt.date], int] = {}
    for number, line in enumerate(lines[1:], start=2):
        cells = [*line, "", "", ""]
        ref = cells[where["reference"]].strip().lower().replace("-", "")
        raw_date = cells[where["session_date"]].strip()
        raw_attended = cells[where["attended"]].strip().lower()
        reason, row = _check_row(
            ref=ref,
            raw_date=raw_date,
            raw_attended=raw_attended,
            ours=ours,
            today=today,
        )
        if reason:
            check.rejected.append((number, reason))
            continue
        assert row is not None
        connection, session_on, attended = row
        first = seen.get((connection.pk, session_on))
        if first is not None:
            check.rejected.append(
                (number, f"Duplicate: row {first} already gives this referral and date.")
            )
            continue
        seen[(connection.pk, session_on)] = number
        before = recorded.get((connection.pk, session_on))
        outcome = "record" if before is None else "unchanged" if before == attended else "correct"
        check.rows.append(FileRow(number, connection, session_on, attended, outcome))
    return check


def _check_row(
    *,
    ref: str,
    raw_date: str,
    raw_attended: str,
    ours: dict[str, list[Connection]],
    today: dt.date,
) -> tuple[str, tuple[Connection, dt.date, bool] | None]:
    if not ref:
        return "Unknown reference: the reference is empty.", None
    if not (_REFERENCE.match(ref) or re.match(r"^[0-9a-f]{32}$", ref)):
        return (
            f"Unknown reference “{ref.upper()}”: a reference is the 8 letters and digits "
            "shown on the referral.",
            None,
        )
    matches = ours.get(ref, [])
    if not matches:
        return (
            f"Not referred to your organisation: no referral to your services has the "
            f"reference {ref[:8].upper()}.",
            None,
        )
    if len(matches) > 1:
        return (
            f"The reference {ref[:8].upper()} matches more than one referral: open the "
            "referral and record this session there.",
            None,
        )
    connection = matches[0]
    session_on = _read_date(raw_date)
    if session_on is None:
        return (
            f"Bad date “{raw_date}”: write the session date like 2026-03-14 or 14/03/2026.",
            None,
        )
    if session_on > today:
        return "Bad date: the session date is in the future.", None
    if connection.requested_at and session_on < timezone.localdate(connection.requested_at):
        return "Bad date: the session is before the referral was sent.", None
    if raw_attended in _YES:
        attended = True
    elif raw_attended in _NO:
        attended = False
    else:
        return f"Attended must be yes or no, not “{raw_attended}”.", None
    if connection.status not in RECORDABLE:
        return (
            f"The referral is {connection.get_status_display().lower()}, so sessions cannot "
            "be recorded.",
            None,
        )
    return "", (connection, session_on, attended)


def attendance_file_import(
    *,
    actor: User,
    organisation_id: int,
    org_ids: Sequence[int],
    data: bytes,
    good_rows_only: bool = False,
    key: uuid.UUID | None = None,
) -> tuple[AttendanceBatch, bool]:
    """Import a checked file (checked again here: the referrals may have moved since the
    preview). Refused, writing nothing, when any row is bad unless `good_rows_only`."""
    check = attendance_file_check(org_ids=org_ids, data=data)
    if check.rejected and not good_rows_only:
        raise ValidationFailed(
            {
                "file": [
                    f"{len(check.rejected)} row(s) cannot be imported: correct the file, or "
                    "choose to import only the good rows."
                ]
            }
        )
    if not check.rows:
        raise ValidationFailed({"file": ["No row in the file can be imported."]})

    def work() -> AttendanceBatch:
        with transaction.atomic():
            batch = AttendanceBatch(
                kind=AttendanceBatchKind.UPLOAD,
                organisation_id=organisation_id,
                recorded_by=actor,
                rejected=len(check.rejected),
            )
            for row in check.rows:
                current = Connection.objects.get(pk=row.connection.pk)
                prior = Attendance.objects.filter(
                    connection=current, session_on=row.session_on
                ).first()
                _tally(
                    batch,
                    _apply(
                        actor=actor,
                        connection=current,
                        version=current.version,
                        session_on=row.session_on,
                        wanted=row.attended,
                        prior=prior,
                    ),
                )
            batch.save()
            audit_record(
                actor=actor,
                action=AuditAction.CONNECTIONS_ATTENDANCE_FILE_IMPORTED,
                obj=batch,
                organisation=batch.organisation,
                detail={
                    "recorded": batch.recorded,
                    "corrected": batch.corrected,
                    "unchanged": batch.unchanged,
                    "rejected": batch.rejected,
                    "rejected_rows": [number for number, _ in check.rejected],
                },
            )
            return batch

    return create_once(key, AttendanceBatch, user_id=actor.pk, work=work)
