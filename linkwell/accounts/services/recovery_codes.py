"""One-time recovery codes: the way back in when an authenticator is lost or a phone replaced.

Issued (RECOVERY_CODE_COUNT of them) when two-factor sign-in is set up and again on request from
the account page; issuing a new set replaces the old. Each code has 50 random bits, shown once;
only an HMAC-SHA256 of it (keyed from SECRET_KEY) is stored, so the table alone gives nothing.
A code works once, in place of a security code, and a wrong one counts towards the lockout
like a wrong security code. Every issue and use is a `security` audit event.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import RecoveryCode, User
from linkwell.accounts.services.sign_in import (
    AccountLocked,
    _failures_clear,
    sign_in_failure_record,
)
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record

# No 0/1/8/i/l/o: codes are read off paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz2345679"
_GROUP = 5


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash(code: str) -> str:
    key = hashlib.sha256(b"linkwell recovery codes\0" + str(settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, _normalise(code).encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(2 * _GROUP))
    return f"{raw[:_GROUP]}-{raw[_GROUP:]}"


def recovery_codes_issue(*, user: User) -> list[str]:
    """A new set of codes for a user with two-factor sign-in (the old set stops working)."""
    user = User.objects.get(pk=user.pk)  # the caller's copy may predate the set-up
    if not user.has_two_factor:
        raise ValueError("Recovery codes are for users with two-factor sign-in set up.")
    codes = [_new_code() for _ in range(int(getattr(settings, "RECOVERY_CODE_COUNT", 10)))]
    with transaction.atomic():
        replaced = RecoveryCode.objects.filter(user=user).delete()[0]
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_hash(code)) for code in codes
        )
        audit_record(
            actor=user,
            action=AuditAction.TWO_FACTOR_RECOVERY_CODES_ISSUED,
            obj=user,
            kind=Kind.SECURITY,
            detail={"count": len(codes), "replaced": replaced},
        )
    return codes


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def recovery_code_use(*, user: User, code: str) -> bool:
    """Sign-in with a recovery code instead of a security code. True when it was one of the
    user's unused codes (now used). A wrong code counts towards the lockout; raises
    AccountLocked when locked (before or by this failure)."""
    digest = _hash(code)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.locked_until and user.locked_until > timezone.now():
            raise AccountLocked(user.locked_until)
        used = (
            RecoveryCode.objects.filter(user=user, code_hash=digest, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if user.has_two_factor and _normalise(code)
            else 0
        )
        if used:
            cleared = _failures_clear(user)
            audit_record(
                actor=user,
                action=AuditAction.TWO_FACTOR_RECOVERY_CODE_USED,
                obj=user,
                kind=Kind.SECURITY,
                detail={
                    "codes_left": recovery_codes_left(user=user),
                    "failed_attempts_cleared": cleared,
                },
            )
            return True
    until = sign_in_failure_record(user=user, email=user.email, reason="wrong_recovery_code")
    if until is not None:
        raise AccountLocked(until)
    return False
