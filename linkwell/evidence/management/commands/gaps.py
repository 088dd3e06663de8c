"""`linkwell gaps send [--from DATE --to DATE]`: email each named service and community champion
the gaps in provision of their theme and area (linkwell/evidence/gaps.py). Without dates: the
previous calendar month. Run it from the scheduler once a period; a second run for the same
period sends nothing new."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import error_text
from linkwell.evidence.gaps import gap_digests_send
from linkwell.evidence.management.options import date_option


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


class Command(BaseCommand):
    help = "Send the gaps in provision to the named services and community champions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="Email each recipient the gaps of their theme and area.")
        send.add_argument("--from", dest="start", metavar="DATE", help="First day (YYYY-MM-DD).")
        send.add_argument("--to", dest="end", metavar="DATE", help="Last day (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        start = date_option(options.get("start"), "--from")
        end = date_option(options.get("end"), "--to")
        if (start is None) != (end is None):
            raise CommandError("Give both --from and --to, or neither (the previous month).")
        if start is None or end is None:
            start, end = previous_month(timezone.localdate())
        try:
            with audit_context(channel=Channel.COMMAND):
                run = gap_digests_send(actor=None, start=start, end=end)
        except ValidationFailed as exc:
            raise CommandError(error_text(exc)) from None
        for digest in run.sent:
            self.stdout.write(f"{digest.recipient.name}: {digest.outcome}")
        for recipient, reason in run.failed:
            self.stderr.write(f"{recipient.name}: not sent: {reason}")
        self.stdout.write(
            f"{len(run.sent)} digest(s) for {start} to {end}; "
            f"{run.skipped} already sent; {len(run.failed)} failed."
        )
        if run.failed:
            raise CommandError("Some digests could not be sent.")
