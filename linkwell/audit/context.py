"""Who is acting, and through which channel, for the audit rows written by services.

Middleware sets the web/api context per request; commands and imports set their own with
`audit_context(...)`. Services read it so callers need not thread the channel through.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace

from linkwell.audit.models import Channel


@dataclass(frozen=True)
class AuditContext:
    channel: str = Channel.SYSTEM
    request_id: str = ""
    ip_address: str | None = None


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "linkwell_audit_context",
    default=AuditContext(),  # noqa: B039 (frozen dataclass: immutable)
)


def current() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def audit_context(
    *, channel: str, request_id: str | None = None, ip_address: str | None = None
) -> Iterator[AuditContext]:
    ctx = replace(
        _current.get(),
        channel=channel,
        request_id=request_id or uuid.uuid4().hex,
        ip_address=ip_address,
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
