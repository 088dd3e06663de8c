"""`flush` that respects the append-only audit trail.

Django's `flush` empties every table. Outside the test suite it refuses while audit events exist:
wiping the audit trail is not something Linkwell does. The test suite (settings.LINKWELL_TESTING)
needs it between transactional tests, so there the append-only triggers of migration
audit/0002 are lifted for the flush and put back straight after. When the suite runs as the
application role, which may neither truncate the audit tables nor lift their triggers, the
connection logs in as the owner for the flush, `settings.LINKWELL_TEST_OWNER_LOGIN`, and back as
the role after it (tests/db_roles.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

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
        owner = getattr(settings, "LINKWELL_TEST_OWNER_LOGIN", {})
        with _logged_in(connection, owner if options["database"] == DEFAULT_DB_ALIAS else {}):
            with connection.cursor() as cursor:
                remove_triggers(connection.vendor, cursor.execute)
                remove_seal_triggers(connection.vendor, cursor.execute)
            try:
                super().handle(**options)
            finally:
                with connection.cursor() as cursor:
                    install_triggers(connection.vendor, cursor.execute)
                    install_seal_triggers(connection.vendor, cursor.execute)


@contextmanager
def _logged_in(connection: BaseDatabaseWrapper, login: dict[str, str]) -> Iterator[None]:
    """The connection logs in with `login` (USER, PASSWORD) inside the block, if one is given."""
    if not login or connection.settings_dict["USER"] == login["USER"]:
        yield
        return
    before = {key: connection.settings_dict[key] for key in login}
    connection.close()
    connection.settings_dict.update(login)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(before)
