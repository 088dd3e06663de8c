"""Backup and restore on the database the suite runs on (SQLite, and PostgreSQL in its run)."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from linkwell.audit.chain import seal_events, verify_chain
from linkwell.audit.models import AuditEvent
from linkwell.casework.services.notes import case_note_add
from linkwell.casework.tests.factories import referred_case
from linkwell.ops import backup as backup_module
from linkwell.ops.backup import BackupError, backup_database, restore_database
from tests.personas import build_personas

# Restoring creates databases and is the owner's job (docs/runbooks/backup-and-restore.md): in
# the pass that runs as the application role these connect as the owner (tests/db_roles.py).
pytestmark = [pytest.mark.slow, pytest.mark.db_owner]


@pytest.fixture
def empty_database(tmp_path: Path, transactional_db: None) -> Iterator[BaseDatabaseWrapper]:
    """A second, brand-new database of the same kind as the suite's, with no tables."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    name = f"linkwell_restore_{uuid.uuid4().hex[:12]}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        settings_dict["NAME"] = name
    else:
        settings_dict["NAME"] = str(tmp_path / f"{name}.sqlite3")
    target = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "restore_target")
    # Reachable by alias too, as the real `linkwell restore` target (the default) is: the
    # restore verifies the restored trail's hash chain through the ORM.
    connections["restore_target"] = target
    yield target
    target.close()
    del connections["restore_target"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _representative_rows() -> None:
    personas = build_personas()
    case = referred_case(personas)
    case_note_add(actor=personas.link_worker, case=case, text="Met Joan at the library.")
    case_note_add(actor=personas.link_worker, case=case, text="Walking group on Tuesday.")


def _all_rows(db: BaseDatabaseWrapper) -> dict[str, list[tuple[object, ...]]]:
    rows: dict[str, list[tuple[object, ...]]] = {}
    with db.cursor() as cursor:
        for table in db.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def test_a_backup_restored_into_an_empty_database_has_identical_tables(
    tmp_path: Path, empty_database: BaseDatabaseWrapper
) -> None:
    _representative_rows()
    assert AuditEvent.objects.count() >= 2
    seal_events(delay=dt.timedelta(0))
    head = verify_chain()
    out = tmp_path / "linkwell.backup"

    backup_database(connection=connection, out=out)
    report = restore_database(connection=empty_database, source=out)

    assert report.ok
    # The restored trail carries the same hash chain, to the same head.
    assert report.chain_problem == ""
    assert report.chain_sealed == AuditEvent.objects.count()
    assert report.chain_head == f"{head.head_id}:{head.head_hash}"
    assert report.audit_rows == AuditEvent.objects.count()
    assert report.counts["casework_casenote"] == (2, 2)
    assert report.audit_triggers  # the append-only triggers came back with the data
    assert _all_rows(empty_database) == _all_rows(connection)


def test_restore_refuses_a_database_that_has_tables_and_changes_nothing(
    tmp_path: Path, empty_database: BaseDatabaseWrapper
) -> None:
    out = tmp_path / "linkwell.backup"
    backup_database(connection=connection, out=out)
    restore_database(connection=empty_database, source=out)
    before = _all_rows(empty_database)

    with pytest.raises(BackupError, match=r"The database is not empty .* Nothing was changed"):
        restore_database(connection=empty_database, source=out)

    assert _all_rows(empty_database) == before


def test_restore_refuses_a_file_that_is_not_a_backup(
    tmp_path: Path, empty_database: BaseDatabaseWrapper
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(BackupError, match="is neither a SQLite database nor a pg_dump"):
        restore_database(connection=empty_database, source=junk)
    assert empty_database.introspection.table_names() == []


def test_a_restore_that_differs_from_the_backup_is_reported_as_failed(
    tmp_path: Path, empty_database: BaseDatabaseWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    _representative_rows()
    out = tmp_path / "linkwell.backup"
    backup_database(connection=connection, out=out)
    real_check = (
        backup_module._pg_check
        if connection.vendor == "postgresql"
        else backup_module._sqlite_check
    )

    def check_after_losing_a_note(db: BaseDatabaseWrapper, source: Path) -> object:
        with db.cursor() as cursor:
            cursor.execute(
                "DELETE FROM casework_casenote WHERE id = (SELECT MIN(id) FROM casework_casenote)"
            )
        return real_check(db, source)

    monkeypatch.setattr(
        backup_module,
        "_pg_check" if connection.vendor == "postgresql" else "_sqlite_check",
        check_after_losing_a_note,
    )
    report = restore_database(connection=empty_database, source=out)
    assert not report.ok
    assert report.mismatched_tables == ["casework_casenote"]


def test_the_commands_back_up_and_refuse_to_restore_over_the_live_database(
    tmp_path: Path, transactional_db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nightly.backup"
    call_command("backup", "--out", str(out))
    assert out.stat().st_size > 0
    assert "Restore it with `linkwell restore" in capsys.readouterr().out
    with pytest.raises(CommandError, match="restore only into a new, empty database"):
        call_command("restore", str(out))


def test_postgresql_backups_say_what_to_install_without_the_client_tools(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(
        BackupError, match=r"pg_dump was not found on PATH\. Install the PostgreSQL"
    ):
        backup_module._pg_tool("pg_dump")
