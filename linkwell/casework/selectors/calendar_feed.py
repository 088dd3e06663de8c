"""The per-user token of the calendar feed's URL and the contacts the feed lists (the feed
itself is rendered by casework/calendar.py)."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from linkwell.accounts.models import User
from linkwell.casework.access import case_team_ids
from linkwell.casework.models import Appointment

_CALENDAR_SALT = "linkwell.casework.calendar-feed"


def _calendar_mac(user: User) -> str:
    # The password hash is part of the key: changing the password revokes old feed links, the
    # way Django's password-reset tokens are revoked.
    return salted_hmac(
        _CALENDAR_SALT, f"{user.uuid.hex}:{user.password}", algorithm="sha256"
    ).hexdigest()[:32]


def calendar_token(user: User) -> str:
    """A per-user token for the .ics feed URL: calendar apps cannot sign in, so the URL is the
    credential. It names the user (uuid) and carries an HMAC; no session needed."""
    return f"{user.uuid.hex}-{_calendar_mac(user)}"


def user_for_calendar_token(token: str) -> User | None:
    uuid_hex, _, mac = token.partition("-")
    if len(uuid_hex) != 32 or not mac:
        return None
    try:
        user = User.objects.get(uuid=uuid_hex, is_active=True)
    except (User.DoesNotExist, ValueError, signing.BadSignature):
        return None
    if not constant_time_compare(mac, _calendar_mac(user)):
        return None
    return user


def calendar_appointments(*, user: User, now: dt.datetime | None = None) -> QuerySet[Appointment]:
    """The worker's contacts from 30 days back to a year ahead, in their teams' cases."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(
            case__link_worker_service_id__in=case_team_ids(user),
            starts_at__gte=now - dt.timedelta(days=30),
            starts_at__lte=now + dt.timedelta(days=366),
        )
        .filter(Q(with_user=user) | Q(with_user__isnull=True, case__assigned_to=user))
        .select_related("case__person")
        .order_by("starts_at")
    )
