"""SQL for the audit trail's append-only triggers (used by migration 0002 and the test flush).

Kept outside the migration module so `flush` can reuse it; the migration keeps its own frozen copy
of the statements' effect by calling these at migration time (they must not change meaning).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SQLITE_INSTALL = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]
POSTGRES_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit events are append-only'; END;
    $$ LANGUAGE plpgsql;
    """,
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;",
    """
    CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
    """,
    # TRUNCATE bypasses row triggers; refuse it too.
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;",
    """
    CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only();
    """,
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;",
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;",
]


def _run(statements: list[str], execute: Callable[[str], Any]) -> None:
    for sql in statements:
        execute(sql)


def install_triggers(vendor: str, execute: Callable[[str], Any]) -> None:
    _run({"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(vendor, []), execute)


def remove_triggers(vendor: str, execute: Callable[[str], Any]) -> None:
    _run({"sqlite": SQLITE_REMOVE, "postgresql": POSTGRES_REMOVE}.get(vendor, []), execute)


# The seals (`AuditSeal`, migration 0003) are append-only the same way.
SEAL_SQLITE_INSTALL = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditseal_no_update BEFORE UPDATE ON audit_auditseal
    BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditseal_no_delete BEFORE DELETE ON audit_auditseal
    BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END;
    """,
]
SEAL_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditseal_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditseal_no_delete;",
]
SEAL_POSTGRES_INSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditseal_append_only ON audit_auditseal;",
    """
    CREATE TRIGGER audit_auditseal_append_only
    BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
    """,
    "DROP TRIGGER IF EXISTS audit_auditseal_no_truncate ON audit_auditseal;",
    """
    CREATE TRIGGER audit_auditseal_no_truncate
    BEFORE TRUNCATE ON audit_auditseal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only();
    """,
]
SEAL_POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditseal_no_truncate ON audit_auditseal;",
    "DROP TRIGGER IF EXISTS audit_auditseal_append_only ON audit_auditseal;",
]


def install_seal_triggers(vendor: str, execute: Callable[[str], Any]) -> None:
    _run(
        {"sqlite": SEAL_SQLITE_INSTALL, "postgresql": SEAL_POSTGRES_INSTALL}.get(vendor, []),
        execute,
    )


def remove_seal_triggers(vendor: str, execute: Callable[[str], Any]) -> None:
    _run(
        {"sqlite": SEAL_SQLITE_REMOVE, "postgresql": SEAL_POSTGRES_REMOVE}.get(vendor, []),
        execute,
    )
