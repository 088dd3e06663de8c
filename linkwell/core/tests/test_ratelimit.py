"""Per-client rate limits: the client's address, with and without a trusted reverse proxy."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from linkwell.core.env import EnvError, parse_ip_networks
from linkwell.core.ratelimit import client_address, over_rate_limit

SETTING = "LINKWELL_TEST_PER_HOUR"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _request(peer: str, forwarded: str | None = None):
    request = RequestFactory().post("/", REMOTE_ADDR=peer)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_trusted_proxies_the_client_is_the_direct_peer(settings) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("198.51.100.4", "203.0.113.9")) == "198.51.100.4"


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(settings) -> None:
    settings.TRUSTED_PROXIES = parse_ip_networks("LINKWELL_TRUSTED_PROXIES", ["10.0.0.0/8"])
    setattr(settings, SETTING, 1)
    assert client_address(_request("198.51.100.4", "203.0.113.9")) == "198.51.100.4"
    # A new made-up address on every request does not buy a new allowance.
    assert not over_rate_limit(
        _request("198.51.100.4", "203.0.113.1"), "test", setting=SETTING, default=1
    )
    assert over_rate_limit(
        _request("198.51.100.4", "203.0.113.2"), "test", setting=SETTING, default=1
    )


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(settings) -> None:
    settings.TRUSTED_PROXIES = parse_ip_networks(
        "LINKWELL_TRUSTED_PROXIES", ["10.0.0.0/8", "192.0.2.1"]
    )
    # The client claimed 203.0.113.66; our edge proxy (192.0.2.1) saw it come from .9.
    request = _request("10.1.2.3", "203.0.113.66, 203.0.113.9, 192.0.2.1")
    assert client_address(request) == "203.0.113.9"
    assert client_address(_request("10.1.2.3", "10.9.9.9")) == "10.9.9.9"
    assert client_address(_request("10.1.2.3")) == "10.1.2.3"


def test_behind_a_trusted_proxy_two_clients_are_limited_separately(settings) -> None:
    settings.TRUSTED_PROXIES = parse_ip_networks("LINKWELL_TRUSTED_PROXIES", ["10.0.0.2"])
    setattr(settings, SETTING, 2)

    def attempt(client: str) -> bool:
        return over_rate_limit(_request("10.0.0.2", client), "test", setting=SETTING, default=2)

    assert [attempt("203.0.113.1") for _ in range(3)] == [False, False, True]
    assert [attempt("203.0.113.2") for _ in range(2)] == [False, False]


def test_each_scope_has_its_own_allowance(settings) -> None:
    settings.TRUSTED_PROXIES = []
    request = _request("198.51.100.4")
    assert not over_rate_limit(request, "one", setting=SETTING, default=1)
    assert over_rate_limit(request, "one", setting=SETTING, default=1)
    assert not over_rate_limit(request, "two", setting=SETTING, default=1)


def test_a_malformed_trusted_proxy_stops_start_up_naming_the_variable() -> None:
    with pytest.raises(EnvError, match=re.escape("LINKWELL_TRUSTED_PROXIES: '10.0.0.0/33'")):
        parse_ip_networks("LINKWELL_TRUSTED_PROXIES", ["10.0.0.0/33"])
