"""Backing up the database to one file and restoring it into an empty database, checked.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot page by
page while the web process and the task worker keep writing; the file is itself a SQLite database.
PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, also safe while Linkwell runs) and
`pg_restore`; the client tools must be on PATH and at least the server's major version.

A restore goes only into a database with no tables at all, so it can never mix with or overwrite
live data; afterwards `restore_database` compares every table's row count and the audit trail's
rows, field for field, between the backup file and the restored database.
docs/runbooks/backup-and-restore.md says how often, where and how to rehearse it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

from linkwell.audit.chain import verify_chain
from linkwell.audit.models import AuditEvent

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
AUDIT_TABLE = AuditEvent._meta.db_table
_INSTALL_PG_TOOLS = (
    "{tool} was not found on PATH. Install the PostgreSQL client tools of the server's major "
    "version or newer (Debian/Ubuntu: `apt install postgresql-client`; RHEL: `dnf install "
    "postgresql`; macOS: `brew install libpq`) and make sure {tool} is on PATH."
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    vendor: str
    size_bytes: int


@dataclass
class RestoreReport:
    """What the check after a restore found: row counts per table, backup against restored."""

    counts: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    audit_rows_match: bool = False
    audit_rows: int = 0
    audit_triggers: list[str] = field(default_factory=list)
    # The restored trail's hash chain (`linkwell audit verify`): "" when it verifies.
    chain_problem: str = ""
    chain_sealed: int = 0
    chain_head: str = ""

    @property
    def mismatched_tables(self) -> list[str]:
        return [name for name, (want, got) in sorted(self.counts.items()) if want != got]

    @property
    def ok(self) -> bool:
        return not self.mismatched_tables and self.audit_rows_match and not self.chain_problem


def backup_database(*, connection: BaseDatabaseWrapper, out: Path) -> BackupSummary:
    """Write a consistent copy of the database behind `connection` to `out` (replaced if it exists;
    written to a temporary name first so a failed backup never leaves a half file under `out`)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, partial)
        elif connection.vendor == "postgresql":
            _pg_dump(connection, partial)
        else:
            raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(path=out, vendor=connection.vendor, size_bytes=out.stat().st_size)


def restore_database(*, connection: BaseDatabaseWrapper, source: Path) -> RestoreReport:
    """Restore the backup `source` into the empty database behind `connection`, then check it.

    Refuses, changing nothing, when the file is missing, is not a backup of this kind of database,
    or when the database already has tables.
    """
    if not source.is_file():
        raise BackupError(f"{source} does not exist or is not a file.")
    kind = _backup_kind(source)
    if kind != connection.vendor:
        raise BackupError(
            f"{source} is a {kind} backup but the configured database is {connection.vendor}: "
            "restore it into the same kind of database it came from."
        )
    existing = connection.introspection.table_names()
    if existing:
        raise BackupError(
            f"The database is not empty ({len(existing)} tables, e.g. {existing[0]}): restore "
            "only into a new, empty database. Nothing was changed."
        )
    if kind == "sqlite":
        _sqlite_restore(connection, source)
        report = _sqlite_check(connection, source)
    else:
        _pg_restore(connection, source)
        report = _pg_check(connection, source)
    chain = verify_chain(using=connection.alias)
    report.chain_problem = chain.problem
    report.chain_sealed = chain.sealed
    report.chain_head = f"{chain.head_id}:{chain.head_hash}" if chain.head_id else ""
    return report


def _backup_kind(source: Path) -> str:
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{source} is neither a SQLite database nor a pg_dump custom-format file: is it a "
        "Linkwell backup?"
    )


# --- SQLite ---------------------------------------------------------------------------------


def _raw_sqlite(connection: BaseDatabaseWrapper) -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    destination = sqlite3.connect(target)
    try:
        # Copies in steps, letting other writers in between; a page changed mid-copy by another
        # connection restarts the copy, so the file is always one consistent snapshot.
        _raw_sqlite(connection).backup(destination, pages=1024)
    finally:
        destination.close()


def _sqlite_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    origin = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        origin.backup(_raw_sqlite(connection))
    finally:
        origin.close()


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [str(name) for (name,) in rows]


