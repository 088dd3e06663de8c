"""Every link a demo sign-in is shown opens for them.

A page that links to something the reader may not open (a 403, a 404, a broken download) is a
dead end a user meets on their first day. This walks the demo as each of its sign-ins and as a
visitor, following the links on every page it reaches (GET only: nothing is changed), and
fails on any answer that is not a page, a file or a redirect to one.

Pages with the same shape (a case, a listing, the same form under another id) are opened a few
times each, not all of them, so the walk stays at about a minute.
"""

from __future__ import annotations

import collections
import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from linkwell.accounts.models import User
from linkwell.demo.loader import DEMO_LOGINS

pytestmark = pytest.mark.slow

HREF = re.compile(r'(?:href|src)="([^"#]*)"')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Signing out ends the walk; Django's admin has its own tests; static files are WhiteNoise's.
NOT_FOLLOWED = ("/accounts/logout", "/admin/", "/static/")
SAME_SHAPE_LIMIT = 3
PAGE_LIMIT = 500


@pytest.fixture(scope="module")
def _loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo as `make run` loads it (every part, today's dates), once for the module, rolled
    back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
        yield
        transaction.set_rollback(True)


def _links(page_url: str, body: str) -> Iterator[str]:
    for href in HREF.findall(body):
        parts = urlsplit(urljoin(page_url, href.replace("&amp;", "&")))
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
            continue  # mailto:, tel:, other sites
        if not parts.path or parts.path.startswith(NOT_FOLLOWED):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def _walk(client: Client) -> tuple[int, list[str]]:
    """Pages reached, and every link that did not open, with the page that showed it."""
    seen: set[str] = set()
    shown_on: dict[str, str] = {}
    shapes: collections.Counter[str] = collections.Counter()
    queue = collections.deque(["/"])
    broken = []
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            target = urljoin(url, response.headers["Location"])
            if not urlsplit(target).netloc:
                queue.appendleft(target)
            continue
        if response.status_code != 200:
            broken.append(f"{url} answered {response.status_code} (linked from {shown_on[url]})")
            continue
        if "html" not in response.headers.get("Content-Type", ""):
            continue
        for link in _links(url, response.content.decode()):
            shape = UUID.sub("U", link.split("?")[0]) + ("?" if "?" in link else "")
            if link in seen or shapes[shape] >= SAME_SHAPE_LIMIT:
                continue
            shapes[shape] += 1
            shown_on.setdefault(link, url)
            queue.append(link)
    return len(seen), broken


@pytest.mark.parametrize("email", [None, *(login.email for login in DEMO_LOGINS)])
def test_every_link_a_demo_sign_in_is_shown_opens(
    _loaded: None, db: None, email: str | None
) -> None:
    client = Client()
    if email is not None:
        client.force_login(User.objects.get(email=email))
    reached, broken = _walk(client)
    assert reached >= 10
    assert broken == []
