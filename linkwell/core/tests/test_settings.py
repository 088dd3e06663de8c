"""config/settings.py with debug off: HTTPS protections on by default, each overridable.

Settings are read once per process, so each case imports them in a fresh interpreter with only
the environment variables it names (plus a throwaway key and an in-memory database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
]


def settings_with(**env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LINKWELL_")}
    clean |= {
        "DATABASE_URL": "",
        "LINKWELL_SQLITE_PATH": ":memory:",
        "LINKWELL_SECRET_KEY": "k" * 50,
        "PYTHONPATH": str(ROOT),
    }
    clean |= env
    script = (
        "import json, config.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {NAMES!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=clean, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    values: dict[str, object] = json.loads(result.stdout)
    return values


def test_with_debug_off_https_redirect_hsts_and_secure_cookies_are_on() -> None:
    values = settings_with(LINKWELL_DEBUG="false")
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_linkwell_https_false_turns_them_off_for_plain_http_in_a_closed_network() -> None:
    values = settings_with(LINKWELL_DEBUG="false", LINKWELL_HTTPS="false")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False


def test_each_protection_can_be_set_on_its_own() -> None:
    values = settings_with(
        LINKWELL_DEBUG="false",
        LINKWELL_SSL_REDIRECT="false",  # the proxy redirects already
        LINKWELL_HSTS_SECONDS="600",
        LINKWELL_HSTS_INCLUDE_SUBDOMAINS="false",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SESSION_COOKIE_SECURE"] is True


def test_debug_on_leaves_https_off_for_local_development() -> None:
    values = settings_with(LINKWELL_DEBUG="true")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False


def test_the_proxy_ssl_header_is_trusted_only_when_configured() -> None:
    values = settings_with(
        LINKWELL_DEBUG="false", LINKWELL_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_malformed_proxy_ssl_header_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(AssertionError, match="LINKWELL_PROXY_SSL_HEADER='https' is not a header"):
        settings_with(LINKWELL_DEBUG="false", LINKWELL_PROXY_SSL_HEADER="https")


def test_hsts_is_sent_on_https_responses_when_debug_is_off(client, settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
