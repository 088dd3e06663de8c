"""Strict environment helpers: a malformed value stops start-up with a message naming it.

Every variable read here is listed in `.env.example` (kept in step by
`linkwell/core/tests/test_env.py`).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse


class EnvError(ValueError):
    """Raised at start-up when an environment variable is malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise EnvError(f"{name}={raw!r} is not a whole number") from exc
    if minimum is not None and value < minimum:
        raise EnvError(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class DatabaseUrl:
    engine: str
    name: str
    user: str
    password: str
    host: str
    port: str
    options: dict[str, str]


def parse_database_url(raw: str) -> DatabaseUrl:
    """Parse `postgres://user:pass@host:port/dbname` (also `postgresql://`) or `sqlite:///path`."""
    parsed = urlparse(raw)
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise EnvError(f"DATABASE_URL {raw!r} names no database")
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return DatabaseUrl(
            engine="django.db.backends.postgresql",
            name=name,
            user=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            host=parsed.hostname or "",
            port=str(parsed.port or ""),
            options=options,
        )
    if parsed.scheme == "sqlite":
        path = raw[len("sqlite:///") :] if raw.startswith("sqlite:///") else ""
        if not path:
            raise EnvError(f"DATABASE_URL {raw!r}: use sqlite:///relative/or/absolute/path.sqlite3")
        return DatabaseUrl("django.db.backends.sqlite3", path, "", "", "", "", {})
    raise EnvError(
        f"DATABASE_URL {raw!r} has an unsupported scheme {parsed.scheme!r} "
        "(use postgres:// or sqlite:///)"
    )


def env_int_list(name: str, default: list[int], *, minimum: int | None = None) -> list[int]:
    """Comma-separated whole numbers, e.g. `28,91,182,365`; a malformed item stops start-up."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    values: list[int] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            value = int(item)
        except ValueError as exc:
            raise EnvError(f"{name}={raw!r}: {item!r} is not a whole number") from exc
        if minimum is not None and value < minimum:
            raise EnvError(f"{name}={raw!r}: {value} is below the minimum of {minimum}")
        values.append(value)
    return values


def parse_ip_networks(
    name: str, values: list[str]
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Addresses or CIDR ranges (`10.0.0.0/8`, `192.0.2.10`, `::1`); a malformed one stops
    start-up naming the variable."""
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as exc:
            raise EnvError(f"{name}: {value!r} is not an IP address or CIDR range") from exc
    return networks


def parse_proxy_ssl_header(name: str, raw: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto: https` (the header a TLS-terminating proxy sets, and the value that
    means HTTPS) as Django's SECURE_PROXY_SSL_HEADER, `("HTTP_X_FORWARDED_PROTO", "https")`;
    empty: None (no proxy header is trusted)."""
    if not raw.strip():
        return None
    header, sep, value = raw.partition(":")
    header, value = header.strip(), value.strip()
    if not sep or not header or not value or not header.replace("-", "").isalnum():
        raise EnvError(f"{name}={raw!r} is not a header and value like 'X-Forwarded-Proto: https'")
    return "HTTP_" + header.upper().replace("-", "_"), value


def cache_settings(name: str, redis_url: str) -> dict[str, object]:
    """The default cache: Redis at `redis_url` (redis://, rediss:// or unix://) when it is set,
    else the database cache (linkwell/core/cache.py). Redis needs the optional `redis` package;
    without it start-up stops with the command that installs it."""
    if not redis_url.strip():
        # Django culls a third of the table once it holds MAX_ENTRIES (default 300): a flood of
        # made-up client addresses would then wipe counters and used form tokens.
        return {
            "BACKEND": "linkwell.core.cache.DatabaseCache",
            "LOCATION": "linkwell_cache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    scheme = urlparse(redis_url).scheme
    if scheme not in ("redis", "rediss", "unix"):
        raise EnvError(f"{name}: use a redis://, rediss:// or unix:// URL (got scheme {scheme!r})")
    if importlib.util.find_spec("redis") is None:
        raise EnvError(
            f'{name} is set but the redis package is not installed: pip install "linkwell[redis]"'
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url.strip(),
        "KEY_PREFIX": "linkwell",
    }
