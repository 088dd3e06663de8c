"""Pseudo ids: the keyed hash a practice computes from an NHS number.

    pseudo_id = lowercase hex of HMAC-SHA256(key, the 10-digit NHS number as ASCII)

The NHS number is normalised first (spaces and hyphens dropped, modulus-11 checked:
people/validation.py), so "943 476 5919" and "9434765919" give the same id. The key is
`settings.PSEUDONYM_KEY` (`LINKWELL_PSEUDONYM_KEY`), held by the practice or the deployment and
never by the analysts: without it a pseudo id cannot be turned back into an NHS number by trying
all ten-digit numbers. The key is never logged, printed or put in an exception message.

Used by: the register extract the practice produces for `linkwell population run` (the
`pseudo_id` column), the practice's identity check when it confirms an invite-list entry
(population/services/confirmation.py `invite_entry_confirm`), and the exclusions file
(`linkwell population_invites exclusions`).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from linkwell.people.validation import normalise_nhs_number

PSEUDO_ID_LENGTH = 64  # hex characters of a SHA-256 digest
# Only for LINKWELL_DEBUG (local development, the demo): pseudo ids made with it are worthless.
_DEVELOPMENT_KEY = "linkwell-development-pseudonym-key-do-not-use-in-production"


def pseudonym_key() -> bytes:
    """The deployment's key; ImproperlyConfigured (naming the variable, never a value) when
    unset outside debug."""
    key = str(getattr(settings, "PSEUDONYM_KEY", "") or "")
    if not key:
        if settings.DEBUG:
            key = _DEVELOPMENT_KEY
        else:
            raise ImproperlyConfigured(
                "LINKWELL_PSEUDONYM_KEY is not set: set it to the key your practices use for "
                "pseudo ids (see .env.example)."
            )
    return key.encode("utf-8")


def pseudo_id_for_nhs_number(nhs_number: str, *, key: bytes | None = None) -> str:
    """The pseudo id of a valid NHS number (ValidationFailed for an invalid or empty one)."""
    compact = normalise_nhs_number(nhs_number)
    if not compact:
        raise ValueError("An NHS number is needed to make a pseudo id")
    digest = hmac.new(key or pseudonym_key(), compact.encode("ascii"), hashlib.sha256)
    return digest.hexdigest()


def pseudo_ids_match(nhs_number: str, pseudo_id: str, *, key: bytes | None = None) -> bool:
    """Whether `nhs_number` is the one behind `pseudo_id` (constant-time comparison)."""
    expected = pseudo_id_for_nhs_number(nhs_number, key=key)
    return hmac.compare_digest(expected, pseudo_id.strip().lower())
