"""Two-factor sign-in (TOTP, RFC 6238): setting it up, checking codes, and an administrator
resetting a lost authenticator.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyotp
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.accounts.secrets import decrypt_secret, encrypt_secret
from linkwell.accounts.services.records import REDACTED
from linkwell.accounts.services.sign_in import (
    AccountLocked,
    _failures_clear,
    sign_in_failure_record,
)
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record


def user_reset_two_factor(*, actor: User | AnonymousUser | None, users: Iterable[User]) -> int:
    """Remove a user's authenticator (lost phone). They set it up again at next sign-in when
    their organisation requires it."""
    count = 0
    with transaction.atomic():
        for user in users:
            if not user.totp_secret:
                continue
            User.objects.filter(pk=user.pk).update(
                totp_secret="", totp_confirmed_at=None, totp_last_counter=None
            )
            user.recovery_codes.all().delete()
            audit_record(
                actor=actor,
                action=AuditAction.TWO_FACTOR_RESET,
                obj=user,
                kind=Kind.SECURITY,
                changes={"totp_secret": [REDACTED, None]},
            )
            count += 1
    return count


def totp_secret_for_setup(*, user: User) -> str:
    """The pending secret shown at set-up (in plain text, for the user to type). Kept, encrypted,
    across requests (the page's GET and the POST of the code must use the same key) until the
    user confirms a code made with it."""
    if user.has_two_factor:
        raise ValueError("Two-factor sign-in is already set up for this user.")
    if not user.totp_secret:
        with transaction.atomic():
            # Locked and re-read: two set-up pages opened at once must show the same key.
            row = User.objects.select_for_update().only("pk", "totp_secret").get(pk=user.pk)
            if not row.totp_secret:
                row.totp_secret = encrypt_secret(pyotp.random_base32())
                row.save(update_fields=["totp_secret"])
                # The secret itself never enters the trail (SENSITIVE_FIELDS).
                audit_record(
                    actor=user,
                    action=AuditAction.TWO_FACTOR_SETUP_STARTED,
                    obj=user,
                    kind=Kind.SECURITY,
                    changes={"totp_secret": [None, REDACTED]},
                )
            user.totp_secret = row.totp_secret
    return decrypt_secret(user.totp_secret)


def totp_provisioning_uri(*, user: User) -> str:
    return pyotp.TOTP(decrypt_secret(user.totp_secret)).provisioning_uri(
        name=user.email, issuer_name="Linkwell"
    )


def _accept_code(user: User, code: str) -> bool:
    """Valid codes from the current step or one either side, never the same step twice."""
    totp = pyotp.TOTP(decrypt_secret(user.totp_secret))
    code = "".join(code.split())
    now = timezone.now().timestamp()
    for offset in (0, -1, 1):
        at = now + offset * totp.interval
        counter = int(at // totp.interval)
        if totp.at(at) == code:
            if user.totp_last_counter is not None and counter <= user.totp_last_counter:
                return False
            user.totp_last_counter = counter
            return True
    return False


def totp_confirm_setup(*, user: User, code: str) -> bool:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.totp_secret or user.has_two_factor or not _accept_code(user, code):
            return False
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_confirmed_at", "totp_last_counter"])
        audit_record(
            actor=user, action=AuditAction.TWO_FACTOR_ENABLED, obj=user, kind=Kind.SECURITY
        )
    return True


def totp_verify(*, user: User, code: str) -> bool:
    """Check a sign-in security code. Wrong codes count towards the lockout like wrong
    passwords (a 6-digit code must not be guessable by trying them all), and only a right code
    clears the count (a right password does not: `sign_in_success_record`); raises
    AccountLocked when this failure locked the account."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.locked_until and user.locked_until > timezone.now():
            raise AccountLocked(user.locked_until)
        ok = user.has_two_factor and _accept_code(user, code)
        if ok:
            user.save(update_fields=["totp_last_counter"])
            cleared = _failures_clear(user)
            audit_record(
                actor=user,
                action=AuditAction.TWO_FACTOR_PASSED,
                obj=user,
                kind=Kind.SECURITY,
                detail={"failed_attempts_cleared": cleared} if cleared else None,
            )
            return True
    until = sign_in_failure_record(user=user, email=user.email, reason="wrong_security_code")
    if until is not None:
        raise AccountLocked(until)
    return False