def _sqlite_digest(db: sqlite3.Connection, table: str) -> tuple[int, str]:
    """Row count and a digest of every value. Values are read as SQL literals (`quote()`): an
    expression has no declared type, so Django's converters on its own connection do not turn
    them into Python dates or JSON, and both sides read the same bytes."""
    columns = [str(row[1]) for row in db.execute(f'PRAGMA table_info("{table}")')]
    values = ", ".join(f'quote("{column}")' for column in columns)
    digest = hashlib.sha256()
    count = 0
    for row in db.execute(f'SELECT {values} FROM "{table}" ORDER BY id'):  # noqa: S608
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def _sqlite_check(connection: BaseDatabaseWrapper, source: Path) -> RestoreReport:
    report = RestoreReport()
    origin = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    restored = _raw_sqlite(connection)
    try:
        restored_tables = set(_sqlite_tables(restored))
        for table in sorted(set(_sqlite_tables(origin)) | restored_tables):
            want = origin.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            got = (
                restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                if table in restored_tables
                else None
            )
            report.counts[table] = (int(want), None if got is None else int(got))
        want_rows, want_digest = _sqlite_digest(origin, AUDIT_TABLE)
        got_rows, got_digest = _sqlite_digest(restored, AUDIT_TABLE)
        report.audit_rows = got_rows
        report.audit_rows_match = (want_rows, want_digest) == (got_rows, got_digest)
        report.audit_triggers = sorted(
            str(name)
            for (name,) in restored.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                (AUDIT_TABLE,),
            )
        )
    finally:
        origin.close()
    return report


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(_INSTALL_PG_TOOLS.format(tool=name))
    return path


_LIBPQ_KEYS = {"dbname", "user", "host", "port", "sslmode", "sslrootcert", "sslcert", "sslkey"}


def _pg_conninfo(connection: BaseDatabaseWrapper) -> tuple[str, dict[str, str]]:
    """A libpq keyword/value connection string for `connection`, and the environment that
    carries its password (never on the command line, where other users could read it)."""
    params = dict(connection.get_connection_params())
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = str(password)
    parts = []
    for key, value in params.items():
        if key in _LIBPQ_KEYS and value not in (None, ""):
            escaped = str(value).replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"{key}='{escaped}'")
    return " ".join(parts), env


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")
    return result.stdout


def _pg_dump(connection: BaseDatabaseWrapper, target: Path) -> None:
    conninfo, env = _pg_conninfo(connection)
    _run([_pg_tool("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={conninfo}"], env)


def _pg_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    conninfo, env = _pg_conninfo(connection)
    # One transaction: a failure part-way leaves the database as empty as it was. Ownership and
    # grants are not replayed: the restoring role (the owner role, which runs migrations) owns
    # what it creates; grant the app role its rights afterwards (the runbook says how).
    connection.close()
    _run(
        [
            _pg_tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={conninfo}",
            str(source),
        ],
        env,
    )


def _copy_blocks(script: str) -> Iterator[tuple[str, list[str]]]:
    """(table, data lines) of each `COPY ... FROM stdin;` block of a pg_restore SQL script."""
    lines = iter(script.split("\n"))
    for line in lines:
        if line.startswith("COPY ") and line.endswith("FROM stdin;"):
            qualified = line[len("COPY ") :].split(" ", 1)[0]
            table = qualified.rsplit(".", 1)[-1].strip('"')
            rows: list[str] = []
            for row in lines:
                if row == "\\.":
                    break
                rows.append(row)
            yield table, rows


def _pg_copy_rows(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        rows: list[str] = []
        with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:  # table name from the backup
            data = b"".join(bytes(chunk) for chunk in copy)
        rows = data.decode().split("\n")
        return [row for row in rows if row]


def _pg_check(connection: BaseDatabaseWrapper, source: Path) -> RestoreReport:
    _conninfo, env = _pg_conninfo(connection)
    script = _run([_pg_tool("pg_restore"), "--data-only", "--file=-", str(source)], env)
    backup_rows = dict(_copy_blocks(script))
    report = RestoreReport()
    restored_tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in sorted(set(backup_rows) | restored_tables):
            got: int | None = None
            if table in restored_tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                got = int(cursor.fetchone()[0])
            report.counts[table] = (len(backup_rows.get(table, [])), got)
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [AUDIT_TABLE],
        )
        report.audit_triggers = sorted(str(name) for (name,) in cursor.fetchall())
    restored_audit = _pg_copy_rows(connection, AUDIT_TABLE)
    report.audit_rows = len(restored_audit)
    report.audit_rows_match = sorted(backup_rows.get(AUDIT_TABLE, [])) == sorted(restored_audit)
    return report
