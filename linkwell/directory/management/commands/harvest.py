"""`linkwell harvest add|list|run|due|duplicates`: remote directory feeds (thin wrappers over
`linkwell/directory/harvest/`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.accounts.models import Organisation
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.progress import add_progress_option, step
from linkwell.directory.models import FeedFormat, FeedSource, HarvestRun, HarvestStatus


def _source(name_or_id: str) -> FeedSource:
    try:
        found = FeedSource.objects.filter(uuid=uuid.UUID(name_or_id)).first()
    except ValueError:
        found = FeedSource.objects.filter(name=name_or_id).first()
    if found is None:
        raise CommandError(
            f"No feed is registered as {name_or_id!r} (see `linkwell harvest list`)."
        )
    return found


def run_summary(run: HarvestRun) -> str:
    changes = run.changes or {}
    return (
        f"{len(changes.get('created', []))} new, {len(changes.get('updated', []))} updated, "
        f"{len(changes.get('withdrawn', []))} withdrawn, {len(run.warnings)} warning(s)"
    )


class Command(BaseCommand):
    help = "Harvest remote Open Referral UK / HSDS feeds into the directory."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Register a feed.")
        add.add_argument("name")
        add.add_argument("url", help="The feed's services endpoint, e.g. https://x.org/services")
        add.add_argument("--format", choices=FeedFormat.values, default=FeedFormat.ORUK3)
        add.add_argument(
            "--modified-after",
            action="store_true",
            help="The feed filters by modified_after: harvest incrementally between full runs.",
        )
        add.add_argument("--at", default="03:00", help="Daily time to harvest (HH:MM).")
        add.add_argument("--page-size", type=int, default=100)
        add.add_argument("--licence", default="")
        add.add_argument("--attribution", default="")
        add.add_argument("--owner", metavar="ORG_UUID", help="Linkwell organisation (uuid).")
        sub.add_parser("list", help="List the feeds and their last harvest.")
        run = sub.add_parser("run", help="Harvest one feed now, in this process.")
        run.add_argument("source", help="Feed name or id.")
        run.add_argument("--full", action="store_true", help="A full harvest (finds withdrawals).")
        add_progress_option(run)
        sub.add_parser(
            "due", help="Queue the harvest of every feed that is due (run from cron, often)."
        )
        sub.add_parser(
            "duplicates",
            help="Compare every listing for likely duplicates (review them on the web).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actions = {
            "add": self._add,
            "list": self._list,
            "run": self._run,
            "due": self._due,
            "duplicates": self._duplicates,
        }
        actions[options["action"]](options)

    def _add(self, options: dict[str, Any]) -> None:
        from linkwell.directory.harvest.feeds import feed_source_create

        owner = None
        if options["owner"]:
            owner = Organisation.objects.filter(uuid=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No Linkwell organisation has the id {options['owner']}.")
        try:
            at = dt.time.fromisoformat(options["at"])
        except ValueError as exc:
            raise CommandError(f"--at {options['at']} is not a time like 03:00.") from exc
        try:
            with audit_context(channel=Channel.COMMAND):
                source = feed_source_create(
                    actor=None,
                    name=options["name"],
                    url=options["url"],
                    format=options["format"],
                    supports_modified_after=options["modified_after"],
                    harvest_at=at,
                    page_size=options["page_size"],
                    licence=options["licence"],
                    attribution=options["attribution"],
                    owner=owner,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Registered {source.name} ({source.uuid}).")

    def _list(self, options: dict[str, Any]) -> None:
        for source in FeedSource.objects.order_by("name"):
            last = source.runs.order_by("-started_at").first()
            state = "never harvested"
            if last is not None:
                state = f"{last.status} {last.started_at:%Y-%m-%d %H:%M}"
                if last.status == HarvestStatus.SUCCEEDED:
                    state += f" ({run_summary(last)})"
            enabled = "" if source.enabled else " [disabled]"
            self.stdout.write(f"{source.name}{enabled}: {source.url} — {state}")
            if source.last_error:
                self.stdout.write(f"  last error: {source.last_error}")

    def _run(self, options: dict[str, Any]) -> None:
        from linkwell.directory.harvest.runs import harvest_feed

        source = _source(options["source"])
        with audit_context(channel=Channel.COMMAND):
            run = harvest_feed(
                source=source,
                full=True if options["full"] else None,
                on_progress=lambda message: step(message, options=options, stream=self.stderr),
            )
        for warning in run.warnings:
            self.stderr.write(f"warning: {warning}")
        if run.status != HarvestStatus.SUCCEEDED:
            raise CommandError(f"Harvest of {source.name} failed; nothing changed. {run.error}")
        kind = "full" if run.full else "incremental"
        self.stdout.write(
            f"Harvested {source.name} ({kind}, {run.pages} page(s), {run.records} record(s)): "
            f"{run_summary(run)}."
        )
        for label in ("created", "updated", "withdrawn"):
            for item in run.changes.get(label, []):
                self.stdout.write(f"  {label}: {item['name']} ({item['id']})")

    def _due(self, options: dict[str, Any]) -> None:
        from linkwell.directory.harvest.tasks import harvest_due_feeds

        result = harvest_due_feeds.enqueue()
        self.stdout.write(f"Queued the due harvests ({result.id}); a task worker runs them.")

    def _duplicates(self, options: dict[str, Any]) -> None:
        from django.db import transaction

        from linkwell.directory.harvest.duplicates import flag_duplicates
        from linkwell.directory.models import Service

        with transaction.atomic():
            added = flag_duplicates(Service.objects.exclude(status="defunct"))
        self.stdout.write(
            f"{added} new likely duplicate pair(s); review them at /directory/duplicates/."
        )
