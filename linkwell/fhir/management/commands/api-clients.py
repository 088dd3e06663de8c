"""`linkwell api-clients create|revoke|list`: FHIR API clients (thin wrapper over
linkwell/fhir/services/clients.py).

`create --name NAME --organisation ODS_CODE [--scopes "referrals.write referrals.read"]`
prints the client id and secret once: only the secret's hash is kept, so it cannot be shown
again (revoke the client and create another if it is lost).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed
from linkwell.fhir.models import ApiClient
from linkwell.fhir.scopes import ALL_SCOPES, REFERRALS_READ, REFERRALS_WRITE
from linkwell.fhir.services import api_client_create, api_client_revoke

DEFAULT_SCOPES = f"{REFERRALS_WRITE} {REFERRALS_READ}"


def _problems(exc: ValidationFailed) -> str:
    return "; ".join(m for messages in exc.errors.values() for m in messages)


class Command(BaseCommand):
    help = "FHIR API clients: `linkwell api-clients create|revoke|list`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create",
            help="Create a client for an organisation; prints its id and secret once.",
        )
        create.add_argument("--name", required=True, help="E.g. 'EMIS Web at Caxton Surgery'.")
        create.add_argument(
            "--organisation",
            required=True,
            metavar="ODS_CODE",
            help="The ODS code of the organisation it acts for (`linkwell organisations list`).",
        )
        create.add_argument(
            "--scopes",
            default=DEFAULT_SCOPES,
            help=f"Space-separated, from: {' '.join(ALL_SCOPES)} (default: {DEFAULT_SCOPES}).",
        )
        create.add_argument("--format", choices=["json", "text"], default="text")
        revoke = sub.add_parser("revoke", help="Revoke a client: its tokens stop working now.")
        revoke.add_argument("client_id")
        lst = sub.add_parser("list", help="List the clients (never their secrets).")
        lst.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.COMMAND):
            try:
                if options["action"] == "create":
                    self._create(options)
                elif options["action"] == "revoke":
                    client = api_client_revoke(actor=None, client_id=options["client_id"])
                    self.stdout.write(f"Revoked {client.name} ({client.client_id}).")
                else:
                    self._list(options["format"])
            except ValidationFailed as exc:
                raise CommandError(_problems(exc)) from exc

    def _create(self, options: dict[str, Any]) -> None:
        created = api_client_create(
            actor=None,
            name=options["name"],
            ods_code=options["organisation"],
            scopes=options["scopes"],
        )
        if options["format"] == "json":
            self.stdout.write(
                json.dumps({"client_id": created.client_id, "client_secret": created.client_secret})
            )
            return
        self.stdout.write(
            f"Created {created.client.name} for {created.client.organisation} "
            f"(scopes: {created.client.scopes}).\n"
            f"client_id:     {created.client_id}\n"
            f"client_secret: {created.client_secret}\n"
            "Keep the secret now: it is stored hashed and cannot be shown again."
        )

    def _list(self, fmt: str) -> None:
        rows: list[dict[str, Any]] = [
            {
                "client_id": c.client_id,
                "name": c.name,
                "ods_code": c.organisation.ods_code,
                "organisation": c.organisation.name,
                "scopes": c.scope_list,
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            }
            for c in ApiClient.objects.select_related("application", "organisation")
        ]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("No API clients yet: `linkwell api-clients create --help`.")
        for row in rows:
            state = f"revoked {row['revoked_at'][:10]}" if row["revoked_at"] else "active"
            self.stdout.write(
                f"{row['client_id']}  {row['name']}  {row['ods_code']}  "
                f"{' '.join(row['scopes'])}  {state}"
            )
