"""The SQLite settings give every connection a busy timeout: a second writer waits for the lock
(as the web process does while the worker or an import writes) instead of failing at once."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

import config.settings as production_settings

SQLITE = "django.db.backends.sqlite3"


def sqlite_connection(path: Path, *, timeout: float | None = None) -> BaseDatabaseWrapper:
    """A connection built from the production SQLite settings, on a throwaway file."""
    if production_settings.DATABASES["default"]["ENGINE"] != SQLITE:
        pytest.skip("the suite runs on PostgreSQL")
    config: dict[str, Any] = copy.deepcopy(production_settings.DATABASES["default"])
    config["NAME"] = str(path)
    if timeout is not None:
        config["OPTIONS"]["timeout"] = timeout
    return ConnectionHandler({"default": config})["default"]


@pytest.fixture
def unblocked(django_db_blocker: Any) -> Iterator[None]:
    """These connections go to their own throwaway file, not the test database."""
    with django_db_blocker.unblock():
        yield


def test_the_sqlite_settings_set_a_busy_timeout_of_several_seconds() -> None:
    if production_settings.DATABASES["default"]["ENGINE"] != SQLITE:
        pytest.skip("the suite runs on PostgreSQL")
    options = cast(dict[str, Any], production_settings.DATABASES["default"]["OPTIONS"])
    assert options["timeout"] >= 5


def test_a_second_writer_waits_for_the_write_lock_instead_of_failing(
    tmp_path: Path, unblocked: None
) -> None:
    path = tmp_path / "busy.sqlite3"
    holder = sqlite_connection(path)
    waiter = sqlite_connection(path)
    try:
        with holder.cursor() as cursor:
            cursor.execute("CREATE TABLE note (body TEXT)")
        holder.connection.execute("BEGIN IMMEDIATE")
        holder.connection.execute("INSERT INTO note VALUES ('first')")
        release = threading.Timer(0.5, holder.connection.commit)
        started = time.monotonic()
        release.start()
        with waiter.cursor() as cursor:
            cursor.execute("INSERT INTO note VALUES ('second')")
        waited = time.monotonic() - started
        release.join()
        with waiter.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM note")
            assert cursor.fetchone() == (2,)
        assert waited >= 0.4
    finally:
        holder.close()
        waiter.close()


def test_without_a_busy_timeout_the_second_writer_would_fail_at_once(
    tmp_path: Path, unblocked: None
) -> None:
    path = tmp_path / "busy.sqlite3"
    holder = sqlite_connection(path)
    impatient = sqlite_connection(path, timeout=0)
    try:
        with holder.cursor() as cursor:
            cursor.execute("CREATE TABLE note (body TEXT)")
        holder.connection.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked"), impatient.cursor() as cursor:
            cursor.execute("INSERT INTO note VALUES ('second')")
        holder.connection.rollback()
    finally:
        holder.close()
        impatient.close()
