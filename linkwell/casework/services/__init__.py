"""Casework writes: keyword-only, typed, atomic, audited with the person's id in the same
transaction. One module per subject:

- `cases`: the case status machine (`TRANSITIONS`, one named service per move), complexity,
  reassignment, the next contact date; `assignable_workers`.
- `appointments`: contacts and appointments: booking, recording the outcome, rebooking (they move
  the case through the status services of `cases`).
- `notes`: case notes, sensitive or not.
- `safeguarding`: raising a safeguarding concern to a named lead, resolving it.

Triage and allocation writes live in the referrals app. The wellbeing review, the plan, the
follow-ups and the messages back are one module each beside this package (`review.py`,
`plan.py`, `followup.py`, `message_back.py`), each with its own writes and reads.

The public names are re-exported here, so `from linkwell.casework.services import case_reopen`
works; modules inside the package import each other directly.
"""

from linkwell.casework.services.appointments import (
    DEFAULT_DURATION_MINUTES,
    MAX_DAYS_AHEAD,
    MAX_DAYS_BACK,
    MAX_DURATION_MINUTES,
    MAX_VENUE_LENGTH,
    appointment_book,
    appointment_rebook,
    appointment_record_outcome,
)
from linkwell.casework.services.cases import (
    MAX_REASON_LENGTH,
    OPEN_STATUSES,
    TRANSITIONS,
    assignable_workers,
    case_make_dormant,
    case_mark_active,
    case_mark_contacted,
    case_mark_follow_up,
    case_mark_review_booked,
    case_reassign,
    case_reopen,
    case_set_complexity,
    case_set_next_contact,
    transition_error,
)
from linkwell.casework.services.notes import MAX_NOTE_LENGTH, case_note_add
from linkwell.casework.services.safeguarding import (
    safeguarding_concern_raise,
    safeguarding_concern_resolve,
    safeguarding_leads,
)

__all__ = [
    "DEFAULT_DURATION_MINUTES",
    "MAX_DAYS_AHEAD",
    "MAX_DAYS_BACK",
    "MAX_DURATION_MINUTES",
    "MAX_NOTE_LENGTH",
    "MAX_REASON_LENGTH",
    "MAX_VENUE_LENGTH",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "appointment_book",
    "appointment_rebook",
    "appointment_record_outcome",
    "assignable_workers",
    "case_make_dormant",
    "case_mark_active",
    "case_mark_contacted",
    "case_mark_follow_up",
    "case_mark_review_booked",
    "case_note_add",
    "case_reassign",
    "case_reopen",
    "case_set_complexity",
    "case_set_next_contact",
    "safeguarding_concern_raise",
    "safeguarding_concern_resolve",
    "safeguarding_leads",
    "transition_error",
]
