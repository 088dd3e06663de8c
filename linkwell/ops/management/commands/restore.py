"""`linkwell restore FILE`: restore a backup into an empty database and check every table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from linkwell.ops.backup import BackupError, RestoreReport, restore_database


class Command(BaseCommand):
    help = (
        "Restore a backup made by `linkwell backup` into the configured database, which must be "
        "empty (no tables), then compare every table's row count and the audit trail's rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file.")
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias in settings (default: default).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_database(
                connection=connections[options["database"]], source=options["file"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(render_report(report))
        if not report.ok:
            raise CommandError(
                "The restored database does not match the backup (see above): do not use it."
            )


def render_report(report: RestoreReport) -> str:
    width = max((len(name) for name in report.counts), default=5) + 2
    lines = [f"{'table'.ljust(width)}{'backup':>10}{'restored':>10}"]
    for table, (want, got) in sorted(report.counts.items()):
        flag = "" if want == got else "  MISMATCH"
        lines.append(f"{table.ljust(width)}{want:>10}{'-' if got is None else got:>10}{flag}")
    lines.append("")
    lines.append(
        f"{len(report.counts)} tables, {len(report.mismatched_tables)} with different row counts."
    )
    audit = "identical" if report.audit_rows_match else "DIFFERENT"
    lines.append(f"Audit trail: {report.audit_rows} rows, {audit} to the backup's.")
    triggers = ", ".join(report.audit_triggers) or "none"
    lines.append(f"Append-only triggers on the audit trail: {triggers}.")
    if report.chain_problem:
        lines.append(f"Audit hash chain: BROKEN: {report.chain_problem}.")
    else:
        head = f"; head {report.chain_head}" if report.chain_head else ""
        lines.append(f"Audit hash chain: verifies ({report.chain_sealed} sealed events{head}).")
    lines.append("Restore checked: OK." if report.ok else "Restore checked: FAILED.")
    return "\n".join(lines) + "\n"
