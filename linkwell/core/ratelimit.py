"""Per-client rate limits for the public forms (self-referral, community suggestions, "What
could help me?"): a counter per client address and page in the cache, for an hour, so one
page's traffic never uses up another's allowance. The counter is shared across workers when
the cache is; with the per-process local-memory default it still stops a single flood.

Behind a reverse proxy every request comes from the proxy's address, so all clients would share
one allowance. `client_address` takes the client from X-Forwarded-For, but only when the direct
peer is one of `settings.TRUSTED_PROXIES` (LINKWELL_TRUSTED_PROXIES): anyone can send that
header, so from any other peer it is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60 * 60

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks() -> list[Network]:
    return [ipaddress.ip_network(str(n), strict=False) for n in settings.TRUSTED_PROXIES]


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request`.

    The direct peer (REMOTE_ADDR), unless it is a trusted proxy: then the right-most address in
    X-Forwarded-For that is not a trusted proxy. Each proxy appends the address it received the
    request from, so entries right of that one were written by our proxies and entries left of
    it by the client, who can put anything there."""
    peer = str(request.META.get("REMOTE_ADDR", ""))
    networks = _networks()
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    # Every hop is one of our proxies (a request from inside): the first is the origin.
    return hops[0] if hops else peer


def _key(request: HttpRequest, scope: str) -> str:
    return f"linkwell:{scope}:{client_address(request)}"


def _limit(setting: str, default: int) -> int:
    return int(getattr(settings, setting, default))


def rate_limit_count(request: HttpRequest, scope: str) -> int:
    """Count one use of `scope` by this request's client (`client_address`); return the count
    for the current hour."""
    key = _key(request, scope)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def rate_limit_reached(request: HttpRequest, scope: str, *, setting: str, default: int) -> bool:
    """True when this request's client has already used its hourly allowance for `scope`
    (`settings.<setting>`, else `default`). Counts nothing: for limits on what succeeded (an
    accepted form), where the view calls `rate_limit_count` only after success, so mistakes
    a person corrects never use up their allowance."""
    return int(cache.get(_key(request, scope), 0)) >= _limit(setting, default)


def over_rate_limit(request: HttpRequest, scope: str, *, setting: str, default: int) -> bool:
    """Count this request against its client (`client_address`) for `scope`; True once it is
    over the hourly limit (`settings.<setting>`, else `default`)."""
    return rate_limit_count(request, scope) > _limit(setting, default)
