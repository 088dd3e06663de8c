"""What the connections app announces to the apps above it, which it does not import.

`connection_made` is sent by the connect page (`views/case.py`, `connect_service`) inside the
transaction that created a signpost or referral, with the keyword arguments `actor`,
`connection` and `run_id` (the suggestions run the page was opened from, or ""). Receivers
write in that same transaction, so what they record commits or rolls back with the connection:
the matching app records the choice against the case's suggestions
(`linkwell.matching.suggestions.search_connection_decision`, connected in `MatchingConfig.ready`).
"""

from __future__ import annotations

from django.dispatch import Signal

connection_made = Signal()
