"""Headless Chromium for end-to-end tests (Debian's /usr/bin/chromium, never `playwright install`).

Without Chromium these tests skip, unless LINKWELL_BROWSER_TESTS=required (CI), where they fail:
a green CI must not hide a browser that silently went missing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread


class _OneRequestAtATime(WSGIServer):
    """The live server, answering one request at a time.

    On SQLite the test database is in memory and the live server shares the test's one
    connection with every request thread. A page that makes the browser fetch several URLs at
    once (the quarterly report's charts and downloads) then ran queries on that one connection
    from several threads together, which could deadlock inside SQLite. Browsers queue the extra
    requests; a non-threaded Django server closes each connection after its response."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # LiveServerThread.run already gave this (the server's) thread the shared connection.
        self.connections_override = connections_override


if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The stubs type this as the threaded server; any WSGIServer serves.
    LiveServerThread.server_class = _OneRequestAtATime  # type: ignore[assignment]

CHROMIUM = Path(os.environ.get("LINKWELL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)"
        if os.environ.get("LINKWELL_BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _local_only(route: Any) -> None:
    if urlsplit(route.request.url).hostname in ("localhost", "127.0.0.1", "::1"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A factory of pages, each in its own browser context (its own cookies: one person)."""
    contexts = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        # Tests talk to the live server only: anything else (a map tile, a font, a CDN) is
        # aborted, so a page that reaches out shows up as broken here, not as network traffic.
        context.route("**/*", _local_only)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page()


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def serious_axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (from npm) in the page; return the serious and critical violations."""
    if not AXE.exists():  # pragma: no cover - npm ci not run
        pytest.fail(f"{AXE} missing: run `npm ci`")
    # An init script, then a reload: the pages' Content-Security-Policy (`script-src 'self'`)
    # blocks an injected <script> tag, and we keep the CSP on so these tests would notice a
    # page whose own scripts break under it.
    page.add_init_script(path=str(AXE))
    page.reload()
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa', 'wcag22aa', 'best-practice']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1)


def triage_row(page: Any, name: str) -> Any:
    """The triage queue's row for `name`. The queue comes in pages, most urgent and longest
    waiting first, so a new routine referral is on a later page: follow "Next" until it shows."""
    page.goto("/triage/")
    row = page.get_by_role("row").filter(has_text=name)
    while not row.count():
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("^Next")).click()
    return row
