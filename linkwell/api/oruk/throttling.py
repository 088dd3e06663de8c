"""Per-client rate limit for the keyless ORUK API (scope `oruk`).

Keyed on the client address for everyone, signed in or not: the API has no keys and no sessions,
so the only fair unit is the caller. The rate is read on every request (not at import, as DRF's
`SimpleRateThrottle.THROTTLE_RATES` class attribute is) so `override_settings` in tests and a
changed `LINKWELL_ORUK_THROTTLE` take effect. Counts live in the default cache; with several
processes behind a proxy, configure a shared cache and `NUM_PROXIES` so the address is right.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class OrukRateThrottle(SimpleRateThrottle):
    scope = "oruk"

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
