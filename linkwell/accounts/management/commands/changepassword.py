"""`linkwell changepassword EMAIL`: set a user's password from the server.

Replaces Django's own command, which saved the password without an audit event. This one
checks settings.AUTH_PASSWORD_VALIDATORS and goes through `services.user_password_set`, audited
on the `command` channel. The password is read from a prompt, never from the command line.
Setting it signs the user out of their other sessions (Django's session hash changes).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.accounts.management.commands.createadmin import (
    prompt_new_password,
    validation_problems,
)
from linkwell.accounts.selectors import user_by_email_or_id
from linkwell.accounts.services import user_password_set
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = "Set a user's password (prompts for it twice; checks the password rules)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="Their sign-in email address (or user id).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_email_or_id(value=options["user"])
        if user is None:
            raise CommandError(f"There is no user {options['user']!r}. Nothing was changed.")
        self.stdout.write(f"Setting the password for {user.email}.")
        password = prompt_new_password(nothing_done="Nothing was changed.")
        with audit_context(channel=Channel.COMMAND):
            try:
                user_password_set(actor=None, user=user, password=password)
            except ValidationFailed as exc:
                raise CommandError("Nothing was changed:\n" + validation_problems(exc)) from exc
        self.stdout.write(f"Password changed for {user.email}.")
