"""`linkwell casework remind`: queue reminders to people whose follow-up is due soon.

Run it daily from cron (a task worker, `linkwell db_worker`, sends what it queues):

    15 8 * * *  cd /srv/linkwell && .venv/bin/linkwell casework remind

`--now` sends in this process instead (no worker needed). The rules — who is reminded, how, and
the claim that stops two runs sending twice — are in linkwell/casework/followup.py.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwell.core import notify


class Command(BaseCommand):
    help = "Casework jobs: `remind` queues follow-up reminders to people (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rem = sub.add_parser(
            "remind",
            help="Queue email/text reminders for follow-ups due soon (casework/followup.py).",
        )
        rem.add_argument("--limit", type=int, help="At most this many reminders in this run.")
        rem.add_argument(
            "--now", action="store_true", help="Send in this process instead of queueing a task."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from linkwell.casework.followup import send_follow_up_reminders

        if options["now"]:
            sent = send_follow_up_reminders.call(limit=options["limit"])
            self.stdout.write(f"Sent {sent} reminder(s).")
            if notify.is_development_backend():
                self.stdout.write(
                    "The development notify backend is configured: reminders are printed here, "
                    "not sent (LINKWELL_NOTIFY_BACKEND)."
                )
            return
        result = send_follow_up_reminders.enqueue(limit=options["limit"])
        self.stdout.write(f"Queued the reminder task ({result.id}); a task worker sends them.")
