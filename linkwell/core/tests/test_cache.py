"""The shared cache: one count for every worker, its table made by `linkwell migrate`, and Redis
chosen by LINKWELL_REDIS_URL (with a clear message when the package is missing)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory

from linkwell.core import ratelimit
from linkwell.core.cache import TABLE, DatabaseCache
from linkwell.core.env import EnvError, cache_settings
from linkwell.core.tests.test_settings import ROOT

EXPIRES_SQL = "SELECT expires FROM linkwell_cache WHERE cache_key = %s"
DATABASE_CACHE = {
    "BACKEND": "linkwell.core.cache.DatabaseCache",
    "LOCATION": TABLE,
    "OPTIONS": {"MAX_ENTRIES": 1_000_000},
}


def _worker() -> DatabaseCache:
    """A new cache client, as each gunicorn worker process makes its own."""
    client = caches.create_connection("default")
    assert isinstance(client, DatabaseCache)
    return client


@pytest.mark.django_db
def test_the_migrations_make_the_cache_table() -> None:
    assert TABLE in connection.introspection.table_names()


@pytest.mark.django_db
def test_two_workers_share_one_count_for_a_client(settings, monkeypatch) -> None:
    settings.CACHES = {"default": DATABASE_CACHE}
    settings.LINKWELL_TEST_PER_HOUR = 3
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    first, second = _worker(), _worker()
    assert first is not second
    answers = []
    for client in (first, second, first, second):
        monkeypatch.setattr(ratelimit, "cache", client)
        answers.append(
            ratelimit.over_rate_limit(request, "test", setting="LINKWELL_TEST_PER_HOUR", default=3)
        )
    # Each worker alone has seen only two requests; together they have seen four.
    assert answers == [False, False, False, True]
    assert second.get("linkwell:test:198.51.100.7") == 4


@pytest.mark.django_db
def test_counting_keeps_the_hours_expiry_and_refuses_a_missing_key(settings) -> None:
    settings.CACHES = {"default": DATABASE_CACHE}
    client = _worker()
    client.add("counter", 0, timeout=3600)
    with connection.cursor() as cursor:
        cursor.execute(EXPIRES_SQL, [":1:counter"])
        before = cursor.fetchone()[0]
    assert client.incr("counter") == 1
    assert client.incr("counter", 5) == 6
    assert client.decr("counter") == 5
    with connection.cursor() as cursor:
        cursor.execute(EXPIRES_SQL, [":1:counter"])
        assert cursor.fetchone()[0] == before
    with pytest.raises(ValueError, match="not found"):
        client.incr("never-set")


@pytest.mark.django_db(transaction=True)
def test_workers_counting_at_once_lose_no_count(settings) -> None:
    if connection.vendor == "sqlite":
        # The in-memory test database has no busy wait (the file database's 20 s timeout).
        pytest.skip("runs on PostgreSQL")
    settings.CACHES = {"default": DATABASE_CACHE}
    _worker().add("busy", 0, timeout=3600)
    errors: list[BaseException] = []

    def count() -> None:
        try:
            client = _worker()
            for _ in range(10):
                client.incr("busy")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _worker().get("busy") == 40


def test_without_a_redis_url_the_database_holds_the_cache() -> None:
    assert cache_settings("LINKWELL_REDIS_URL", "") == DATABASE_CACHE


def test_a_redis_url_selects_redis(monkeypatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert cache_settings("LINKWELL_REDIS_URL", "redis://cache:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache:6379/1",
        "KEY_PREFIX": "linkwell",
    }


def test_a_redis_url_without_the_package_stops_start_up_saying_how_to_install_it(
    monkeypatch,
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EnvError, match=r'pip install "linkwell\[redis\]"'):
        cache_settings("LINKWELL_REDIS_URL", "redis://cache:6379/1")


def test_a_url_that_is_not_redis_stops_start_up() -> None:
    with pytest.raises(EnvError, match="LINKWELL_REDIS_URL: use a redis://"):
        cache_settings("LINKWELL_REDIS_URL", "memcached://cache:11211")


def _real_settings_caches(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LINKWELL_")}
    clean |= {"DATABASE_URL": "", "LINKWELL_SQLITE_PATH": ":memory:", "PYTHONPATH": str(ROOT)}
    clean |= {"LINKWELL_SECRET_KEY": "k" * 50} | env
    script = "import json, config.settings as s; print(json.dumps(s.CACHES))"
    return subprocess.run(
        [sys.executable, "-c", script], env=clean, cwd=ROOT, capture_output=True, text=True
    )


def test_the_real_settings_use_the_shared_cache() -> None:
    result = _real_settings_caches()
    assert json.loads(result.stdout) == {"default": DATABASE_CACHE}
    redis = _real_settings_caches(LINKWELL_REDIS_URL="redis://cache:6379/0")
    if importlib.util.find_spec("redis") is None:
        assert 'pip install "linkwell[redis]"' in redis.stderr
    else:
        assert json.loads(redis.stdout)["default"]["LOCATION"] == "redis://cache:6379/0"
