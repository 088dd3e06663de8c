from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_record


def test_flush_refuses_to_wipe_the_audit_trail_outside_tests(personas, settings) -> None:
    settings.LINKWELL_TESTING = False
    with transaction.atomic():
        audit_record(
            actor=personas.owner,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=personas.provider_org,
        )
    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_still_reset_a_database_holding_audit_events(personas) -> None:
    # The flush after this test must succeed with an audit row present (SQLite DELETE and
    # PostgreSQL TRUNCATE are both blocked by the append-only triggers outside the test flush).
    with transaction.atomic():
        audit_record(
            actor=personas.owner,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=personas.provider_org,
        )
    assert AuditEvent.objects.count() == 1
