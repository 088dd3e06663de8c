"""`linkwell backup --out FILE`: a consistent copy of the database, safe while Linkwell runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from linkwell.ops.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Back up the database to FILE: SQLite through its online backup API, PostgreSQL with "
        "pg_dump --format=custom. Safe while the web process and the worker run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="The backup file to write.")
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias in settings (default: default).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_database(
                connection=connections[options["database"]], out=options["out"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the {summary.vendor} database to {summary.path} "
            f"({summary.size_bytes:,} bytes). Restore it with `linkwell restore {summary.path}`."
        )
