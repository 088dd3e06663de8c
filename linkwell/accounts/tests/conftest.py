from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pyotp
import pytest

from linkwell.accounts.models import User
from linkwell.accounts.secrets import decrypt_secret


class Clock:
    """A settable clock for django.utils.timezone.now (no sleeps, no wall-clock assertions)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[Clock]:
    c = Clock(dt.datetime(2030, 3, 4, 10, 0, 5, tzinfo=dt.UTC))
    with mock.patch("django.utils.timezone.now", c):
        yield c


def totp_code(user: User, clock: Clock, *, steps: int = 0) -> str:
    user.refresh_from_db()
    return pyotp.TOTP(decrypt_secret(user.totp_secret)).at(clock.now.timestamp() + steps * 30)
