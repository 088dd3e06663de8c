from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent, AuditImmutableError
from linkwell.audit.services import audit_record


@pytest.fixture
def event(personas) -> AuditEvent:
    with transaction.atomic():
        return audit_record(
            actor=personas.owner,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=personas.provider_org,
        )


def test_it_refuses_to_update_an_event(event: AuditEvent) -> None:
    event.action = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")


def test_it_refuses_to_delete_an_event(event: AuditEvent) -> None:
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


def test_the_database_itself_rejects_raw_updates_and_deletes(event: AuditEvent) -> None:
    for sql in (
        "UPDATE audit_auditevent SET action = 'tampered'",
        "DELETE FROM audit_auditevent",
    ):
        with (
            pytest.raises((IntegrityError, DatabaseError)),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "directory.service_updated"


@pytest.mark.django_db(transaction=True)
def test_a_write_audit_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the write's transaction"):
        audit_record(
            actor=None, action=AuditAction.DIRECTORY_SERVICE_UPDATED, object_type="t", object_id="1"
        )
    assert not AuditEvent.objects.exists()


def test_it_records_who_what_and_the_changed_values(personas) -> None:
    with transaction.atomic():
        ev = audit_record(
            actor=personas.owner,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=personas.provider_org,
            organisation=personas.provider_org,
            changes={"name": ["Old", "New"]},
        )
    ev.refresh_from_db()
    assert ev.actor_label == "owner@shed.example"
    assert ev.organisation_label == "Oswestry Men's Shed"
    assert ev.object_type == "accounts.organisation"
    assert ev.object_id == str(personas.provider_org.uuid)
    assert ev.changes == {"name": ["Old", "New"]}
    assert ev.channel == "system"
