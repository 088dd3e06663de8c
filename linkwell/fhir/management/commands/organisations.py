"""`linkwell organisations list [--kind gp-practice] --format json`: organisations and their
ODS codes, so a deployer can find the code an API client (`linkwell api-clients create`) acts
for. Read-only."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwell.accounts.models import Organisation, OrganisationKind

# On the command line kinds are spelt with hyphens (gp-practice); stored with underscores.
KINDS = {value.replace("_", "-"): value for value in OrganisationKind.values}


class Command(BaseCommand):
    help = "Organisations and their ODS codes: `linkwell organisations list`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="List active organisations (name, kind, ODS code).")
        lst.add_argument("--kind", choices=sorted(KINDS), help="Only this kind.")
        lst.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        orgs = Organisation.objects.filter(is_active=True).order_by("name")
        if options["kind"]:
            orgs = orgs.filter(kind=KINDS[options["kind"]])
        rows = [
            {"ods_code": o.ods_code, "name": o.name, "kind": o.kind.replace("_", "-")} for o in orgs
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['ods_code'] or '-':<10} {row['kind']:<22} {row['name']}")
