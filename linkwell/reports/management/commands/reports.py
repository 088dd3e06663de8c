"""`linkwell reports referrals --by practice|source|reason --format csv|json`: referral counts
for scripts, always with disclosure control (thin wrapper over reports/selectors.py).

`linkwell reports quarterly --from DATE --to DATE [--area AREA] --format json`: the whole
quarterly report (every section of `SECTIONS`) as JSON, disclosure-controlled like the page.

The export is audited (`referrals_report_exported`, command channel) like `linkwell audit
export`. There is no unsuppressed mode on the command line: raw small numbers are only for users
granted `reports.view_unsuppressed`, and a shell has no signed-in user to check.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from linkwell.accounts.models import Area
from linkwell.analysis.filters import ReportFilter
from linkwell.audit.actions import AuditAction
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel, Kind
from linkwell.audit.services import audit_record
from linkwell.reports.forms import MAX_DAYS
from linkwell.reports.quarterly import build_report
from linkwell.reports.quarterly.structure import Report
from linkwell.reports.selectors import GROUPINGS, referral_table

REFERRALS_HELP = """Count referrals received, grouped by the person's registered GP practice, the
referral source or the referral reason, for scripted use.

Disclosure control is always applied: counts of 1-7 are shown as *, other counts are rounded to
the nearest 5 (0 stays 0), and further cells are suppressed where a small count could be worked
out from the total. --since and --until are dates (YYYY-MM-DD, UK local time), both inclusive."""


QUARTERLY_HELP = """Print the whole quarterly commissioner report for a period as JSON: one key
per section (the section id with underscores, e.g. goals_achieved, staff_satisfaction), each
with its tables' published rows, as on the report page.

Disclosure control is always applied, as on the page: counts of 1-7 are shown as *, other
counts are rounded to the nearest 5, averages and percentages over fewer than 8 are shown as *.
--from and --to are dates (YYYY-MM-DD, UK local time), both inclusive, at most two years apart.
--area is an area's name or its Linkwell id."""

DISCLOSURE = (
    "counts of 1-7 shown as *, others rounded to the nearest 5; secondary suppression against "
    "the totals; averages and percentages over fewer than 8 shown as *"
)


