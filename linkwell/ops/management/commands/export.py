"""`linkwell export --nhs-number N | --person UUID [--out DIR] [--requested-by NAME]`: a subject
access export (JSON and PDF) of everything Linkwell holds about one person.

See docs/runbooks/subject-access-and-retention.md. The export is recorded in the audit trail in
the same transaction as its reads; an unknown or malformed NHS number exits 1 with a message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.ops.subject_access import SubjectAccessError, subject_access_export
from linkwell.ops.subject_access_pdf import export_pdf


class Command(BaseCommand):
    help = (
        "Subject access: write everything Linkwell holds about one person (their record, "
        "referrals, cases, notes, measures, connections, volunteering, consents and who read "
        "the record) as JSON and PDF, for the data protection officer to review and release."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--nhs-number", metavar="N", help="The person's NHS number (10 digits).")
        who.add_argument("--person", metavar="UUID", help="The person record's id.")
        parser.add_argument(
            "--out",
            metavar="DIR",
            type=Path,
            default=Path.cwd(),
            help="The folder to write the two files to (default: the current folder).",
        )
        parser.add_argument(
            "--requested-by",
            metavar="NAME",
            default="",
            help="Who is handling the request (recorded in the audit trail and the PDF).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if not out.is_dir():
            raise CommandError(f"--out {out}: the folder does not exist.")
        try:
            export = subject_access_export(
                nhs_number=options.get("nhs_number"),
                person_uuid=options.get("person"),
                requested_by=options["requested_by"],
            )
        except SubjectAccessError as exc:
            raise CommandError(str(exc)) from exc
        stem = f"subject-access-{export.person.uuid}-{export.generated_at:%Y%m%d-%H%M%S}"
        json_path, pdf_path = out / f"{stem}.json", out / f"{stem}.pdf"
        json_path.write_text(
            json.dumps(export.as_json(), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        pdf_path.write_bytes(export_pdf(export))
        for path in (json_path, pdf_path):
            os.chmod(path, 0o600)  # personal data: readable by the exporting account only
        counts = ", ".join(f"{k} {v}" for k, v in export.counts.items() if v)
        self.stdout.write(
            f"Wrote {json_path} and {pdf_path} ({counts}). Review the records marked for review "
            "before release."
        )
