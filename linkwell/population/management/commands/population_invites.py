"""`linkwell population_invites exclusions`: the file `linkwell population run --exclude` reads.

    linkwell population_invites exclusions --out FILE [--declined-months N] [--service ORG_UUID]

Writes `pseudo_id,reason` (reason: on_caseload | referred | declined | invited) for people with
an open case, a referral waiting in triage, who declined social prescribing in the last N months
(default 6), or whose invite is waiting for the practice to confirm, using the practices' keyed
hash of the NHS number (linkwell/population/pseudonym.py). People without an NHS number
cannot be excluded this way: their count goes to standard error. The export is an audit event.
"""

from __future__ import annotations

import getpass
import os
import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.accounts.models import Organisation
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed
from linkwell.population.services import exclusions_export


class Command(BaseCommand):
    help = "Invite lists for proactive case finding. `exclusions` writes the exclusions file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exc = sub.add_parser(
            "exclusions",
            help="Write pseudo_id,reason for people on a caseload or who recently declined.",
            description=(
                "Write the CSV pseudo_id,reason of people with an open case or who declined "
                "social prescribing in the last N months, for `linkwell population run "
                "--exclude FILE`. Needs LINKWELL_PSEUDONYM_KEY (the practices' key)."
            ),
        )
        exc.add_argument("--out", required=True, metavar="FILE", help="CSV file to write.")
        exc.add_argument(
            "--declined-months",
            type=int,
            default=6,
            metavar="N",
            help="Leave out people who declined in the last N months (default 6).",
        )
        exc.add_argument(
            "--service", metavar="ORG_UUID", help="Only this link-worker service (default: all)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.COMMAND):
            self._exclusions(options)

    def _exclusions(self, options: dict[str, Any]) -> None:
        service = None
        if options.get("service"):
            try:
                service_id = uuid.UUID(options["service"])
            except ValueError as exc:
                raise CommandError(f"--service {options['service']!r} is not a UUID") from exc
            service = Organisation.objects.filter(uuid=service_id).first()
            if service is None:
                raise CommandError(f"--service {service_id}: no organisation has this id")
        out_path = Path(options["out"])
        if not out_path.parent.exists():
            raise CommandError(f"--out {out_path}: the folder {out_path.parent} does not exist")
        if options["declined_months"] < 0:
            raise CommandError("--declined-months must be 0 or more")
        tmp = out_path.with_name(out_path.name + ".partial")
        try:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                os.chmod(tmp, 0o600)  # pseudonymised personal data: the exporting account only
                found = exclusions_export(
                    out=fh,
                    destination=str(out_path),
                    service=service,
                    declined_months=options["declined_months"],
                    os_user=_os_user(),
                )
        except (ValidationFailed, ImproperlyConfigured) as exc:
            tmp.unlink(missing_ok=True)
            message = (
                "; ".join(m for ms in exc.errors.values() for m in ms)
                if isinstance(exc, ValidationFailed)
                else str(exc)
            )
            raise CommandError(message) from exc
        tmp.replace(out_path)
        self.stderr.write(
            f"Wrote {len(found.rows)} exclusion{'s' if len(found.rows) != 1 else ''} to "
            f"{out_path} ({found.on_caseload} on a caseload, {found.referred} waiting in triage, "
            f"{found.declined} declined in the "
            f"last {options['declined_months']} months, {found.invited} waiting for their "
            "practice to confirm)."
        )
        if found.without_nhs_number:
            n = found.without_nhs_number
            self.stderr.write(
                f"{n} {'person' if n == 1 else 'people'} to exclude "
                f"{'has' if n == 1 else 'have'} no NHS number and cannot be excluded this way: "
                "check the invite list for them by hand."
            )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
