"""Spam and flood defences for the public suggestion form.

The same mechanism as the public self-referral page (`linkwell/referrals/views.py`): a
per-client attempt limit (`linkwell.core.ratelimit`), a hidden honeypot field, and a signed
"form shown at" token that must come back at least a few seconds (and at most two hours)
later. Field lengths are limited by the form and again by `services.suggestion_errors`.
"""

from __future__ import annotations

import time

from django.core import signing
from django.http import HttpRequest

from linkwell.core import ratelimit

FORM_SALT = "linkwell.community.suggestion-form"
# A person needs more than a few seconds to describe a group; a script does not.
MIN_SECONDS = 5
MAX_AGE = 2 * 60 * 60


def make_form_token(issued_at: float | None = None) -> str:
    return signing.dumps(
        {"t": int(issued_at if issued_at is not None else time.time())}, salt=FORM_SALT
    )


def token_problem(token: str) -> str | None:
    """None when the token is good; otherwise the message to show."""
    try:
        issued = signing.loads(token, salt=FORM_SALT, max_age=MAX_AGE)["t"]
    except (signing.BadSignature, KeyError, TypeError):
        return "This form has expired. Check your answers, then send it again."
    if time.time() - issued < MIN_SECONDS:
        return "Please check your answers, then send the form again."
    return None


def over_rate_limit(request: HttpRequest) -> bool:
    """Per-client limit on suggestions sent (`LINKWELL_COMMUNITY_SUGGESTIONS_PER_HOUR`, default
    5): `linkwell.core.ratelimit`."""
    return ratelimit.over_rate_limit(
        request,
        "community-suggestion",
        setting="LINKWELL_COMMUNITY_SUGGESTIONS_PER_HOUR",
        default=5,
    )
