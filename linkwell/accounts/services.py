"""Account writes: two-factor set-up and verification (TOTP, RFC 6238)."""

from __future__ import annotations

import pyotp
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record


def totp_secret_for_setup(*, user: User) -> str:
    """A pending secret for set-up; replaced until the user confirms a code with it."""
    if not user.totp_secret or user.totp_confirmed_at is None:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user.totp_secret


def totp_provisioning_uri(*, user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Linkwell")


def _accept_code(user: User, code: str) -> bool:
    """Valid codes from the current step or one either side, never the same step twice."""
    totp = pyotp.TOTP(user.totp_secret)
    code = code.strip()
    now = timezone.now()
    for offset in (0, -1, 1):
        at = now.timestamp() + offset * totp.interval
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
        if not user.totp_secret or not _accept_code(user, code):
            return False
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_confirmed_at", "totp_last_counter"])
        audit_record(actor=user, action="two_factor_enabled", obj=user, kind=Kind.SECURITY)
    return True


def totp_verify(*, user: User, code: str) -> bool:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        ok = user.has_two_factor and _accept_code(user, code)
        if ok:
            user.save(update_fields=["totp_last_counter"])
        audit_record(
            actor=user,
            action="two_factor_passed" if ok else "two_factor_failed",
            obj=user,
            kind=Kind.SECURITY,
        )
    return ok
