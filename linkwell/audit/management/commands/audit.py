"""`linkwell audit export`: write the audit trail, or part of it, as CSV or JSON.

    linkwell audit export --person ID | --user EMAIL_OR_ID | --since DATE [--until DATE] | --all
                          [--format csv|json] [--out FILE]

At least one filter (or --all) is required; filters combine. The export is itself an audit
event (channel "command", kind "access"), written before the data leaves.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from linkwell.audit.actions import AuditAction
from linkwell.audit.chain import seal_events, verify_chain
from linkwell.audit.context import audit_context
from linkwell.audit.export import FORMATS, audit_events_matching, write_events
from linkwell.audit.models import AuditEvent, Channel, Kind
from linkwell.audit.services import audit_record


def user_matching(value: str) -> Any:
    """The account `value` names: an email (case-insensitive), numeric id or public UUID, or
    None. Through `get_user_model()`, as `accounts.selectors.user_by_email_or_id` does it:
    the audit app sits below accounts and imports nothing from it."""
    users = get_user_model().objects
    value = value.strip()
    if "@" in value:
        return users.filter(email__iexact=value).first()
    if value.isdigit():
        return users.filter(pk=int(value)).first()
    try:
        return users.filter(uuid=uuid.UUID(value)).first()
    except ValueError:
        return None


def parse_when(value: str, option: str) -> dt.datetime:
    """A date (midnight, local time) or an ISO 8601 date-time (local time when naive)."""
    raw = value.strip()
    try:
        when = parse_datetime(raw)
        if when is None:
            day = parse_date(raw)
            if day is not None:
                when = dt.datetime.combine(day, dt.time())
    except ValueError:
        when = None
    if when is None:
        raise CommandError(
            f"{option} {value!r} is not a date: use YYYY-MM-DD (e.g. 2025-04-01) or an ISO 8601 "
            "date-time (e.g. 2025-04-01T09:30 or 2025-04-01T09:30:00+00:00)."
        )
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


class _StdoutAdapter:
    def __init__(self, command: BaseCommand) -> None:
        self.command = command

    def write(self, s: str) -> int:
        self.command.stdout.write(s, ending="")
        return len(s)


class Command(BaseCommand):
    help = "Work with the audit trail. `linkwell audit export --help` for the export's options."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", title="subcommands", required=True)
        export = sub.add_parser(
            "export",
            help="Write audit events as CSV or JSON.",
            description=(
                "Write audit events as CSV (a header row, then one row per event) or JSON (a "
                "list of objects). Give at least one filter, or --all. Filters combine."
            ),
        )
        export.add_argument("--person", metavar="ID", help="Events about this person's record.")
        export.add_argument(
            "--user",
            metavar="EMAIL_OR_ID",
            help="Events where this user acted (email, id or UUID).",
        )
        export.add_argument("--since", metavar="DATE", help="From this date/time (inclusive).")
        export.add_argument("--until", metavar="DATE", help="Up to this date/time (exclusive).")
        export.add_argument("--all", action="store_true", help="Every event (no filter).")
        export.add_argument("--format", choices=FORMATS, default="csv", help="Default: csv.")
        export.add_argument("--out", metavar="FILE", help="Write here instead of standard output.")
        seal = sub.add_parser(
            "seal",
            help="Extend the hash chain over events older than a few minutes (run every 10 min).",
        )
        seal.add_argument(
            "--delay-minutes",
            type=int,
            default=None,
            help="Seal events at least this old (default LINKWELL_AUDIT_SEAL_DELAY_MINUTES).",
        )
        verify = sub.add_parser(
            "verify",
            help="Check the hash chain; exit 1 at the first changed, deleted or inserted event.",
        )
        verify.add_argument(
            "--anchor",
            metavar="ID:HASH",
            help="A head printed by an earlier verify or seal: the chain must still pass it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            with audit_context(channel=Channel.COMMAND):
                self.export(**options)
        elif options["subcommand"] == "seal":
            self.seal(options.get("delay_minutes"))
        elif options["subcommand"] == "verify":
            self.verify(options.get("anchor"))

    def seal(self, delay_minutes: int | None) -> None:
        if delay_minutes is None:
            delay_minutes = int(getattr(settings, "LINKWELL_AUDIT_SEAL_DELAY_MINUTES", 10))
        if delay_minutes < 0:
            raise CommandError("--delay-minutes must be 0 or more.")
        count = seal_events(delay=dt.timedelta(minutes=delay_minutes))
        result = verify_chain()
        self.stdout.write(
            f"Sealed {count} audit event(s); head: {result.head_id}:{result.head_hash}"
            if result.ok
            else f"Sealed {count} audit event(s)."
        )
        if not result.ok:
            raise CommandError(f"The audit trail fails verification: {result.problem}.")

    def verify(self, anchor_raw: str | None) -> None:
        anchor: tuple[int, str] | None = None
        if anchor_raw:
            head, _, digest = anchor_raw.partition(":")
            if not head.isdigit() or len(digest) != 64:
                raise CommandError(
                    f"--anchor {anchor_raw!r}: give it as EVENT_ID:HASH, as verify prints it."
                )
            anchor = (int(head), digest.lower())
        result = verify_chain(anchor=anchor)
        if not result.ok:
            raise CommandError(
                f"The audit trail is broken: {result.problem}. "
                f"{result.sealed} event(s) verified before it."
            )
        self.stdout.write(
            f"The audit trail verifies: {result.sealed} sealed event(s), {result.unsealed} not "
            f"sealed yet; head: {result.head_id}:{result.head_hash}"
        )

    def export(self, **options: Any) -> None:
        person = (options.get("person") or "").strip()
        user_value = (options.get("user") or "").strip()
        since_raw, until_raw = options.get("since"), options.get("until")
        if not (person or user_value or since_raw or until_raw or options.get("all")):
            raise CommandError(
                "Say which events to export: --person ID, --user EMAIL_OR_ID, --since DATE "
                "(or several), or --all for the whole trail."
            )
        since = parse_when(since_raw, "--since") if since_raw else None
        until = parse_when(until_raw, "--until") if until_raw else None
        if since and until and since >= until:
            raise CommandError(f"--since ({since_raw}) must be before --until ({until_raw}).")
        actor_id: int | None = None
        actor_label: str | None = None
        if user_value:
            user = user_matching(user_value)
            if user is not None:
                actor_id, actor_label = user.pk, user.email
            elif (
                "@" in user_value
                and AuditEvent.objects.filter(actor_label__iexact=user_value).exists()
            ):
                actor_label = user_value  # the account is gone; its events keep the email
            else:
                raise CommandError(
                    f"No user with the email address or id {user_value!r}. Check the spelling, "
                    "or use the numeric id shown in the admin."
                )
        out_path = Path(options["out"]) if options.get("out") else None
        if out_path is not None and not out_path.parent.exists():
            raise CommandError(f"--out {out_path}: the folder {out_path.parent} does not exist.")

        # Fix the set before recording the export, so the export's own event is not in it.
        last_id = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0
        events = audit_events_matching(
            person_id=person or None,
            actor_id=actor_id,
            actor_label=actor_label,
            since=since,
            until=until,
        ).filter(id__lte=last_id)
        count = events.count()
        filters = {
            "person": person,
            "user": user_value,
            "since": since,
            "until": until,
            "all": bool(options.get("all")),
        }
        with transaction.atomic():
            audit_record(
                actor=None,
                action=AuditAction.AUDIT_EXPORTED,
                object_type="audit.auditevent",
                person_id=person,
                kind=Kind.ACCESS,
                detail={
                    "filters": {k: v for k, v in filters.items() if v},
                    "format": options["format"],
                    "out": str(out_path) if out_path else "stdout",
                    "events": count,
                    "os_user": _os_user(),
                },
            )
        rows = events.iterator(chunk_size=2000)
        if out_path is None:
            write_events(rows, fmt=options["format"], out=_StdoutAdapter(self))
        else:
            with out_path.open("w", encoding="utf-8", newline="") as fh:
                write_events(rows, fmt=options["format"], out=fh)
            os.chmod(out_path, 0o600)  # personal data: readable by the exporting account only
        self.stderr.write(
            f"Exported {count} audit event{'s' if count != 1 else ''}"
            + (f" to {out_path}." if out_path else ".")
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