def _day(value: str, option: str) -> dt.date:
    try:
        day = parse_date(value.strip())
    except ValueError:
        day = None
    if day is None:
        raise CommandError(f"{option} {value!r} is not a date: use YYYY-MM-DD (e.g. 2026-04-01).")
    return day


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class Command(BaseCommand):
    help = "Reports for scripts: `linkwell reports referrals --by practice|source|reason`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ref = sub.add_parser(
            "referrals",
            help="Referral counts (with disclosure control).",
            description=REFERRALS_HELP,
        )
        ref.add_argument("--by", choices=GROUPINGS, required=True, help="How to group referrals.")
        ref.add_argument("--format", choices=["csv", "json"], default="csv", help="Default: csv.")
        ref.add_argument("--since", metavar="DATE", help="Received on or after this date.")
        ref.add_argument("--until", metavar="DATE", help="Received on or before this date.")
        ref.add_argument("--out", metavar="FILE", help="Write here instead of standard output.")
        qr = sub.add_parser(
            "quarterly",
            help="The whole quarterly report as JSON (with disclosure control).",
            description=QUARTERLY_HELP,
        )
        qr.add_argument(
            "--from", dest="start", metavar="DATE", required=True, help="First day (YYYY-MM-DD)."
        )
        qr.add_argument(
            "--to", dest="end", metavar="DATE", required=True, help="Last day (YYYY-MM-DD)."
        )
        qr.add_argument("--area", metavar="AREA", help="An area's name or Linkwell id.")
        qr.add_argument("--format", choices=["json"], default="json", help="Default: json.")
        qr.add_argument("--out", metavar="FILE", help="Write here instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.COMMAND):
            if options["action"] == "quarterly":
                self._quarterly(options)
            else:
                self._referrals(options)

    def _quarterly(self, options: dict[str, Any]) -> None:
        start = _day(options["start"], "--from")
        end = _day(options["end"], "--to")
        if start > end:
            raise CommandError(f"--from ({start}) must be on or before --to ({end}).")
        if (end - start).days > MAX_DAYS:
            raise CommandError(
                f"--from {start} to --to {end} is longer than two years: choose a shorter period."
            )
        area = _area(options["area"]) if options["area"] else None
        out_path = Path(options["out"]) if options["out"] else None
        if out_path is not None and not out_path.parent.is_dir():
            raise CommandError(f"--out {out_path}: the folder {out_path.parent} does not exist.")
        report = build_report(user=None, filters=ReportFilter(start=start, end=end, area=area))
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.QUARTERLY_REPORT_EXPORTED,
                object_type="reports.quarterly",
                object_repr=f"{report.title} (json)"[:255],
                kind=Kind.ACCESS,
                detail={
                    "format": "json",
                    "period": report.period,
                    "scope": report.scope,
                    "unsuppressed": False,
                    "out": str(out_path) if out_path else "stdout",
                    "os_user": _os_user(),
                },
            )
        text = json.dumps(report_json(report), indent=2, default=str) + "\n"
        if out_path is None:
            self.stdout.write(text, ending="")
        else:
            out_path.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote the report ({len(report.sections)} sections) to {out_path}.")

    def _referrals(self, options: dict[str, Any]) -> None:
        since_day = _day(options["since"], "--since") if options["since"] else None
        until_day = _day(options["until"], "--until") if options["until"] else None
        if since_day and until_day and since_day > until_day:
            raise CommandError(f"--since ({since_day}) must be on or before --until ({until_day}).")
        out_path = Path(options["out"]) if options["out"] else None
        if out_path is not None and not out_path.parent.is_dir():
            raise CommandError(f"--out {out_path}: the folder {out_path.parent} does not exist.")
        by = options["by"]
        rows = referral_table(
            by=by,
            since=_midnight(since_day) if since_day else None,
            until=_midnight(until_day + dt.timedelta(days=1)) if until_day else None,
        )
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.REFERRALS_REPORT_EXPORTED,
                object_type="referrals.referral",
                kind=Kind.ACCESS,
                detail={
                    "by": by,
                    "since": since_day,
                    "until": until_day,
                    "format": options["format"],
                    "out": str(out_path) if out_path else "stdout",
                    "rows": len(rows),
                    "disclosure_control": True,
                    "os_user": _os_user(),
                },
            )
        text = _render(rows, by=by, fmt=options["format"], since=since_day, until=until_day)
        if out_path is None:
            self.stdout.write(text, ending="")
        else:
            out_path.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {len(rows)} rows to {out_path}.")


def _area(value: str) -> Area:
    text = value.strip()
    found: Area | None = None
    try:
        found = Area.objects.filter(uuid=uuid.UUID(text)).first()
    except ValueError:
        found = Area.objects.filter(name__iexact=text).first()
    if found is None:
        names = list(Area.objects.order_by("name").values_list("name", flat=True)[:20])
        known = f" Areas: {', '.join(names)}." if names else " No areas are set up."
        raise CommandError(f"--area {value!r} is not an area's name or id.{known}")
    return found


def report_json(report: Report) -> dict[str, Any]:
    """The report as one JSON object: "report" (what it covers) and one key per section (its
    id with underscores), each table's rows holding only its columns' published cells."""
    out: dict[str, Any] = {
        "report": {
            "title": report.title,
            "period": report.period,
            "scope": report.scope,
            "disclosure_control": "unsuppressed" if report.unsuppressed else DISCLOSURE,
            "sections": [s.id.replace("-", "_") for s in report.sections],
        }
    }
    for section in report.sections:
        out[section.id.replace("-", "_")] = {
            "title": section.title,
            "intro": section.intro,
            "notes": section.notes,
            "tables": {
                table.id: {
                    "title": table.title,
                    "columns": [{"key": c.key, "label": c.label} for c in table.columns],
                    "rows": [{c.key: row.get(c.key) for c in table.columns} for row in table.rows],
                    "note": table.note,
                }
                for table in section.tables
            },
            "stories": [
                {"title": s.title, "text": s.text, "service": s.service} for s in section.stories
            ],
        }
    return out


def _render(
    rows: list[dict[str, Any]], *, by: str, fmt: str, since: dt.date | None, until: dt.date | None
) -> str:
    if fmt == "json":
        payload = {
            "by": by,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "disclosure_control": (
                "counts of 1-7 shown as *, others rounded to the nearest 5; "
                "secondary suppression against the total"
            ),
            "rows": rows,
        }
        return json.dumps(payload, indent=2) + "\n"
    columns = [by, "ods_code", "referrals"] if by == "practice" else [by, "referrals"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
