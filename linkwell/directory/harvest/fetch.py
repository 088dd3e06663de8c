"""Fetching every page of a remote feed before anything is written.

`fetch_feed` walks `/services?page=N` until the feed says it is the last page, and returns the
decoded pages. Any problem (a bad address, an HTTP error, a timeout, a page that is not JSON or
not a page) raises `HarvestError` with a reason an administrator can act on, naming the page, so
a feed that fails half-way is never half-applied: the caller imports only a complete set.

Feeds are registered by directory administrators, not typed in by the public, but the server
still refuses addresses inside its own network unless `DIRECTORY_HARVEST_ALLOW_PRIVATE` is set
(tests serve feeds from 127.0.0.1).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings

from linkwell.core.exceptions import LinkwellError
from linkwell.directory.models import FeedFormat

MAX_PAGES = 10_000
MAX_PAGE_BYTES = 50_000_000
DEFAULT_TIMEOUT_SECONDS = 30


class HarvestError(LinkwellError):
    """The feed could not be read completely; nothing is imported. The message says why."""


@dataclass
class FetchedFeed:
    pages: list[Any] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


def page_url(url: str, *, page: int, per_page: int, modified_after: dt.datetime | None) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("page", "per_page")]
    query += [("page", str(page)), ("per_page", str(per_page))]
    if modified_after is not None:
        query = [(k, v) for k, v in query if k != "modified_after"]
        query.append(("modified_after", modified_after.astimezone(dt.UTC).isoformat()))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _check_address(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise HarvestError("The feed address must start with https:// or http://.")
    host = parts.hostname
    if not host:
        raise HarvestError("The feed address has no host name.")
    if getattr(settings, "DIRECTORY_HARVEST_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise HarvestError(f"We could not find the server {host}.") from exc
    for info in infos:
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise HarvestError(f"{host} is not a public internet address.")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        _check_address(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get(url: str, page: int) -> bytes:
    _check_address(url)
    timeout = getattr(settings, "DIRECTORY_HARVEST_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
    opener = urllib.request.build_opener(_CheckedRedirects)
    # _check_address allows only http(s) (and, unless configured, public addresses).
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": "Linkwell directory harvest", "Accept": "application/json"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_PAGE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise HarvestError(f"Page {page}: the server answered {exc.code} {exc.reason}.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise HarvestError(f"Page {page}: we could not fetch it ({reason}).") from exc
    if len(body) > MAX_PAGE_BYTES:
        raise HarvestError(f"Page {page} is larger than {MAX_PAGE_BYTES // 1_000_000} MB.")
    return body


def _decode(body: bytes, page: int) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise HarvestError(f"Page {page} is not UTF-8 text.") from exc
    except json.JSONDecodeError as exc:
        raise HarvestError(
            f"Page {page} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc


def _is_last(fmt: str, value: Any, page: int) -> bool:
    """Whether `value` (page number `page`) is the feed's last page; HarvestError if it is not a
    page of that format at all."""
    if fmt == FeedFormat.ORUK1:
        items_key, last_key, total_key = "content", "last", "totalPages"
    else:
        items_key, last_key, total_key = "contents", "last_page", "total_pages"
    if isinstance(value, list):
        return True  # a plain list of records: the whole feed in one answer
    if not isinstance(value, dict) or not isinstance(value.get(items_key), list):
        raise HarvestError(
            f"Page {page} is not a page of {FeedFormat(fmt).label}: it has no `{items_key}` list."
        )
    if not value[items_key]:
        return True
    if isinstance(value.get(last_key), bool):
        return bool(value[last_key])
    total = value.get(total_key)
    if isinstance(total, int) and not isinstance(total, bool):
        return page >= total
    return False


def fetch_feed(
    url: str,
    *,
    fmt: str,
    per_page: int,
    modified_after: dt.datetime | None,
    on_page: Callable[[int], None] | None = None,
) -> FetchedFeed:
    """Every page of the feed (`on_page(n)` after page n arrives, for a progress display)."""
    fetched = FetchedFeed()
    for page in range(1, MAX_PAGES + 1):
        address = page_url(url, page=page, per_page=per_page, modified_after=modified_after)
        value = _decode(_get(address, page), page)
        last = _is_last(fmt, value, page)
        fetched.pages.append(value)
        fetched.urls.append(address)
        if on_page is not None:
            on_page(page)
        if last:
            return fetched
    raise HarvestError(f"The feed has more than {MAX_PAGES} pages; stopped.")
