from __future__ import annotations

import pytest
from django.db import transaction

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_record


def test_every_action_has_its_own_value() -> None:
    values = [member.value for member in AuditAction]
    assert len(values) == len(set(values))


def test_every_action_fits_the_column() -> None:
    width = AuditEvent._meta.get_field("action").max_length
    assert width is not None
    assert all(len(member.value) <= width for member in AuditAction)


def test_an_action_is_stored_as_its_plain_value(personas) -> None:
    with transaction.atomic():
        event = audit_record(
            actor=personas.owner,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=personas.provider_org,
        )
    assert AuditEvent.objects.filter(pk=event.pk, action="directory.service_updated").exists()


def test_an_unknown_action_is_refused_before_anything_is_written(personas) -> None:
    with pytest.raises(ValueError, match="unknown action 'service_tampered'"), transaction.atomic():
        audit_record(actor=personas.owner, action="service_tampered", obj=personas.provider_org)  # type: ignore[arg-type]
    assert not AuditEvent.objects.exists()
