"""`linkwell community feeds`: import providers' iCal timetables (run daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Community contributions: import providers' iCal timetable feeds."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        feeds = sub.add_parser(
            "feeds",
            help="Queue the import of every timetable feed with a URL (community/tasks.py).",
        )
        feeds.add_argument(
            "--now", action="store_true", help="Import in this process instead of queueing a task."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from linkwell.community.models import FeedStatus, TimetableFeed
        from linkwell.community.tasks import import_timetable_feeds

        if not options["now"]:
            result = import_timetable_feeds.enqueue()
            self.stdout.write(f"Queued the timetable import ({result.id}); a task worker runs it.")
            return
        good = import_timetable_feeds.call()
        failed = TimetableFeed.objects.exclude(url="").filter(status=FeedStatus.FAILED)
        self.stdout.write(f"Imported {good} timetable feed(s).")
        if failed.exists():
            for feed in failed.select_related("service"):
                self.stderr.write(f"{feed.service.name}: {feed.last_error}")
            raise CommandError(f"{failed.count()} timetable feed(s) failed; providers were told.")
