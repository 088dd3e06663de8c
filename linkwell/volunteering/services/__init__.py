"""Writes for volunteering, one module per subject; import from the package.

| Module | What it owns |
|---|---|
| `requests.py` | Support requests: from a plan, from a GP or agency referral; closing; excluding a volunteer |
| `matches.py` | Introducing a volunteer (refusing hard-constraint breakers), reviews, ending a match |
"""

from linkwell.volunteering.services.matches import (
    MAX_LIVE_MATCHES,
    match_end,
    match_introduce,
    match_review_record,
)
from linkwell.volunteering.services.requests import (
    RequestDetails,
    prefill_about,
    request_close,
    request_create_by_referral,
    request_create_from_case,
    request_exclude_member,
)

__all__ = [
    "MAX_LIVE_MATCHES",
    "RequestDetails",
    "match_end",
    "match_introduce",
    "match_review_record",
    "prefill_about",
    "request_close",
    "request_create_by_referral",
    "request_create_from_case",
    "request_exclude_member",
]
