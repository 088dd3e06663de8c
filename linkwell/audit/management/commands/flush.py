"""`flush` that respects the append-only audit trail.

Django's `flush` empties every table. Outside the test suite it refuses while audit events exist:
wiping the audit trail is not something Linkwell does. The test suite (settings.LINKWELL_TESTING)
needs it between transactional tests, so there the append-only triggers of migration
audit/0002 are lifted for the flush and put back straight after.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from linkwell.audit.migrations_sql import (
    install_seal_triggers,
    install_triggers,
    remove_seal_triggers,
    remove_triggers,
)


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if not getattr(settings, "LINKWELL_TESTING", False):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM audit_auditevent LIMIT 1")
                if cursor.fetchone():
                    raise CommandError(
                        "The audit trail is append-only: flush refuses to empty a database that "
                        "holds audit events. Restore a backup or create a new database instead."
                    )
            return super().handle(**options)
        with connection.cursor() as cursor:
            remove_triggers(connection.vendor, cursor.execute)
            remove_seal_triggers(connection.vendor, cursor.execute)
        try:
            super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                install_triggers(connection.vendor, cursor.execute)
                install_seal_triggers(connection.vendor, cursor.execute)
