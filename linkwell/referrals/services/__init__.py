"""Writes for referrals. Every write locks the referral, checks the version the user saw
(optimistic concurrency), and writes its audit row, with the person's id, in the same transaction.

| Module | What it owns |
|---|---|
| `receiving.py` | `ReferralDetails`, `TEXT_LIMITS`, `referral_errors` (every check at once), `needs_terms`, `referral_create` |
| `triage.py` | `referral_accept` (open or reopen a case), `referral_return`, `referral_decline`, `assignable_worker_ids` |
| `first_contact.py` | `referral_record_first_contact` (SNOMED coding when the case is first contacted) |
"""

from linkwell.referrals.services.first_contact import referral_record_first_contact
from linkwell.referrals.services.receiving import (
    REASON_LIMIT,
    TEXT_LIMITS,
    ReferralDetails,
    needs_terms,
    referral_create,
    referral_errors,
    too_long_message,
)
from linkwell.referrals.services.triage import (
    ASSIGNABLE_ROLES,
    assignable_worker_ids,
    referral_accept,
    referral_decline,
    referral_return,
)

__all__ = [
    "ASSIGNABLE_ROLES",
    "REASON_LIMIT",
    "TEXT_LIMITS",
    "ReferralDetails",
    "assignable_worker_ids",
    "needs_terms",
    "referral_accept",
    "referral_create",
    "referral_decline",
    "referral_errors",
    "referral_record_first_contact",
    "referral_return",
    "too_long_message",
]
