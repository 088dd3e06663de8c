"""PostgreSQL: the owner that migrates, and the application role that cannot alter the schema.

A deployment runs `linkwell migrate` as the role that owns the tables (the owner) and serves
Linkwell as a second login role (the application role) granted only what the application needs:

- CONNECT on the database, USAGE on the schema;
- SELECT, INSERT, UPDATE, DELETE on every table, and USAGE/SELECT on sequences — except the
  append-only audit tables (`audit_auditevent`, `audit_auditseal`), where it gets SELECT and
  INSERT only;
- the same for tables later migrations create (`ALTER DEFAULT PRIVILEGES` for the owner).

Not owning the tables, the application role cannot ALTER, DROP or DISABLE TRIGGER, nor TRUNCATE:
the audit trail's triggers stay in force whatever the application (or an attacker inside it)
does. `linkwell db_roles grant ROLE` applies this as the owner (run it after every `migrate`;
safe to repeat); `linkwell db_roles sql ROLE` prints the statements for a DBA to review.
"""

from __future__ import annotations

import re

from django.db.backends.base.base import BaseDatabaseWrapper

from linkwell.core.exceptions import LinkwellError

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_auditseal")
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RolesError(LinkwellError):
    pass


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(*, role: str, database: str, owner: str) -> list[str]:
    """The statements that make `role` the application role of `database` (owned by `owner`)."""
    if not _ROLE.match(role):
        raise RolesError(
            f"{role!r} is not a plain PostgreSQL role name (lower-case letters, digits, _)."
        )
    if role == owner:
        raise RolesError(
            f"{role} owns the tables: the application role must be a different role, or it "
            "could alter or drop the audit trail's triggers."
        )
    r, db, o = _quote(role), _quote(database), _quote(owner)
    audit = ", ".join(f"public.{t}" for t in APPEND_ONLY_TABLES)
    return [
        f"GRANT CONNECT ON DATABASE {db} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"REVOKE CREATE ON SCHEMA public FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]


def grant_app_role(*, connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Apply `grant_statements` on `connection` (connected as the owner); returns them."""
    if connection.vendor != "postgresql":
        raise RolesError(
            "Two database roles are a PostgreSQL deployment's: SQLite has no roles (protect the "
            "file with the operating system's permissions instead)."
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner, database = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise RolesError(
                f"There is no role {role}: create it first (CREATE ROLE {role} LOGIN PASSWORD "
                "'…'), then run this again."
            )
        cursor.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = %s", [APPEND_ONLY_TABLES[0]]
        )
        row = cursor.fetchone()
        if row is None:
            raise RolesError(
                "The database has no Linkwell tables yet: run `linkwell migrate` first."
            )
        if row[0] != owner:
            raise RolesError(
                f"Connected as {owner}, but the tables belong to {row[0]}: run this as the owner."
            )
        statements = grant_statements(role=role, database=database, owner=owner)
        for sql in statements:
            cursor.execute(sql)
    return statements
