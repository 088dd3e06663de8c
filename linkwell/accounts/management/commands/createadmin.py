"""`linkwell createadmin`: create a platform administrator (e.g. the first one of a deployment).

The administrator is staff and superuser, and holds the ADMINISTRATOR role in the platform
operator organisation, so the admin at /admin/ lets them in. The password must pass the
strength rules in settings.AUTH_PASSWORD_VALIDATORS; it is read from a prompt, or with
--no-input from the environment variable LINKWELL_ADMIN_PASSWORD (never from the command line,
where it would land in shell history and the process list).
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.accounts.services import administrator_create
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed

PASSWORD_ENV = "LINKWELL_ADMIN_PASSWORD"  # noqa: S105 (a variable name, not a secret)


class Command(BaseCommand):
    help = "Create a platform administrator who can sign in to /admin/ (prompts for a password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="Their sign-in email address.")
        parser.add_argument("--full-name", default="", help="Their name, as shown to others.")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help=f"Do not prompt: read the password from ${PASSWORD_ENV}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["no_input"]:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(f"--no-input needs the password in ${PASSWORD_ENV}.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords were not the same. Nothing was created.")
        with audit_context(channel=Channel.COMMAND):
            try:
                user = administrator_create(
                    actor=None,
                    email=options["email"],
                    password=password,
                    full_name=options["full_name"],
                )
            except ValidationFailed as exc:
                problems = [
                    f"  {field}: {msg}" for field, msgs in exc.errors.items() for msg in msgs
                ]
                raise CommandError("Nothing was created:\n" + "\n".join(problems)) from exc
        self.stdout.write(
            f"Created administrator {user.email}. They can sign in at /accounts/login/ and "
            "manage organisations and memberships at /admin/."
        )
