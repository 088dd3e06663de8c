"""`linkwell mesh mailbox set|list|remove`: which practices get messages back over MESH."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent, Channel
from linkwell.mesh.models import PracticeMailbox
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("mesh", *args, stdout=out)
    return out.getvalue()


def test_setting_a_practice_mailbox_is_listed_and_audited(personas: Personas) -> None:
    ods = personas.practice.ods_code
    said = _run("mailbox", "set", "--organisation", ods.lower(), "--mailbox", "a81001hc01")
    assert "A81001HC01" in said
    listed = json.loads(_run("mailbox", "list", "--format", "json"))
    assert listed == [
        {"ods_code": ods, "organisation": personas.practice.name, "mailbox": "A81001HC01"}
    ]
    event = AuditEvent.objects.get(action=AuditAction.MESH_MAILBOX_SET)
    assert event.channel == Channel.COMMAND
    assert event.changes == {"mailbox_id": ["", "A81001HC01"]}

    _run("mailbox", "set", "--organisation", ods, "--mailbox", "A81001HC02")
    assert PracticeMailbox.objects.get().mailbox_id == "A81001HC02"
    assert "printable letter again" in _run("mailbox", "remove", "--organisation", ods)
    assert not PracticeMailbox.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.MESH_MAILBOX_REMOVED).count() == 1


def test_a_malformed_mailbox_id_is_refused_and_changes_nothing(personas: Personas) -> None:
    with pytest.raises(CommandError, match="is not a MESH mailbox id"):
        _run("mailbox", "set", "--organisation", personas.practice.ods_code, "--mailbox", "a b")
    assert not PracticeMailbox.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MESH_MAILBOX_SET).exists()


def test_an_unknown_ods_code_is_refused(personas: Personas) -> None:
    with pytest.raises(CommandError, match="No active organisation has ODS code 'Z99999'"):
        _run("mailbox", "set", "--organisation", "Z99999", "--mailbox", "Z99999HC01")
