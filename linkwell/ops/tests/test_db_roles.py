"""The PostgreSQL application role: it can do the application's work and append to the audit
trail, and cannot change or remove the audit trail or its triggers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_record
from linkwell.ops.roles import RolesError, grant_statements
from tests import db_roles

pytestmark = pytest.mark.django_db(transaction=True)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are PostgreSQL's"
)


def test_the_statements_keep_the_audit_tables_append_only() -> None:
    sql = "\n".join(grant_statements(role="linkwell_app", database="linkwell", owner="owner"))
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public" in sql
    assert (
        "REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_auditevent, public.audit_auditseal" in sql
    )
    with pytest.raises(RolesError, match="not a plain PostgreSQL role name"):
        grant_statements(role="x; DROP TABLE y", database="d", owner="o")
    with pytest.raises(RolesError, match="owns the tables"):
        grant_statements(role="owner", database="d", owner="owner")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's refusal")
def test_sqlite_is_told_it_has_no_roles() -> None:
    with pytest.raises(CommandError, match="SQLite has no roles"):
        call_command("db_roles", "grant", "linkwell_app")


@pytest.fixture
def app_role() -> Iterator[str]:
    role = f"linkwell_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def _as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


@postgres_only
@pytest.mark.db_owner
def test_the_application_role_cannot_touch_the_audit_trails_guards(app_role: str) -> None:
    with transaction.atomic():
        event = audit_record(
            actor=None, action=AuditAction.DIRECTORY_SERVICE_UPDATED, object_type="t"
        )
    call_command("db_roles", "grant", app_role)
    with _as(app_role) as app:
        # The application's work: read and write ordinary tables, append to the trail.
        count = app.execute("SELECT count(*) FROM audit_auditevent").fetchone()
        assert count is not None and count[0] >= 1
        app.execute("UPDATE accounts_area SET name = name")
        app.execute(
            "INSERT INTO audit_auditevent (uuid, at, kind, actor_label, organisation_label, "
            "action, channel, object_type, object_id, object_repr, person_id, changes, detail, "
            "request_id) VALUES (gen_random_uuid(), now(), 'write', '', '', 'x', 'system', '', "
            "'', '', '', '{}', '{}', '')"
        )
        # What it must never do.
        for sql in (
            f"UPDATE audit_auditevent SET action = 'tampered' WHERE id = {event.id}",  # noqa: S608
            f"DELETE FROM audit_auditevent WHERE id = {event.id}",  # noqa: S608
            "TRUNCATE audit_auditevent",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
            "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
            "ALTER TABLE accounts_area ADD COLUMN sneaky text",
            "DROP TABLE audit_auditseal",
            "CREATE TABLE public.sneaky (id int)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT action FROM audit_auditevent WHERE id = %s", [event.id])
        assert cursor.fetchone()[0] == "directory.service_updated"


@postgres_only
@pytest.mark.db_owner
def test_granting_a_role_that_does_not_exist_says_how_to_create_it() -> None:
    with pytest.raises(CommandError, match="There is no role linkwell_nobody: create it first"):
        call_command("db_roles", "grant", "linkwell_nobody")


@pytest.mark.skipif(
    not db_roles.requested_role() or connection.vendor != "postgresql",
    reason="the suite runs as the application role only with LINKWELL_TEST_DB_ROLE on PostgreSQL",
)
def test_the_suite_runs_as_a_role_that_cannot_lift_the_audit_trails_guards() -> None:
    """The rest of the suite passing as this role shows the application needs no more."""
    assert db_roles.restricted()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (db_roles.requested_role(), False)
        with transaction.atomic():
            audit_record(actor=None, action=AuditAction.DIRECTORY_SERVICE_UPDATED, object_type="t")
        for sql in (
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
            "ALTER TABLE audit_auditseal DISABLE TRIGGER audit_auditseal_append_only",
            "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
            "DROP FUNCTION audit_auditevent_append_only() CASCADE",
            "TRUNCATE audit_auditevent",
            "DELETE FROM audit_auditevent",
            "SET session_replication_role = replica",
        ):
            with pytest.raises(DatabaseError) as refused, transaction.atomic():
                cursor.execute(sql)
            assert isinstance(refused.value.__cause__, psycopg.errors.InsufficientPrivilege), sql
    assert AuditEvent.objects.count() == 1
