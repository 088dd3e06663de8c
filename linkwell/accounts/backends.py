"""Sign-in with lockout after repeated failures (settings.LOCKOUT_THRESHOLD / LOCKOUT_MINUTES)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record


class AccountLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        super().__init__(f"locked until {until:%H:%M}")


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
        user = User.objects.filter(email=email).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        now = timezone.now()
        if user.locked_until and user.locked_until > now:
            raise AccountLocked(user.locked_until)
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
                user.failed_login_count, user.locked_until = 0, None
            return user
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
            user.refresh_from_db(fields=["failed_login_count"])
            locked = user.failed_login_count >= settings.LOCKOUT_THRESHOLD
            if locked:
                until = now + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
                User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
            audit_record(
                actor=None,
                action="account_locked" if locked else "sign_in_failed",
                obj=user,
                kind=Kind.SECURITY,
                detail={"email": email},
            )
        return None
