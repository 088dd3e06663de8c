"""The shared cache: Django's database cache (the default, table `linkwell_cache`, created by
migration `core.0001_cache_table`), or Redis when LINKWELL_REDIS_URL is set (config/settings.py).

Every gunicorn worker and the task worker then see the same counters: the public forms' and
sign-in's per-client limits (`linkwell.core.ratelimit`) and the used form tokens
(`linkwell.core.formtoken`). A per-process cache would give each worker its own allowance.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone

TABLE = "linkwell_cache"


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache with an atomic `incr` that keeps the entry's expiry.

    Django's own `incr` reads, adds and writes the value back with `set`: two workers counting
    at once can both read 4 and write 5, and `set` restarts the entry's lifetime at the default
    timeout, so an hour's window would end five minutes after the last request. Here the read
    and the write happen in one transaction holding the row (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), and only the value changes.
    `linkwell.core.ratelimit.rate_limit_count` depends on both."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "  # noqa: S608 (quoted names only)
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = connection.ops.process_clob(row[0])
            new_value = pickle.loads(base64.b64decode(value.encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode(
                "latin1"
            )
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return int(new_value)

    def decr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self.incr(key, -delta, version=version)
