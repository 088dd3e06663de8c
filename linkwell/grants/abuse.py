"""Spam and flood defences for the public grant application form and the grantee's report
page, as on the community suggestion and volunteering forms (`linkwell/volunteering/abuse.py`):
a per-client limit on forms accepted per hour (Django setting
`LINKWELL_GRANT_APPLICATIONS_PER_HOUR`, default 5, through `linkwell.core.ratelimit`; mistakes
a person corrects do not count, but every POST counts against ten times that), a hidden
honeypot field, and a signed "form shown at" token that must come back after a few seconds
and within two hours. Field lengths are limited by the forms and again by the services.
"""

from __future__ import annotations

import time

from django.core import signing
from django.http import HttpRequest

from linkwell.core import ratelimit

FORM_SALT = "linkwell.grants.public-form"
MIN_SECONDS = 5
MAX_AGE = 2 * 60 * 60
SETTING = "LINKWELL_GRANT_APPLICATIONS_PER_HOUR"
DEFAULT_PER_HOUR = 5


def make_form_token(issued_at: float | None = None) -> str:
    return signing.dumps(
        {"t": int(issued_at if issued_at is not None else time.time())}, salt=FORM_SALT
    )


def token_issued_at(token: str) -> float | None:
    try:
        return float(signing.loads(token, salt=FORM_SALT, max_age=MAX_AGE)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def token_problem(token: str) -> str | None:
    """None when the token is good; otherwise the message to show."""
    issued = token_issued_at(token)
    if issued is None:
        return "This form has expired. Check your answers, then send it again."
    if time.time() - issued < MIN_SECONDS:
        return "Please check your answers, then send the form again."
    return None


def limit_reached(request: HttpRequest, scope: str) -> bool:
    return ratelimit.rate_limit_reached(request, scope, setting=SETTING, default=DEFAULT_PER_HOUR)


def count_accepted(request: HttpRequest, scope: str) -> None:
    ratelimit.rate_limit_count(request, scope)


def posts_over_limit(request: HttpRequest, scope: str) -> bool:
    return ratelimit.over_rate_limit(
        request,
        f"{scope}-post",
        setting="LINKWELL_GRANT_FORM_POSTS_PER_HOUR",
        default=10 * DEFAULT_PER_HOUR,
    )
