"""Sign-in protection: failed passwords and security codes counted towards a lockout (unknown
emails too, so no answer reveals who has an account), the sign-in and sign-out events, and an
administrator clearing lockouts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from linkwell.accounts.models import UnknownEmailThrottle, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record


class AccountLocked(Exception):
    """Raised while an account is locked after repeated failed sign-ins or security codes."""

    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        super().__init__(f"locked until {until.isoformat()}")


def locked_message(until: dt.datetime) -> str:
    local = timezone.localtime(until)
    return (
        "Too many failed attempts. This account is locked until "
        f"{local:%H:%M} on {local.day} {local:%B %Y}. Try again then, or ask an administrator "
        "to unlock it."
    )


def user_unlock(*, actor: User | AnonymousUser | None, users: Iterable[User]) -> int:
    """Clear lockouts (an administrator's action)."""
    count = 0
    with transaction.atomic():
        for user in users:
            if user.locked_until is None and not user.failed_login_count:
                continue
            changes = {"locked_until": [user.locked_until, None]}
            User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
            audit_record(
                actor=actor,
                action=AuditAction.ACCOUNT_UNLOCKED,
                obj=user,
                kind=Kind.SECURITY,
                changes=changes,
            )
            count += 1
    return count


def sign_in_failure_record(*, user: User | None, email: str, reason: str) -> dt.datetime | None:
    """Count a failed password or security code; lock the account at LOCKOUT_THRESHOLD.

    Returns the lock expiry when this failure locked the account. Unknown emails are counted
    and locked the same way (UnknownEmailThrottle) and audited, so neither the per-try answer
    nor the lockout reveals who has an account.
    """
    with transaction.atomic():
        if user is None:
            return _unknown_email_failure(email)
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count"])
        until: dt.datetime | None = None
        if user.failed_login_count >= settings.LOCKOUT_THRESHOLD:
            until = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
            user.locked_until, user.failed_login_count = until, 0
        audit_record(
            actor=None,
            action=AuditAction.ACCOUNT_LOCKED if until else AuditAction.SIGN_IN_FAILED,
            obj=user,
            kind=Kind.SECURITY,
            detail={"email": email, "reason": reason} | ({"locked_until": until} if until else {}),
        )
    return until


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def unknown_email_locked_until(*, email: str) -> dt.datetime | None:
    row = UnknownEmailThrottle.objects.filter(email_digest=_email_digest(email)).first()
    if row is not None and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


def _unknown_email_failure(email: str) -> dt.datetime | None:
    row, _ = UnknownEmailThrottle.objects.select_for_update().get_or_create(
        email_digest=_email_digest(email)
    )
    row.failed_login_count += 1
    until: dt.datetime | None = None
    if row.failed_login_count >= settings.LOCKOUT_THRESHOLD:
        until = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
        row.locked_until, row.failed_login_count = until, 0
    row.save()
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="accounts.user",
        kind=Kind.SECURITY,
        detail={"email": email, "reason": "unknown_email"}
        | ({"locked_until": until} if until else {}),
    )
    return until


def sign_in_refused_locked_record(*, user: User | None, email: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.SIGN_IN_REFUSED_LOCKED,
            obj=user,
            object_type="accounts.user",
            kind=Kind.SECURITY,
            detail={"email": email}
            | ({"locked_until": user.locked_until} if user is not None else {}),
        )


def sign_in_refused_client_limit_record(*, email: str, client: str) -> None:
    """A sign-in refused, without checking the password, because its client address has had
    too many failed sign-ins this hour (`linkwell.accounts.client_limit`)."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.SIGN_IN_REFUSED_CLIENT_LIMIT,
            object_type="accounts.user",
            kind=Kind.SECURITY,
            detail={"email": email, "client": client},
        )


def _failures_clear(user: User) -> int:
    """Reset the failure count and any expired lock; returns how many failures were cleared.
    Call inside a transaction holding the user's row (select_for_update)."""
    cleared = user.failed_login_count
    if cleared or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count, user.locked_until = 0, None
    return cleared


def sign_in_success_record(*, user: User) -> None:
    """A right password. Clears earlier failures, unless the user has two-factor: then the
    password is only the first step, and the count (which wrong security codes add to) is
    cleared by `totp_verify` once the code is right. Otherwise someone who knows the password
    could sign in again and again, guessing LOCKOUT_THRESHOLD - 1 codes each time."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        detail: dict[str, Any] = {}
        if locked.has_two_factor:
            detail["two_factor_pending"] = True
        else:
            cleared = _failures_clear(locked)
            if cleared:
                detail["failed_attempts_cleared"] = cleared
            user.failed_login_count, user.locked_until = 0, None
        audit_record(
            actor=user,
            action=AuditAction.SIGNED_IN,
            obj=user,
            kind=Kind.SECURITY,
            detail=detail or None,
        )


def sign_out_record(*, user: User, reason: str = "") -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.SIGNED_OUT,
            obj=user,
            kind=Kind.SECURITY,
            detail={"reason": reason} if reason else None,
        )
