"""`linkwell createsuperuser`: Django's name for `createadmin` (createadmin.py).

Replaces Django's own command, which saved the user directly: no audit event, and with
--no-input no password rules. This one checks the rules, makes a platform administrator
(staff, superuser, ADMINISTRATOR membership) and audits it on the `command` channel. It reads
Django's DJANGO_SUPERUSER_PASSWORD / DJANGO_SUPERUSER_EMAIL with --no-input, as Django's did.
"""

from __future__ import annotations

from linkwell.accounts.management.commands import createadmin


class Command(createadmin.Command):
    help = (
        "Create a platform administrator (the same as createadmin; prompts for a password, or "
        "reads $DJANGO_SUPERUSER_PASSWORD with --no-input)."
    )
    password_envs = ("DJANGO_SUPERUSER_PASSWORD", createadmin.PASSWORD_ENV)
    email_envs = ("DJANGO_SUPERUSER_EMAIL",)
