"""Writes for volunteering, one module per subject; import from the package."""

from linkwell.volunteering.services.visits import (
    activity_concern_resolve,
    activity_log,
    match_accept,
    match_decline,
    match_started_on,
)

__all__ = [
    "activity_concern_resolve",
    "activity_log",
    "match_accept",
    "match_decline",
    "match_started_on",
]
