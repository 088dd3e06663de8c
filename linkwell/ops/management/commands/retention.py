"""`linkwell retention apply [--dry-run]`: pseudonymise people past their retention period and
delete unapproved public submissions (linkwell/ops/retention.py; the runbook is
docs/runbooks/subject-access-and-retention.md). Run it monthly, after a backup."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwell.ops.retention import retention_apply


class Command(BaseCommand):
    help = "Apply the retention policy. `linkwell retention apply --help` for its options."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", title="subcommands", required=True)
        apply = sub.add_parser(
            "apply",
            help="Pseudonymise people past retention; delete unapproved public submissions.",
            description=(
                "Pseudonymise people whose records are past the retention period (names, "
                "contact details, NHS number, day and month of birth, free text and case notes "
                "removed; outcome data kept) and delete rejected community suggestions and "
                "unconfirmed volunteer registrations. The audit trail is never changed."
            ),
        )
        apply.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what it would do and change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_apply(dry_run=options["dry_run"])
        self.stdout.write(result.summary())
