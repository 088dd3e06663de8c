"""The provider's updates once a referral is accepted: sessions attended, on hold and resumed,
completed or stopped, and a short note back to the link worker.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.connections.models import Attendance, Connection
from linkwell.connections.services._common import (
    MAX_NOTE,
    S,
    _audit,
    _locked,
    _move,
    _reason_and_detail,
    _tell_case_connected,
    _text,
    _what,
)
from linkwell.core.concurrency import update_versioned
from linkwell.core.exceptions import ValidationFailed


def attendance_record(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    session_on: dt.date,
    attended: bool = True,
) -> Attendance:
    """Record one session; the first one moves an accepted referral to "attending"."""
    today = timezone.localdate()
    if session_on > today:
        raise ValidationFailed({"session_on": ["The session date must be today or in the past."]})
    with transaction.atomic():
        current = _locked(connection, None, check=False)
        started = timezone.localdate(current.requested_at) if current.requested_at else None
        if started is not None and session_on < started:
            raise ValidationFailed(
                {"session_on": ["The session date must be after the referral was sent."]}
            )
        _can_record(current)
        if Attendance.objects.filter(connection=current, session_on=session_on).exists():
            raise ValidationFailed({"session_on": ["A session on that date is already recorded."]})
        if current.status == S.ACCEPTED and attended:
            current = _move(
                actor=actor,
                connection=current,
                expected_version=expected_version,
                to=S.IN_PROGRESS,
                action=AuditAction.CONNECTIONS_REFERRAL_STARTED,
            )
        else:
            update_versioned(current, expected_version=expected_version, what=_what)
        row = Attendance.objects.create(
            connection=current,
            session_on=session_on,
            attended=attended,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_ATTENDANCE_RECORDED,
            connection=current,
            detail={"session_on": session_on.isoformat(), "attended": attended},
        )
    return row


def _attendance_row(connection: Connection, session_on: dt.date) -> Attendance:
    row = Attendance.objects.filter(connection=connection, session_on=session_on).first()
    if row is None:
        raise ValidationFailed({"session_on": ["No session on that date is recorded."]})
    return row


def _can_record(current: Connection) -> None:
    if current.status not in (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD):
        raise ValidationFailed(
            f"This referral is {current.get_status_display().lower()}, so sessions cannot "
            "be recorded."
        )


def attendance_correct(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    session_on: dt.date,
    attended: bool,
) -> Attendance:
    """Change a recorded session between attended and did not attend (a register corrected).
    Like `attendance_record`, attending moves an accepted referral to "attending"; a session
    changed to "did not attend" leaves the status as it is."""
    with transaction.atomic():
        current = _locked(connection, None, check=False)
        _can_record(current)
        row = _attendance_row(current, session_on)
        if row.attended == attended:
            return row
        if current.status == S.ACCEPTED and attended:
            current = _move(
                actor=actor,
                connection=current,
                expected_version=expected_version,
                to=S.IN_PROGRESS,
                action=AuditAction.CONNECTIONS_REFERRAL_STARTED,
            )
        else:
            update_versioned(current, expected_version=expected_version, what=_what)
        Attendance.objects.filter(pk=row.pk).update(
            attended=attended,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            updated_at=timezone.now(),
        )
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_ATTENDANCE_CORRECTED,
            connection=current,
            changes={"attended": [row.attended, attended]},
            detail={"session_on": session_on.isoformat()},
        )
        row.refresh_from_db()
    return row


def attendance_remove(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    session_on: dt.date,
) -> None:
    """Take back a session recorded by mistake (the register set back to "not recorded")."""
    with transaction.atomic():
        current = _locked(connection, None, check=False)
        _can_record(current)
        row = _attendance_row(current, session_on)
        update_versioned(current, expected_version=expected_version, what=_what)
        row.delete()
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_ATTENDANCE_REMOVED,
            connection=current,
            changes={"attended": [row.attended, None]},
            detail={"session_on": session_on.isoformat()},
        )


def connection_hold(
    *, actor: User | None, connection: Connection, expected_version: int | None
) -> Connection:
    with transaction.atomic():
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.ON_HOLD,
            action=AuditAction.CONNECTIONS_REFERRAL_ON_HOLD,
        )


def connection_resume(
    *, actor: User | None, connection: Connection, expected_version: int | None
) -> Connection:
    with transaction.atomic():
        if _locked(connection, None, check=False).status != S.ON_HOLD:
            raise ValidationFailed("Only a referral on hold can be resumed.")
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.IN_PROGRESS,
            action=AuditAction.CONNECTIONS_REFERRAL_RESUMED,
        )


def connection_complete(
    *, actor: User | None, connection: Connection, expected_version: int | None
) -> Connection:
    with transaction.atomic():
        connection = _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.COMPLETED,
            action=AuditAction.CONNECTIONS_REFERRAL_COMPLETED,
        )
        attended = connection.attendances.filter(attended=True).count()
        _tell_case_connected(
            actor=actor,
            connection=connection,
            note=f"{connection.service.name}: completed ({attended} session(s) attended).",
        )
    return connection


def connection_fail(
    *,
    actor: User | None,
    connection: Connection,
    expected_version: int | None,
    reason: str,
    detail: str = "",
) -> Connection:
    """The provider stopped working with the person (FHIR "failed"); back to the link worker."""
    reason, detail = _reason_and_detail(reason, detail)
    with transaction.atomic():
        return _move(
            actor=actor,
            connection=connection,
            expected_version=expected_version,
            to=S.FAILED,
            action=AuditAction.CONNECTIONS_REFERRAL_FAILED,
            fields={"reason": reason, "reason_detail": detail, "attention_at": timezone.now()},
            detail={"reason": reason},
        )


def connection_add_note(
    *, actor: User | None, connection: Connection, expected_version: int | None, note: str
) -> Connection:
    """The provider's short note back to the link worker (replaces the previous one)."""
    note = _text(note, "note", MAX_NOTE)
    if not note:
        raise ValidationFailed({"note": ["Write the note."]})
    with transaction.atomic():
        current = _locked(connection, expected_version)
        before = current.provider_note
        update_versioned(current, expected_version=expected_version, what=_what, provider_note=note)
        current.refresh_from_db()
        _audit(
            actor=actor,
            action=AuditAction.CONNECTIONS_PROVIDER_NOTE_ADDED,
            connection=current,
            changes={"provider_note": [before, note]},
        )
    return current
