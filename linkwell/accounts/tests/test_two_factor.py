from __future__ import annotations

import re
from typing import Any

from django.test import override_settings
from django.urls import reverse

from linkwell.accounts.models import Organisation, User
from linkwell.accounts.secrets import decrypt_secret
from linkwell.accounts.tests.conftest import totp_code
from linkwell.audit.models import AuditEvent
from tests.personas import PASSWORD

LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def _sign_in(client: Any, user: User, **extra: str) -> Any:
    return client.post(LOGIN, {"email": user.email, "password": PASSWORD, **extra})


def _require_two_factor(org: Organisation) -> None:
    Organisation.objects.filter(pk=org.pk).update(require_two_factor=True)


def test_a_required_user_is_sent_to_set_up_and_cannot_go_anywhere_else(
    client, personas, clock
) -> None:
    _require_two_factor(personas.provider_org)
    _sign_in(client, personas.owner)
    for path in ("/", "/directory/", "/audit/", "/admin/", reverse("accounts:account")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(SETUP), path
    assert client.get("/api/schema/").status_code == 403


def test_set_up_shows_a_qr_code_and_the_key_and_keeps_the_key_until_confirmed(
    client, personas, clock
) -> None:
    _require_two_factor(personas.provider_org)
    _sign_in(client, personas.owner)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page
    assert "QR code for your authenticator app" in page
    match = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page)
    assert match is not None
    secret = match.group(1)
    # A second view of the page (or the POST of the code) must show the same key.
    assert secret in client.get(SETUP).content.decode()
    personas.owner.refresh_from_db()
    # Stored encrypted (a database copy alone cannot make codes), read back as shown.
    assert secret not in personas.owner.totp_secret
    assert decrypt_secret(personas.owner.totp_secret) == secret
    assert not personas.owner.has_two_factor


def test_the_whole_required_two_factor_journey(client, personas, clock) -> None:
    _require_two_factor(personas.provider_org)
    owner = personas.owner
    _sign_in(client, owner, next="/directory/")
    client.get(SETUP)

    # A wrong code is refused with a clear message and changes nothing.
    page = client.post(SETUP, {"code": "000000"}).content.decode()
    assert "That security code is not right" in page
    owner.refresh_from_db()
    assert not owner.has_two_factor

    # Something that is not a 6-digit code gets its own message.
    page = client.post(SETUP, {"code": "12ab"}).content.decode()
    assert "Enter the 6-digit code from your authenticator app." in page

    response = client.post(SETUP, {"code": totp_code(owner, clock), "next": "/directory/"})
    # The recovery codes are shown once, then the user goes on to where they were going.
    assert response.status_code == 200
    page = response.content.decode()
    assert "Save your recovery codes" in page
    assert len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", page)) == 10
    assert 'href="/directory/"' in page
    assert "no-store" in response["Cache-Control"]
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_enabled", actor_id=owner.pk).exists()

    # Next sign-in: the password alone is not enough.
    client.post(reverse("accounts:logout"))
    clock.advance(seconds=60)
    _sign_in(client, owner)
    response = client.get("/")
    assert response["Location"].startswith(VERIFY)
    code = totp_code(owner, clock)
    # Typed as the app shows it, with a space in the middle.
    response = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}", "next": "/directory/"})
    assert response["Location"] == "/directory/"
    assert client.get("/").status_code == 200

    # The same code cannot be replayed in another session, even within its 30 seconds.
    client.post(reverse("accounts:logout"))
    _sign_in(client, owner)
    page = client.post(VERIFY, {"code": code}).content.decode()
    assert "has already been used" in page
    assert client.get("/")["Location"].startswith(VERIFY)
    assert AuditEvent.objects.filter(
        action="sign_in_failed", detail__reason="wrong_security_code"
    ).exists()


def test_a_user_with_two_factor_must_enter_a_code_even_when_not_required(
    client, personas, clock
) -> None:
    user = personas.link_worker
    client.force_login(user)
    client.get(SETUP)
    client.post(SETUP, {"code": totp_code(user, clock)})
    client.post(reverse("accounts:logout"))
    _sign_in(client, user)
    assert client.get("/")["Location"].startswith(VERIFY)


def test_a_user_without_the_requirement_can_opt_in_from_their_account_page(
    client, personas, clock
) -> None:
    user = personas.commissioner
    client.force_login(user)
    assert "set up two-factor sign-in" in client.get("/").content.decode()
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Set up two-factor sign-in" in page
    assert client.get("/").status_code == 200  # not forced
    client.get(SETUP)
    response = client.post(SETUP, {"code": totp_code(user, clock)})
    assert f'href="{reverse("accounts:account")}"' in response.content.decode()
    page = client.get(reverse("accounts:account")).content.decode()
    assert "On: you enter a code" in page
    assert "You have 10 unused recovery codes." in page
    User.objects.get(pk=user.pk).has_two_factor  # noqa: B018


