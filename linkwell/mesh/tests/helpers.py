"""Test helpers: Linkwell pointed at the local MESH server, and a practice reading its inbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from linkwell.casework.models import MessageBackLetter
from linkwell.mesh.tests.sandbox import MeshSandbox


@dataclass(frozen=True)
class Received:
    message_id: str
    local_id: str
    workflow_id: str
    filename: str
    body: bytes


def use_sandbox(settings: Any, sandbox: MeshSandbox, **overrides: Any) -> None:
    settings.MESH = {
        **settings.MESH,
        **sandbox.settings(),
        "MAX_ATTEMPTS": 3,
        "RETRY_SECONDS": 60,
        **overrides,
    }


def inbox_for(
    sandbox: MeshSandbox, mailbox: str, letter: MessageBackLetter, *, acknowledge: bool = False
) -> list[Received]:
    """What `mailbox` has received about this letter (other tests' messages left aside): the
    PDF first, then the FHIR document."""
    received = []
    with sandbox.client(mailbox) as client:
        for message_id in client.list_messages():
            message = client.retrieve_message(message_id)
            local_id = str(message.local_id or "")
            if local_id.startswith(str(letter.uuid)):
                received.append(
                    Received(
                        message_id=message_id,
                        local_id=local_id,
                        workflow_id=str(message.workflow_id),
                        filename=str(message.filename),
                        body=message.read(),
                    )
                )
                if acknowledge:
                    message.acknowledge()
            message.close()
    return sorted(received, key=lambda r: (r.local_id.endswith("-document"), r.local_id))


def next_day(letter: MessageBackLetter) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(letter.written_on + dt.timedelta(days=1), dt.time(0, 5))
    )
