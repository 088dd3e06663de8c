"""`linkwell createadmin`: create a platform administrator (e.g. the first one of a deployment).

The administrator is staff and superuser, and holds the ADMINISTRATOR role in the platform
operator organisation, so the admin at /admin/ lets them in. The password must pass the
strength rules in settings.AUTH_PASSWORD_VALIDATORS; it is read from a prompt, or with
--no-input from the environment variable LINKWELL_ADMIN_PASSWORD (never from the command line,
where it would land in shell history and the process list). Audited on the `command` channel.

`linkwell createsuperuser` (createsuperuser.py) is this command under Django's name.
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


def validation_problems(exc: ValidationFailed) -> str:
    return "\n".join(f"  {field}: {msg}" for field, msgs in exc.errors.items() for msg in msgs)


def prompt_new_password(*, nothing_done: str) -> str:
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise CommandError(f"The two passwords were not the same. {nothing_done}")
    return password


class Command(BaseCommand):
    help = "Create a platform administrator who can sign in to /admin/ (prompts for a password)."
    # Where --no-input looks for the password and the email, first match wins.
    password_envs: tuple[str, ...] = (PASSWORD_ENV,)
    email_envs: tuple[str, ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--email", required=not self.email_envs, help="Their sign-in email address."
        )
        parser.add_argument("--full-name", default="", help="Their name, as shown to others.")
        parser.add_argument(
            # Both spellings and the dest Django's own commands use, so scripts written for
            # Django's createsuperuser (and call_command(..., interactive=False)) still work.
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt: read the password from ${self.password_envs[0]}.",
        )

    def _from_env(self, names: tuple[str, ...]) -> str:
        return next((os.environ[n] for n in names if os.environ.get(n)), "")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"] or self._from_env(self.email_envs)
        if not email:
            raise CommandError(f"Give --email (or set ${self.email_envs[0]}).")
        if options["interactive"]:
            password = prompt_new_password(nothing_done="Nothing was created.")
        else:
            password = self._from_env(self.password_envs)
            if not password:
                raise CommandError(f"--no-input needs the password in ${self.password_envs[0]}.")
        with audit_context(channel=Channel.COMMAND):
            try:
                user = administrator_create(
                    actor=None, email=email, password=password, full_name=options["full_name"]
                )
            except ValidationFailed as exc:
                raise CommandError("Nothing was created:\n" + validation_problems(exc)) from exc
        self.stdout.write(
            f"Created administrator {user.email}. They can sign in at /accounts/login/ and "
            "manage organisations and memberships at /admin/."
        )
