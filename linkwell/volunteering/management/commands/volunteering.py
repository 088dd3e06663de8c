"""`linkwell volunteering remind`: email coordinators the volunteers whose DBS check lapses soon
or has lapsed (services/reminders.py; once per state of a check, so it is safe to run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.volunteering.services import checks_remind


class Command(BaseCommand):
    help = "Volunteering tasks: remind coordinators of lapsing DBS checks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "remind", help="Email coordinators the volunteers whose DBS check lapses soon."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.SYSTEM):
            sent = checks_remind()
        self.stdout.write(f"Emailed the coordinators of {sent} organisation(s).")
