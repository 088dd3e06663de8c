"""`linkwell connections remind`: the daily job for onward referrals (run from cron).

    30 7 * * 1-5  cd /srv/linkwell && .venv/bin/linkwell connections remind

It queues `connections_daily` (a task worker, `linkwell db_worker`, runs it): referrals past their
response window are marked lapsed and return to the link worker's attention; providers whose
window ends within LINKWELL_REFERRAL_REMIND_WORKING_DAYS_BEFORE working days are reminded.
`--now` runs it in this process instead.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Connections jobs: `remind` marks lapsed referrals and reminds providers (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rem = sub.add_parser(
            "remind", help="Mark lapsed referrals and remind providers before the window ends."
        )
        rem.add_argument("--limit", type=int, help="At most this many of each in this run.")
        rem.add_argument(
            "--now", action="store_true", help="Run in this process instead of queueing a task."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from linkwell.connections.tasks import connections_daily

        if options["now"]:
            result = connections_daily.call(limit=options["limit"])
            self.stdout.write(
                f"Marked {result['lapsed']} referral(s) as lapsed; "
                f"sent {result['reminded']} reminder(s)."
            )
            return
        queued = connections_daily.enqueue(limit=options["limit"])
        self.stdout.write(f"Queued the daily referral task ({queued.id}); a task worker runs it.")
