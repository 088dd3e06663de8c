"""Sign-in with lockout after repeated failures (settings.LOCKOUT_THRESHOLD / LOCKOUT_MINUTES).

Failures and lockouts are audited as security events by
`linkwell.accounts.services.sign_in_failure_record`. An unknown email costs the same password
hashing work as a known one and gets the same answer, so sign-in does not reveal who has an
account. A locked account raises `AccountLocked` (caught by `SignInForm`, which says until when);
even the right password does not open it early. A right password does not clear the failure
count either (see `authenticate`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from linkwell.accounts import services
from linkwell.accounts.models import User
from linkwell.accounts.services import AccountLocked

__all__ = ["AccountLocked", "LockoutModelBackend"]


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            locked = services.unknown_email_locked_until(email=email)
            if locked is not None:
                services.sign_in_refused_locked_record(user=None, email=email)
                raise AccountLocked(locked)
            until = services.sign_in_failure_record(user=None, email=email, reason="unknown_email")
            if until is not None:
                raise AccountLocked(until)
            return None
        if user.locked_until and user.locked_until > timezone.now():
            services.sign_in_refused_locked_record(user=user, email=email)
            raise AccountLocked(user.locked_until)
        if user.check_password(password) and self.user_can_authenticate(user):
            # The failure count is not cleared here: for a user with two-factor the password is
            # only the first step, and clearing it would give a guesser of security codes a fresh
            # allowance at every sign-in. services.sign_in_success_record (no two-factor) and
            # services.totp_verify (two-factor) clear it, audited.
            return user
        until = services.sign_in_failure_record(user=user, email=email, reason="wrong_password")
        if until is not None:
            raise AccountLocked(until)
        return None
