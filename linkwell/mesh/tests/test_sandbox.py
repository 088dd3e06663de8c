from __future__ import annotations

from linkwell.mesh.tests.sandbox import LINKWELL_MAILBOX, PRACTICE_MAILBOX, MeshSandbox


def test_a_message_sent_by_linkwell_is_in_the_practice_inbox(mesh_sandbox: MeshSandbox) -> None:
    with mesh_sandbox.client(LINKWELL_MAILBOX) as sender:
        message_id = sender.send_message(PRACTICE_MAILBOX, b"hello", workflow_id="TEST")
    with mesh_sandbox.client(PRACTICE_MAILBOX) as practice:
        assert message_id in practice.list_messages()
        assert practice.retrieve_message(message_id).read() == b"hello"
