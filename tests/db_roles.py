"""The PostgreSQL suite as the application role (`LINKWELL_TEST_DB_ROLE=ROLE`, conftest.py).

Production migrates as the owner of the tables and serves as a second role that cannot alter
tables or lift the audit trail's triggers (linkwell/ops/roles.py). With LINKWELL_TEST_DB_ROLE set
on PostgreSQL, each test database (one per pytest-xdist worker) is created and migrated by the
owner, DATABASE_URL's user, as usual; `linkwell db_roles grant ROLE` is applied (the role is
created first if the cluster has none of that name); then every test connects as ROLE. A code
path that needs more than the application role's grants fails here as it would in production.

The owner is kept for two things only:

- the flush after each transactional test, which empties every table including the append-only
  audit tables: the connection logs in as the owner for it and back as the role afterwards
  (linkwell/audit/management/commands/flush.py reads `settings.LINKWELL_TEST_OWNER_LOGIN`);
- tests marked `db_owner`, which do on purpose what only the owner may (create roles, lift the
  audit triggers as an attacker with the owner's password could): their connection is the owner's.
  The mark is for plain pytest tests; a Django TestCase keeps one transaction across its class.

LINKWELL_TEST_DB_ROLE_PASSWORD is the role's password where the server asks for one.
"""

from __future__ import annotations

import os
import re

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from linkwell.ops.roles import grant_app_role

ROLE_ENV = "LINKWELL_TEST_DB_ROLE"
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class _State:
    """Which user the default connection logs in as; one test process, one state."""

    role = ""  # the application role once the test database is granted to it; "" before/after
    owner_user = ""
    owner_password = ""
    want_owner = False  # the running test is marked db_owner


_state = _State()


def requested_role() -> str:
    return os.environ.get(ROLE_ENV, "").strip()


def restricted() -> bool:
    """True while the default connection logs in as the application role (not the owner)."""
    return bool(_state.role) and not _state.want_owner


def _login(*, owner: bool) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    user = _state.owner_user if owner else _state.role
    password = _state.owner_password if owner else os.environ.get(f"{ROLE_ENV}_PASSWORD", "")
    if connection.settings_dict["USER"] == user:
        return
    # The settings dict is shared by every thread's connection (a live server's too).
    connection.close()
    connection.settings_dict["USER"] = user
    connection.settings_dict["PASSWORD"] = password


def enter_app_role(role: str) -> None:
    """After the owner created and migrated the test database: grant it to `role`, log in as it."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return  # SQLite has no roles; the setting only means something on PostgreSQL.
    if not _ROLE.match(role):
        raise RuntimeError(f"{ROLE_ENV}={role!r} is not a plain PostgreSQL role name.")
    with connection.cursor() as cursor:
        # Several test processes may start at once: the second CREATE ROLE loses the race.
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {role} LOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    grant_app_role(connection=connection, role=role)
    _state.owner_user = connection.settings_dict["USER"]
    _state.owner_password = connection.settings_dict["PASSWORD"]
    settings.LINKWELL_TEST_OWNER_LOGIN = {
        "USER": _state.owner_user,
        "PASSWORD": _state.owner_password,
    }
    _state.role = role
    _login(owner=_state.want_owner)


def leave_app_role() -> None:
    """Before the owner drops the test database: log in as the owner again."""
    if not _state.role:
        return
    _login(owner=True)
    settings.LINKWELL_TEST_OWNER_LOGIN = {}
    _state.role = ""


def use_owner(want: bool) -> None:
    """Before a test's fixtures: the owner for a `db_owner` test, the application role otherwise."""
    _state.want_owner = want
    if _state.role:
        _login(owner=want)
