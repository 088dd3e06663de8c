"""The public forms' "form shown at" token, used once.

Every public form (self-referral, community suggestion, volunteer join and ask) carries a signed
token: when the form was first shown and a random nonce. A POST must bring it back after
`min_seconds` (a person needs longer than a script) and within `max_age`. When the form is
accepted the nonce is recorded in the shared cache (`linkwell.core.cache`) with `cache.add`, for
`max_age`: a second POST with the same token is refused with `ALREADY_SENT` and creates nothing,
even when it reaches another worker, and two clicks of "Send" at once cannot both win. A form
shown again with errors gets a fresh token (`FormToken.fresh`), dated when the form was first
shown, so correcting mistakes still works.

Usage in a view: `problem(token)` with the form's other checks; then, just before saving,
`claim(token)` (False: already sent); `release(token)` when the service then refuses the form.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache

EXPIRED = "This form has expired. Check your answers, then send it again."
TOO_QUICK = "Please check your answers, then send the form again."
ALREADY_SENT = (
    "This form was already sent: you do not need to send it again. If you meant to send "
    "another, check your answers, then send the form again."
)


@dataclass(frozen=True)
class FormToken:
    salt: str
    min_seconds: int = 5
    max_age: int = 2 * 60 * 60

    def make(self, issued_at: float | None = None) -> str:
        when = int(issued_at if issued_at is not None else time.time())
        return signing.dumps({"t": when, "n": secrets.token_hex(16)}, salt=self.salt)

    def _payload(self, token: str) -> tuple[float, str] | None:
        try:
            payload = signing.loads(token, salt=self.salt, max_age=self.max_age)
            return float(payload["t"]), str(payload["n"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None

    def issued_at(self, token: str) -> float | None:
        """When a genuine, unexpired token's form was first shown; None for anything else."""
        payload = self._payload(token)
        return payload[0] if payload else None

    def fresh(self, token: str) -> str:
        """The token for a form shown again: a new nonce, dated when the form was first shown
        (a quick correction is not mistaken for a script's instant reply)."""
        return self.make(issued_at=self.issued_at(token))

    def _key(self, nonce: str) -> str:
        digest = hashlib.sha256(f"{self.salt}:{nonce}".encode()).hexdigest()
        return f"linkwell:form-token:{digest}"

    def problem(self, token: str) -> str | None:
        """None when the token may be used; otherwise the message to show."""
        payload = self._payload(token)
        if payload is None:
            return EXPIRED
        issued, nonce = payload
        if time.time() - issued < self.min_seconds:
            return TOO_QUICK
        if cache.get(self._key(nonce)) is not None:
            return ALREADY_SENT
        return None

    def claim(self, token: str) -> bool:
        """Record the token as used; False when it already was (or is not genuine)."""
        payload = self._payload(token)
        if payload is None:
            return False
        return bool(cache.add(self._key(payload[1]), 1, timeout=self.max_age))

    def release(self, token: str) -> None:
        """The service refused the form after `claim`: the person corrects it and sends again."""
        payload = self._payload(token)
        if payload is not None:
            cache.delete(self._key(payload[1]))
