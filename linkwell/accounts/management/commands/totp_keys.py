"""`linkwell totp_keys --new` prints a new key for LINKWELL_TOTP_KEYS; `--rotate` re-encrypts
every stored two-factor secret with the first configured key (linkwell/accounts/secrets.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from linkwell.accounts.models import User
from linkwell.accounts.secrets import SecretKeyError, new_key, rotate_secret
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record


class Command(BaseCommand):
    help = "Make a key for LINKWELL_TOTP_KEYS (--new), or re-encrypt secrets with the first (--rotate)."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--new", action="store_true", help="Print a new Fernet key.")
        group.add_argument(
            "--rotate",
            action="store_true",
            help="Re-encrypt every two-factor secret with the first key in LINKWELL_TOTP_KEYS.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new"]:
            self.stdout.write(new_key())
            return
        count = 0
        try:
            with transaction.atomic():
                users = User.objects.select_for_update().exclude(totp_secret="")
                for user in users.only("pk", "totp_secret"):
                    User.objects.filter(pk=user.pk).update(
                        totp_secret=rotate_secret(user.totp_secret)
                    )
                    count += 1
                audit_record(
                    actor=None,
                    action=AuditAction.TWO_FACTOR_KEYS_ROTATED,
                    object_repr="Two-factor secrets",
                    kind=Kind.SECURITY,
                    detail={"secrets": count},
                )
        except SecretKeyError as exc:
            raise CommandError(f"{exc}. Nothing was changed.") from exc
        self.stdout.write(f"Re-encrypted {count} two-factor secret(s) with the first key.")
