"""The public forms' token: signed, dated, and used once across every worker."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from linkwell.core.formtoken import ALREADY_SENT, EXPIRED, TOO_QUICK, FormToken

TOKEN = FormToken(salt="linkwell.tests.form", min_seconds=5, max_age=600)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_token_is_good_once_then_already_sent() -> None:
    token = TOKEN.make(time.time() - 60)
    assert TOKEN.problem(token) is None
    assert TOKEN.claim(token) is True
    assert TOKEN.problem(token) == ALREADY_SENT
    assert TOKEN.claim(token) is False


def test_a_released_token_can_be_sent_again() -> None:
    token = TOKEN.make(time.time() - 60)
    assert TOKEN.claim(token)
    TOKEN.release(token)
    assert TOKEN.problem(token) is None


def test_a_fresh_token_keeps_the_first_showing_time_with_a_new_nonce() -> None:
    token = TOKEN.make(time.time() - 60)
    TOKEN.claim(token)
    fresh = TOKEN.fresh(token)
    assert fresh != token
    assert TOKEN.issued_at(fresh) == TOKEN.issued_at(token)
    assert TOKEN.problem(fresh) is None


def test_quick_forged_expired_and_other_forms_tokens_are_refused(monkeypatch) -> None:
    assert TOKEN.problem(TOKEN.make(time.time())) == TOO_QUICK
    assert TOKEN.problem("forged") == EXPIRED
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now - 601)
    old = TOKEN.make(now - 700)
    monkeypatch.setattr(time, "time", lambda: now)
    assert TOKEN.problem(old) == EXPIRED
    other = FormToken(salt="linkwell.tests.other")
    assert TOKEN.problem(other.make(time.time() - 60)) == EXPIRED
    assert TOKEN.claim("forged") is False


def test_the_used_nonce_is_kept_for_the_tokens_lifetime(monkeypatch) -> None:
    calls = []
    real_add = cache.add

    def add(*args, **kwargs):
        calls.append(kwargs)
        return real_add(*args, **kwargs)

    monkeypatch.setattr(cache, "add", add)
    TOKEN.claim(TOKEN.make(time.time() - 60))
    assert calls == [{"timeout": 600}]
