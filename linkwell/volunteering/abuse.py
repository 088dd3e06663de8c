"""Spam and flood defences for the two public forms ("I'd like to volunteer" and "ask for a
volunteer"), as on the community suggestion form (`linkwell/community/abuse.py`): a per-client
limit on forms accepted per hour (`LINKWELL_VOLUNTEER_REGISTRATIONS_PER_HOUR`, through
`linkwell.core.ratelimit`; mistakes a person corrects do not count), a hidden honeypot field,
and a signed "form shown at" token (`linkwell.core.formtoken`) that must come back after a few
seconds and within two hours, and only once. Field lengths are limited by the forms and again by the services.
"""

from __future__ import annotations

from django.http import HttpRequest

from linkwell.core import ratelimit
from linkwell.core.formtoken import FormToken

# The signed form-shown-at token, used once (linkwell/core/formtoken.py).
FORM_TOKEN = FormToken(salt="linkwell.volunteering.public-form", min_seconds=5)
SETTING = "LINKWELL_VOLUNTEER_REGISTRATIONS_PER_HOUR"
DEFAULT_PER_HOUR = 5


def limit_reached(request: HttpRequest, scope: str) -> bool:
    return ratelimit.rate_limit_reached(request, scope, setting=SETTING, default=DEFAULT_PER_HOUR)


def count_accepted(request: HttpRequest, scope: str) -> None:
    ratelimit.rate_limit_count(request, scope)


def posts_over_limit(request: HttpRequest, scope: str) -> bool:
    """Any POST at all counts here, so a script sending bad forms is stopped too (ten times the
    accepted allowance: a person correcting mistakes never reaches it)."""
    return ratelimit.over_rate_limit(
        request,
        f"{scope}-post",
        setting="LINKWELL_VOLUNTEER_FORM_POSTS_PER_HOUR",
        default=10 * DEFAULT_PER_HOUR,
    )
