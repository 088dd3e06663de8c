"""Encrypted two-factor secrets and one-time recovery codes."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from linkwell.accounts import services
from linkwell.accounts.models import RecoveryCode, User
from linkwell.accounts.secrets import SecretKeyError, decrypt_secret, new_key
from linkwell.accounts.tests.conftest import totp_code
from linkwell.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
RECOVERY = reverse("accounts:two_factor_recovery")
PASSWORD = "Correct-Horse-42!"


def _with_two_factor(client, user: User, clock) -> list[str]:
    client.force_login(user)
    client.get(SETUP)
    page = client.post(SETUP, {"code": totp_code(user, clock)}).content.decode()
    return re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)


def _sign_in_again(client, user: User) -> None:
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})


def test_the_database_holds_no_usable_secret(client, personas, clock) -> None:
    user = personas.link_worker
    _with_two_factor(client, user, clock)
    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("gAAAAA")
    assert re.fullmatch(r"[A-Z2-7]{32}", decrypt_secret(stored))
    # The codes themselves are kept only as keyed hashes.
    codes = RecoveryCode.objects.filter(user=user)
    assert codes.count() == 10
    assert all(re.fullmatch(r"[0-9a-f]{64}", c.code_hash) for c in codes)


def test_a_recovery_code_signs_in_once(client, personas, clock) -> None:
    user = personas.link_worker
    codes = _with_two_factor(client, user, clock)
    _sign_in_again(client, user)
    assert client.get("/")["Location"].startswith(VERIFY)
    assert "Use a recovery code" in client.get(VERIFY).content.decode()
    response = client.post(RECOVERY, {"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert (
        "You have 9 unused recovery codes."
        in client.get(reverse("accounts:account")).content.decode()
    )
    event = AuditEvent.objects.get(action="two_factor_recovery_code_used")
    assert event.detail["codes_left"] == 9
    assert codes[0] not in str(event.detail)

    _sign_in_again(client, user)
    page = client.post(RECOVERY, {"code": codes[0]}).content.decode()
    assert "has already been used" in page
    assert client.get("/")["Location"].startswith(VERIFY)


@override_settings(LOCKOUT_THRESHOLD=3)
def test_guessing_recovery_codes_counts_towards_the_lockout(client, personas, clock) -> None:
    user = personas.link_worker
    codes = _with_two_factor(client, user, clock)
    _sign_in_again(client, user)
    for _ in range(2):
        assert "is not right" in client.post(RECOVERY, {"code": "aaaaa-aaaaa"}).content.decode()
    response = client.post(RECOVERY, {"code": "aaaaa-aaaaa"})
    assert response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.locked_until is not None
    # While locked even a right code is refused, and it stays unused.
    with pytest.raises(services.AccountLocked):
        services.recovery_code_use(user=user, code=codes[1])
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 10


def test_making_new_codes_replaces_the_old_ones(client, personas, clock) -> None:
    user = personas.link_worker
    old = _with_two_factor(client, user, clock)
    page = client.post(reverse("accounts:recovery_codes_new")).content.decode()
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert not services.recovery_code_use(user=user, code=old[0])
    assert services.recovery_code_use(user=user, code=new[0])


def test_users_without_two_factor_get_no_codes(client, personas) -> None:
    client.force_login(personas.commissioner)
    response = client.post(reverse("accounts:recovery_codes_new"))
    assert response["Location"] == SETUP
    assert not RecoveryCode.objects.exists()
    assert client.get(RECOVERY)["Location"] == SETUP


def test_an_administrator_reset_removes_the_codes(client, personas, clock) -> None:
    user = personas.link_worker
    _with_two_factor(client, user, clock)
    services.user_reset_two_factor(actor=personas.admin, users=[user])
    assert not RecoveryCode.objects.filter(user=user).exists()


def test_keys_rotate_without_losing_an_authenticator(client, personas, clock) -> None:
    user = personas.link_worker
    old_key, new = new_key(), new_key()
    with override_settings(LINKWELL_TOTP_KEYS=[old_key]):
        _with_two_factor(client, user, clock)
        user.refresh_from_db()
        secret = decrypt_secret(user.totp_secret)
    with override_settings(LINKWELL_TOTP_KEYS=[new, old_key]):
        call_command("totp_keys", "--rotate")
        user.refresh_from_db()
    with override_settings(LINKWELL_TOTP_KEYS=[new]):
        assert decrypt_secret(user.totp_secret) == secret
    with override_settings(LINKWELL_TOTP_KEYS=[old_key]), pytest.raises(SecretKeyError):
        decrypt_secret(user.totp_secret)
