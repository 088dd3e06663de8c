"""Shared pytest fixtures: the personas every view test uses (see tests/personas.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# "inside" it unless told this is a test process (tests/browser only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests import db_roles
from tests.personas import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A migrated SQLite database file made once per run (tests/sqlite_template.py): copy it
    (`sqlite_template.copy`) for a test that starts Linkwell in its own processes."""
    from tests import sqlite_template

    base = tmp_path_factory.getbasetemp()
    # Under pytest-xdist each worker has its own directory in the run's: the run's is shared.
    return sqlite_template.template(base if worker_id == "master" else base.parent)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's setup (the owner creates and migrates the test database), then, with
    LINKWELL_TEST_DB_ROLE on PostgreSQL, the tests connect as that application role
    (tests/db_roles.py); the owner drops the database afterwards."""
    role = db_roles.requested_role()
    if role:
        with django_db_blocker.unblock():
            db_roles.enter_app_role(role)
    yield
    with django_db_blocker.unblock():
        db_roles.leave_app_role()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    # Before the test's fixtures open a transaction: tests marked db_owner connect as the owner.
    db_roles.use_owner(item.get_closest_marker("db_owner") is not None)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    yield
    db_roles.use_owner(False)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Every test starts with an empty cache: per-client counts (the public forms' limits, failed
    sign-ins per client) and used form tokens from one test never reach the next."""
    from django.core.cache import cache

    cache.clear()


# The suite runs twice in `make test`: on SQLite, then on PostgreSQL. A test that never touches
# the database (pure scoring, statistics, the population engines, property tests) proves nothing
# new the second time, so the PostgreSQL run leaves those out; everything that uses the database
# (the `db`/`transactional_db` fixtures, the `django_db` mark, live servers, Django TestCases)
# runs on both, except the browser journeys (tests/browser), which run on SQLite only.
# LINKWELL_TEST_ALL_ON_POSTGRES=true runs everything on PostgreSQL too.
_DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    if _DB_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    return cls is not None and issubclass(cls, TransactionTestCase)


_BROWSER_TESTS = Path(__file__).resolve().parent / "tests" / "browser"


def _in_browser(item: pytest.Item) -> bool:
    """The browser journeys (tests/browser) walk pages whose data layer the other tests already
    cover on PostgreSQL: they run once, on SQLite, to keep `make test` short."""
    return _BROWSER_TESTS in Path(str(item.fspath)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    if os.environ.get("LINKWELL_TEST_ALL_ON_POSTGRES", "").lower() in ("1", "true", "yes"):
        return
    keep = [item for item in items if _uses_database(item) and not _in_browser(item)]
    dropped = [item for item in items if not _uses_database(item) or _in_browser(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
