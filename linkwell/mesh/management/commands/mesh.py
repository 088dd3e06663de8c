"""`linkwell mesh mailbox set|remove|list` and `linkwell mesh deliver` (thin wrappers).

Mailbox changes are audited with the command line as the channel and no user as the actor;
refusals (an unknown ODS code, a malformed mailbox id) exit non-zero and change nothing.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed
from linkwell.mesh.models import PracticeMailbox
from linkwell.mesh.services import mailbox_remove, mailbox_set, organisation_by_ods_code


def _refused(exc: ValidationFailed) -> CommandError:
    return CommandError(" ".join(m for ms in exc.errors.values() for m in ms))


class Command(BaseCommand):
    help = "Practices' MESH mailboxes, and delivery of messages back into the GP record."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        mailbox = sub.add_parser("mailbox", help="Which MESH mailbox an organisation uses.")
        mailbox_sub = mailbox.add_subparsers(dest="mailbox_action", required=True)
        set_ = mailbox_sub.add_parser("set", help="Send an organisation's messages back by MESH.")
        set_.add_argument("--organisation", required=True, metavar="ODS_CODE")
        set_.add_argument("--mailbox", required=True, metavar="MAILBOX_ID")
        remove = mailbox_sub.add_parser("remove", help="Back to the printable letter.")
        remove.add_argument("--organisation", required=True, metavar="ODS_CODE")
        listing = mailbox_sub.add_parser("list", help="Organisations with a MESH mailbox.")
        listing.add_argument("--format", choices=["text", "json"], default="text")
        resend = sub.add_parser(
            "resend", help="Send a letter whose delivery failed again (after fixing the cause)."
        )
        resend.add_argument("--letter", required=True, type=uuid.UUID, metavar="LETTER_ID")
        deliver = sub.add_parser(
            "deliver",
            help="Send messages back that are due and check sent ones arrived (run every few "
            "minutes).",
        )
        deliver.add_argument(
            "--now", action="store_true", help="Work in this process instead of queueing a task."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.COMMAND):
            if options["action"] == "deliver":
                self._deliver(options)
            elif options["action"] == "resend":
                self._resend(options)
            else:
                getattr(self, f"_mailbox_{options['mailbox_action']}")(options)

    def _mailbox_set(self, options: dict[str, Any]) -> None:
        try:
            organisation = organisation_by_ods_code(options["organisation"])
            mailbox = mailbox_set(
                actor=None, organisation=organisation, mailbox_id=options["mailbox"]
            )
        except ValidationFailed as exc:
            raise _refused(exc) from exc
        self.stdout.write(
            f"Messages back to {organisation.name} ({organisation.ods_code}) now go to MESH "
            f"mailbox {mailbox.mailbox_id}."
        )

    def _mailbox_remove(self, options: dict[str, Any]) -> None:
        try:
            organisation = organisation_by_ods_code(options["organisation"])
        except ValidationFailed as exc:
            raise _refused(exc) from exc
        if not mailbox_remove(actor=None, organisation=organisation):
            raise CommandError(f"{organisation.name} has no MESH mailbox.")
        self.stdout.write(f"{organisation.name} gets the printable letter again.")

    def _mailbox_list(self, options: dict[str, Any]) -> None:
        rows = [
            {
                "ods_code": mailbox.organisation.ods_code,
                "organisation": mailbox.organisation.name,
                "mailbox": mailbox.mailbox_id,
            }
            for mailbox in PracticeMailbox.objects.select_related("organisation")
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['ods_code']}\t{row['mailbox']}\t{row['organisation']}")
        if not rows:
            self.stdout.write("No organisation has a MESH mailbox: all get the printable letter.")

    def _resend(self, options: dict[str, Any]) -> None:
        from linkwell.mesh.delivery import resend

        try:
            delivery = resend(actor=None, letter_id=options["letter"])
        except ValidationFailed as exc:
            raise _refused(exc) from exc
        self.stdout.write(f"Queued letter {options['letter']} for MESH mailbox {delivery.mailbox}.")

    def _deliver(self, options: dict[str, Any]) -> None:
        from linkwell.mesh.tasks import deliver_message_backs

        if options["now"]:
            result = deliver_message_backs.call()
            self.stdout.write(
                f"Sent {result['sent']} letter(s); {result['acknowledged']} newly acknowledged."
            )
            return
        queued = deliver_message_backs.enqueue()
        self.stdout.write(f"Queued the MESH delivery task ({queued.id}); a task worker runs it.")
