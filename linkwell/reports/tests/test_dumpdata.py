"""`linkwell dumpdata` over every app, on a database with the personas and a case in it."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from linkwell.casework.services.notes import case_note_add
from linkwell.casework.tests.factories import referred_case
from tests.personas import Personas


def test_dumpdata_of_every_app_succeeds_and_includes_the_rows(personas: Personas) -> None:
    case = referred_case(personas)
    case_note_add(actor=personas.link_worker, case=case, text="Met at the library.")
    out = io.StringIO()

    call_command("dumpdata", stdout=out)

    dumped = {row["model"] for row in json.loads(out.getvalue())}
    assert {"casework.case", "casework.casenote", "audit.auditevent", "accounts.user"} <= dumped
