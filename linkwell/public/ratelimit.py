"""Per-IP rate limits for the public forms: the self-referral page's mechanism
(`referrals.views._over_rate_limit`: a counter per address in the cache, for an hour) with a
key and a limit per page, so one page's traffic never uses up another's allowance."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60 * 60


def over_rate_limit(request: HttpRequest, scope: str, *, setting: str, default: int) -> bool:
    """Count this request against the caller's address; True once it is over the hourly limit
    (`settings.<setting>`, else `default`)."""
    limit = int(getattr(settings, setting, default))
    key = f"linkwell:{scope}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > limit
