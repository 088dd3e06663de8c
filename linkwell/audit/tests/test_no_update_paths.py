"""Every way Django (or SQL) offers to change or remove a row is closed for audit events."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent, AuditImmutableError
from linkwell.audit.services import audit_record


@pytest.fixture
def event(personas) -> AuditEvent:
    with transaction.atomic():
        return audit_record(
            actor=personas.owner,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=personas.provider_org,
        )


def _unchanged(event: AuditEvent) -> None:
    assert AuditEvent.objects.filter(pk=event.pk, action="directory.service_updated").exists()


def test_bulk_update_is_refused(event) -> None:
    event.action = "tampered"
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_update([event], ["action"])
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).bulk_update([event], ["action"])
    _unchanged(event)


def test_update_or_create_and_forced_saves_are_refused(event) -> None:
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "tampered"})
    event.action = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save(force_update=True)
    with pytest.raises(AuditImmutableError):
        event.save(update_fields=["action"])
    _unchanged(event)


def test_the_private_queryset_shortcuts_hit_the_database_guard(event) -> None:
    """`_update` and `_raw_delete` skip the queryset methods: the triggers still refuse."""
    for attempt in (
        lambda: AuditEvent.objects.filter(pk=event.pk)._update(  # type: ignore[attr-defined]
            [(AuditEvent._meta.get_field("action"), None, "tampered")]
        ),
        lambda: AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            attempt()
    _unchanged(event)


def test_raw_sql_updates_and_deletes_are_refused_by_the_database(event) -> None:
    statements = [
        "UPDATE audit_auditevent SET action = 'tampered' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ]
    for sql in statements:
        with (
            pytest.raises((IntegrityError, DatabaseError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    _unchanged(event)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(event) -> None:
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    _unchanged(event)


def test_the_triggers_are_installed_on_this_database(db) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
                "AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_auditevent'"
            )
        names = {row[0] for row in cursor.fetchall()}
    expected = (
        {"audit_auditevent_append_only", "audit_auditevent_no_truncate"}
        if connection.vendor == "postgresql"
        else {"audit_auditevent_no_update", "audit_auditevent_no_delete"}
    )
    assert expected <= names


def test_no_source_file_writes_update_or_delete_sql_against_the_audit_table() -> None:
    """The only code that touches the table's guard is the trigger SQL and the test flush."""
    root = Path(__file__).resolve().parents[3]
    allowed = {
        root / "linkwell/audit/migrations_sql.py",
        root / "linkwell/audit/management/commands/flush.py",
    }
    pattern = re.compile(
        r"(UPDATE\s+\"?audit_auditevent|DELETE\s+FROM\s+\"?audit_auditevent|TRUNCATE\s+\"?audit_auditevent)",
        re.IGNORECASE,
    )
    offenders = [
        str(path.relative_to(root))
        for folder in ("linkwell", "config")
        for path in (root / folder).rglob("*.py")
        if path not in allowed
        and "/tests/" not in str(path)
        and "/migrations/" not in str(path)
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
