"""The hash chain: `linkwell audit seal` and `linkwell audit verify` catch a changed, a deleted
and an inserted event made with raw SQL and the triggers lifted, and rewritten seals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.chain import seal_events, verify_chain
from linkwell.audit.migrations_sql import (
    install_seal_triggers,
    install_triggers,
    remove_seal_triggers,
    remove_triggers,
)
from linkwell.audit.models import AuditEvent, AuditSeal
from linkwell.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=None,
                    action=AuditAction.DIRECTORY_SERVICE_UPDATED,
                    object_type="service",
                    object_id=str(i),
                    object_repr=f"Service {i}",
                    detail={"n": i, "nested": {"b": 1, "a": [1, 2]}},
                )
            )
    return events


@contextmanager
def _triggers_lifted() -> Iterator[None]:
    """What someone with the database owner's rights could do behind the application (tests
    that use this are marked db_owner: the application role may not, tests/db_roles.py)."""
    with connection.cursor() as cursor:
        remove_triggers(connection.vendor, cursor.execute)
        remove_seal_triggers(connection.vendor, cursor.execute)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            install_triggers(connection.vendor, cursor.execute)
            install_seal_triggers(connection.vendor, cursor.execute)


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _verify_fails(match: str) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("audit", "verify")


def test_a_sealed_trail_verifies_and_prints_its_head(capsys) -> None:
    events = _events(3)
    assert seal_events(delay=dt.timedelta(0)) == 3
    call_command("audit", "verify")
    out = capsys.readouterr().out
    head = AuditSeal.objects.get(event_id=events[-1].id)
    assert f"3 sealed event(s), 0 not sealed yet; head: {events[-1].id}:{head.chain_hash}" in out
    # Sealing again seals nothing new; the chain continues over later events.
    assert seal_events(delay=dt.timedelta(0)) == 0
    _events(2)
    assert seal_events(delay=dt.timedelta(0)) == 2
    assert verify_chain().ok and verify_chain().sealed == 5


def test_only_events_older_than_the_delay_are_sealed() -> None:
    _events(2)
    assert seal_events(delay=dt.timedelta(minutes=10)) == 0
    result = verify_chain()
    assert result.ok and result.unsealed == 2
    later = timezone.now() + dt.timedelta(minutes=11)
    assert seal_events(delay=dt.timedelta(minutes=10), now=later) == 2


@pytest.mark.db_owner
def test_a_changed_event_breaks_the_chain() -> None:
    events = _events(3)
    seal_events(delay=dt.timedelta(0))
    with _triggers_lifted():
        _raw(
            "UPDATE audit_auditevent SET object_repr = 'Nothing to see' WHERE id = %s",
            [events[1].id],
        )
    _verify_fails(f"event {events[1].id} \\(directory.service_updated\\) was changed")


@pytest.mark.db_owner
def test_a_deleted_event_breaks_the_chain() -> None:
    events = _events(3)
    seal_events(delay=dt.timedelta(0))
    with _triggers_lifted():
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    _verify_fails(f"event {events[1].id} was sealed but is missing: it was deleted")


@pytest.mark.db_owner
def test_an_inserted_event_breaks_the_chain() -> None:
    events = _events(3)
    # A gap in the ids, as a rolled-back transaction leaves one.
    with _triggers_lifted():
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    seal_events(delay=dt.timedelta(0))
    assert verify_chain().ok
    _raw(
        "INSERT INTO audit_auditevent (id, uuid, at, kind, actor_label, organisation_label, "
        "action, channel, object_type, object_id, object_repr, person_id, changes, detail, "
        "request_id) VALUES (%s, %s, %s, 'write', '', '', 'forged', 'system', '', '', '', '', "
        "'{}', '{}', '')",
        [events[1].id, "4b5bd0f0-8f0e-4c37-9f57-000000000001", timezone.now()],
    )
    _verify_fails(f"event {events[1].id} \\(forged, .*\\) is among sealed events but has no seal")


@pytest.mark.db_owner
def test_rewritten_seals_are_caught_and_an_anchor_catches_a_recomputed_chain(capsys) -> None:
    events = _events(3)
    seal_events(delay=dt.timedelta(0))
    head = verify_chain()
    anchor = f"{head.head_id}:{head.head_hash}"
    with _triggers_lifted():
        _raw(
            "UPDATE audit_auditseal SET chain_hash = %s WHERE event_id = %s",
            ["f" * 64, events[0].id],
        )
    _verify_fails(f"the seal of event {events[0].id} does not follow")

    # Someone rewrites an event and recomputes every seal after it: the chain is consistent
    # again, but no longer passes through the head recorded outside the database.
    with _triggers_lifted():
        _raw(
            "UPDATE audit_auditevent SET object_repr = 'Nothing to see' WHERE id = %s",
            [events[0].id],
        )
        _raw("DELETE FROM audit_auditseal")
    seal_events(delay=dt.timedelta(0))
    call_command("audit", "verify")
    with pytest.raises(
        CommandError, match=f"the chain at event {events[-1].id} is not the recorded head"
    ):
        call_command("audit", "verify", "--anchor", anchor)


def test_a_bad_anchor_is_refused_with_its_shape() -> None:
    with pytest.raises(CommandError, match="give it as EVENT_ID:HASH"):
        call_command("audit", "verify", "--anchor", "12")


def test_seals_are_append_only() -> None:
    _events(1)
    seal_events(delay=dt.timedelta(0))
    for sql in ("UPDATE audit_auditseal SET row_hash = 'x'", "DELETE FROM audit_auditseal"):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            _raw(sql)
    assert AuditSeal.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="REPLACE is SQLite's")
def test_replace_into_cannot_rewrite_the_trail_on_sqlite() -> None:
    events = _events(2)
    for verb in ("REPLACE", "INSERT OR REPLACE"):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            _raw(
                f"{verb} INTO audit_auditevent (id, uuid, at, kind, actor_label, "  # noqa: S608
                "organisation_label, action, channel, object_type, object_id, object_repr, "
                "person_id, changes, detail, request_id) SELECT id, uuid, at, kind, actor_label, "
                "organisation_label, 'rewritten', channel, object_type, object_id, object_repr, "
                "person_id, changes, detail, request_id FROM audit_auditevent WHERE id = %s",
                [events[0].id],
            )
    assert AuditEvent.objects.get(pk=events[0].id).action == "directory.service_updated"
    assert AuditEvent.objects.count() == 2
