"""`linkwell db_roles grant ROLE` / `linkwell db_roles sql ROLE`: the PostgreSQL application role
that cannot alter the schema or the audit trail's triggers (linkwell/ops/roles.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from linkwell.ops.roles import RolesError, grant_app_role, grant_statements


class Command(BaseCommand):
    help = "Grant a PostgreSQL login role what the application needs, and no more."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        grant = sub.add_parser("grant", help="Apply the grants (run as the tables' owner).")
        grant.add_argument("role")
        sql = sub.add_parser("sql", help="Print the statements for review.")
        sql.add_argument("role")
        sql.add_argument("--owner", default="linkwell_owner")
        sql.add_argument("--database", default="linkwell")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "sql":
                for statement in grant_statements(
                    role=options["role"], database=options["database"], owner=options["owner"]
                ):
                    self.stdout.write(statement + ";")
                return
            with transaction.atomic():
                statements = grant_app_role(connection=connection, role=options["role"])
        except RolesError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Granted {options['role']} the application's privileges ({len(statements)} "
            "statements); it cannot alter tables, drop or disable triggers, or change the audit "
            "trail."
        )