@override_settings(LOCKOUT_THRESHOLD=3)
def test_guessing_security_codes_locks_the_account_and_signs_out(client, personas, clock) -> None:
    user = personas.link_worker
    client.force_login(user)
    client.get(SETUP)
    client.post(SETUP, {"code": totp_code(user, clock)})
    client.post(reverse("accounts:logout"))
    _sign_in(client, user)
    for _ in range(2):
        assert client.post(VERIFY, {"code": "123456"}).status_code == 200
    response = client.post(VERIFY, {"code": "123456"}, follow=True)
    assert "This account is locked until" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_security_code_pages_need_a_signed_in_user(client, db) -> None:
    assert client.get(SETUP)["Location"].startswith(LOGIN)
    assert client.get(VERIFY)["Location"].startswith(LOGIN)


def test_a_user_with_two_factor_set_up_cannot_set_it_up_again_to_skip_the_code(
    client, personas, clock
) -> None:
    user = personas.link_worker
    client.force_login(user)
    client.get(SETUP)
    client.post(SETUP, {"code": totp_code(user, clock)})
    client.post(reverse("accounts:logout"))
    _sign_in(client, user)
    assert client.get(SETUP)["Location"] == VERIFY


def _wrong_code(user: User, clock: Any) -> str:
    """A code that is right for none of the steps the server accepts (no chance collision)."""
    right = {totp_code(user, clock, steps=s) for s in (-1, 0, 1)}
    return next(c for c in ("123456", "234567", "345678", "456789") if c not in right)


def _set_up_two_factor(client: Any, user: User, clock: Any) -> None:
    client.force_login(user)
    client.get(SETUP)
    client.post(SETUP, {"code": totp_code(user, clock)})
    client.post(reverse("accounts:logout"))


@override_settings(LOCKOUT_THRESHOLD=3)
def test_signing_in_again_with_the_password_does_not_reset_the_count_of_wrong_codes(
    client, personas, clock
) -> None:
    user = personas.link_worker
    _set_up_two_factor(client, user, clock)
    wrong = _wrong_code(user, clock)
    # Someone who knows the password guesses codes, signing in again before each lockout.
    assert _sign_in(client, user).status_code == 302
    for _ in range(2):
        assert client.post(VERIFY, {"code": wrong}).status_code == 200
    client.post(reverse("accounts:logout"))
    assert _sign_in(client, user).status_code == 302
    response = client.post(VERIFY, {"code": wrong}, follow=True)
    assert "This account is locked until" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Even the right password is refused until the lock ends.
    assert "This account is locked until" in _sign_in(client, user).content.decode()
    assert AuditEvent.objects.filter(
        action="account_locked", actor_id=None, detail__reason="wrong_security_code"
    ).exists()


@override_settings(LOCKOUT_THRESHOLD=3)
def test_a_right_code_clears_earlier_failures_and_says_so_in_the_audit_trail(
    client, personas, clock
) -> None:
    user = personas.link_worker
    _set_up_two_factor(client, user, clock)
    _sign_in(client, user)
    client.post(VERIFY, {"code": _wrong_code(user, clock)})
    client.post(reverse("accounts:logout"))
    clock.advance(seconds=60)
    _sign_in(client, user)
    client.post(VERIFY, {"code": _wrong_code(user, clock)})
    assert client.post(VERIFY, {"code": totp_code(user, clock)}).status_code == 302
    event = AuditEvent.objects.filter(action="two_factor_passed").latest("id")
    assert event.detail == {"failed_attempts_cleared": 2}
    # The count starts again: two more wrong codes in a new sign-in do not lock.
    client.post(reverse("accounts:logout"))
    clock.advance(seconds=60)
    _sign_in(client, user)
    for _ in range(2):
        assert client.post(VERIFY, {"code": _wrong_code(user, clock)}).status_code == 200
    assert client.get("/")["Location"].startswith(VERIFY)


def test_starting_two_factor_set_up_is_audited_without_the_key(client, personas, clock) -> None:
    user = personas.commissioner
    client.force_login(user)
    client.get(SETUP)
    client.get(SETUP)  # the same key again: no second event
    user.refresh_from_db()
    event = AuditEvent.objects.get(action="two_factor_setup_started")
    assert event.actor_id == user.pk
    assert event.channel == "web"
    assert user.totp_secret not in str(event.changes) + str(event.detail)
    assert event.changes == {"totp_secret": [None, "(redacted)"]}
