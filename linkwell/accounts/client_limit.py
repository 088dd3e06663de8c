"""Failed sign-ins counted per client address, across any emails.

The per-account lockout (`services.sign_in_failure_record`) stops someone guessing one
account's password; it does not stop a password sprayer, who tries one likely password on many
accounts, a few tries each. So every failed sign-in (a wrong password, an unknown email, a
locked account) also counts against the client that sent it (`linkwell.core.ratelimit`, in the
shared cache, so every worker counts together; the client's address honours
LINKWELL_TRUSTED_PROXIES). Past LINKWELL_SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR in the hour, that
client's sign-ins are refused before any password is checked: the same message whatever the
email (so nothing says which accounts exist, and a right guess is not revealed either), a 429,
and a `sign_in_refused_client_limit` security event. Other clients are not affected.
"""

from __future__ import annotations

from django.http import HttpRequest

from linkwell.core import ratelimit

SCOPE = "sign-in-failures"
SETTING = "LINKWELL_SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR"
DEFAULT_PER_HOUR = 20
MESSAGE = (
    "There have been too many failed sign-ins from this device or network. Wait an hour, then "
    "try again. If you need to sign in now, ask your Linkwell administrator."
)


def client_over_limit(request: HttpRequest) -> bool:
    return ratelimit.rate_limit_reached(request, SCOPE, setting=SETTING, default=DEFAULT_PER_HOUR)


def client_failure_count(request: HttpRequest) -> None:
    ratelimit.rate_limit_count(request, SCOPE)
