"""Spam and flood defences for the public suggestion form.

The same mechanism as the public self-referral page (`linkwell/referrals/views.py`): a
per-client attempt limit (`linkwell.core.ratelimit`), a hidden honeypot field, and a signed
"form shown at" token (`linkwell.core.formtoken`) that must come back at least a few seconds
(and at most two hours) later, and only once. Field lengths are limited by the form and again by `services.suggestion_errors`.
"""

from __future__ import annotations

from django.http import HttpRequest

from linkwell.core import ratelimit
from linkwell.core.formtoken import FormToken

# The signed form-shown-at token, used once (linkwell/core/formtoken.py). A person needs more
# than a few seconds to describe a group; a script does not.
FORM_TOKEN = FormToken(salt="linkwell.community.suggestion-form", min_seconds=5)


def over_rate_limit(request: HttpRequest) -> bool:
    """Per-client limit on suggestions sent (`LINKWELL_COMMUNITY_SUGGESTIONS_PER_HOUR`, default
    5): `linkwell.core.ratelimit`."""
    return ratelimit.over_rate_limit(
        request,
        "community-suggestion",
        setting="LINKWELL_COMMUNITY_SUGGESTIONS_PER_HOUR",
        default=5,
    )
