"""Reads remembered for one web request: a page that asks the same question of the database
several times (which case teams is this user in?) asks it once.

`RequestMemoMiddleware` opens a memo for each request; `remembered(key, read)` returns the value
read earlier in the same request under `key`, or calls `read()` and keeps what it returns. Outside
a request (commands, tasks, tests calling a selector) there is no memo and `read()` runs every
time. Any model saved or deleted during the request empties the memo, so a read after a write in
the same request sees the write (bulk updates send no signal: a function whose answer such an
update could change must not be remembered). Values must not be changed by their callers.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_memo: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "linkwell_request_memo", default=None
)


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _forget(**_kwargs: Any) -> None:
    memo = _memo.get()
    if memo:
        memo.clear()


post_save.connect(_forget, dispatch_uid="linkwell_request_memo_save")
post_delete.connect(_forget, dispatch_uid="linkwell_request_memo_delete")


class RequestMemoMiddleware:
    """A fresh memo for every request, dropped when the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
