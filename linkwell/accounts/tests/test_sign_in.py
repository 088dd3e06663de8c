from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from linkwell.accounts.models import User
from linkwell.audit.models import AuditEvent, Kind
from tests.personas import PASSWORD

LOGIN = reverse("accounts:login")
WRONG = "Not-The-Password-1!"


def _sign_in(client: Any, email: str, password: str, **extra: str) -> Any:
    return client.post(LOGIN, {"email": email, "password": password, **extra})


def test_it_signs_in_with_email_and_password_and_audits_it(client, personas) -> None:
    response = _sign_in(client, "Owner@Shed.Example", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action="signed_in", actor_id=personas.owner.pk, kind=Kind.SECURITY
    ).exists()


def test_it_rejects_a_wrong_password_with_a_clear_message(client, personas) -> None:
    response = _sign_in(client, personas.owner.email, WRONG)
    assert response.status_code == 200
    assert "Enter a correct email address and password." in response.content.decode()
    personas.owner.refresh_from_db()
    assert personas.owner.failed_login_count == 1
    event = AuditEvent.objects.get(action="sign_in_failed", object_id=str(personas.owner.uuid))
    assert event.kind == Kind.SECURITY
    assert event.channel == "web"


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client, personas) -> None:
    known = _sign_in(client, personas.owner.email, WRONG).content.decode()
    unknown = _sign_in(client, "nobody@nowhere.example", WRONG).content.decode()
    assert "Enter a correct email address and password." in unknown

    def strip(html: str) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html.replace("owner@shed.example", "").replace("nobody@nowhere.example", "")

    assert strip(known) == strip(unknown)
    assert AuditEvent.objects.filter(
        action="sign_in_failed", detail__reason="unknown_email"
    ).exists()


@override_settings(LOCKOUT_THRESHOLD=3, LOCKOUT_MINUTES=15)
def test_it_locks_the_account_after_repeated_failures_and_says_until_when(
    client, personas, clock
) -> None:
    for _ in range(2):
        assert "Enter a correct" in _sign_in(client, personas.owner.email, WRONG).content.decode()
    page = _sign_in(client, personas.owner.email, WRONG).content.decode()
    # 10:00 UTC on 4 March 2030 is 10:00 in London (GMT); locked for 15 minutes.
    assert "This account is locked until 10:15 on 4 March 2030" in page
    assert AuditEvent.objects.filter(action="account_locked", kind=Kind.SECURITY).count() == 1

    # Even the right password does not open a locked account early...
    clock.advance(minutes=14)
    page = _sign_in(client, personas.owner.email, PASSWORD).content.decode()
    assert "locked until 10:15" in page
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sign_in_refused_locked").count() == 1

    # ...but it opens once the lock has run out, and the count starts again.
    clock.advance(minutes=2)
    assert _sign_in(client, personas.owner.email, PASSWORD).status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.failed_login_count == 0
    assert personas.owner.locked_until is None


def test_a_successful_sign_in_records_how_many_failures_it_cleared(client, personas) -> None:
    for _ in range(2):
        _sign_in(client, personas.owner.email, WRONG)
    assert _sign_in(client, personas.owner.email, PASSWORD).status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.failed_login_count == 0
    event = AuditEvent.objects.get(action="signed_in", actor_id=personas.owner.pk)
    assert event.detail == {"failed_attempts_cleared": 2}


@override_settings(LOCKOUT_THRESHOLD=2, LOCKOUT_MINUTES=15)
def test_an_unknown_email_locks_just_like_a_real_one(client, personas, clock) -> None:
    """Otherwise the lockout message itself would reveal which emails have accounts."""
    _sign_in(client, "nobody@nowhere.example", WRONG)
    page = _sign_in(client, "nobody@nowhere.example", WRONG).content.decode()
    assert "This account is locked until 10:15 on 4 March 2030" in page


@override_settings(LOCKOUT_THRESHOLD=2)
def test_the_lock_message_uses_british_summer_time_in_summer(client, personas, clock) -> None:
    import datetime as dt

    clock.now = dt.datetime(2030, 7, 1, 9, 0, tzinfo=dt.UTC)
    _sign_in(client, personas.owner.email, WRONG)
    page = _sign_in(client, personas.owner.email, WRONG).content.decode()
    assert "locked until 10:15 on 1 July 2030" in page


def test_an_inactive_user_cannot_sign_in(client, personas) -> None:
    User.objects.filter(pk=personas.owner.pk).update(is_active=False)
    response = _sign_in(client, personas.owner.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_changes_the_session_key_at_sign_in(client, personas) -> None:
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _sign_in(client, personas.owner.email, PASSWORD)
    assert client.session.session_key != before


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/directory/", "/directory/"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_it_only_follows_next_links_to_this_site(client, personas, next_url, expected) -> None:
    response = _sign_in(client, personas.owner.email, PASSWORD, next=next_url)
    assert response["Location"] == expected


def test_sign_out_needs_a_post_and_is_audited(client, personas) -> None:
    client.force_login(personas.owner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="signed_out", actor_id=personas.owner.pk).exists()
    assert client.get("/")["Location"].startswith(LOGIN)


def test_anonymous_visitors_are_sent_to_sign_in(client, db) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- failed sign-ins per client (linkwell/accounts/client_limit.py) ---------------------------


def _from(client: Any, address: str, email: str, password: str) -> Any:
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=address)


@override_settings(LINKWELL_SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR=4, LOCKOUT_THRESHOLD=5)
def test_a_password_sprayer_is_stopped_without_learning_which_accounts_exist(
    client, personas
) -> None:
    sprayer = "203.0.113.50"
    emails = [
        personas.owner.email,
        "nobody@nowhere.example",
        personas.teammate.email,
        "ghost@nowhere.example",
    ]
    for email in emails:
        answer = _from(client, sprayer, email, WRONG)
        assert answer.status_code == 200
        assert "Enter a correct email address and password." in answer.content.decode()
    # No account took more than one failure: the per-account lockout alone would never stop this.
    refusals = {}
    for email in [personas.read_only.email, "other@nowhere.example"]:
        refused = _from(client, sprayer, email, WRONG)
        assert refused.status_code == 429
        refusals[email] = refused.content.decode()
        assert "too many failed sign-ins from this device or network" in refusals[email]
    # The same answer for an account that exists and one that does not.

    def strip(html: str) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html.replace(personas.read_only.email, "").replace("other@nowhere.example", "")

    assert len({strip(html) for html in refusals.values()}) == 1
    # Even the right password is refused from that client (a right guess is not revealed), and
    # no password was checked: the account's own count did not move.
    assert _from(client, sprayer, personas.owner.email, PASSWORD).status_code == 429
    personas.read_only.refresh_from_db()
    assert personas.read_only.failed_login_count == 0
    events = AuditEvent.objects.filter(action="sign_in_refused_client_limit")
    assert events.count() == 3
    assert {e.kind for e in events} == {Kind.SECURITY}
    assert {e.detail["client"] for e in events} == {sprayer}


@override_settings(LINKWELL_SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR=2)
def test_another_client_still_signs_in_while_one_is_refused(client, personas) -> None:
    for _ in range(2):
        _from(client, "203.0.113.50", "nobody@nowhere.example", WRONG)
    assert _from(client, "203.0.113.50", personas.owner.email, PASSWORD).status_code == 429
    other = _from(client, "198.51.100.20", personas.owner.email, PASSWORD)
    assert other.status_code == 302


@override_settings(LINKWELL_SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR=2)
def test_clients_behind_a_trusted_proxy_are_counted_one_by_one(client, personas, settings) -> None:
    from linkwell.core.env import parse_ip_networks

    settings.TRUSTED_PROXIES = parse_ip_networks("LINKWELL_TRUSTED_PROXIES", ["10.0.0.0/8"])

    def via_proxy(address: str, password: str) -> Any:
        return client.post(
            LOGIN,
            {"email": personas.owner.email, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )

    via_proxy("203.0.113.50", WRONG)
    via_proxy("203.0.113.50", WRONG)
    assert via_proxy("203.0.113.50", PASSWORD).status_code == 429
    assert via_proxy("198.51.100.20", PASSWORD).status_code == 302


@override_settings(LINKWELL_SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR=2)
def test_forms_missing_a_field_do_not_count_as_failed_sign_ins(client, personas) -> None:
    for _ in range(3):
        assert _from(client, "203.0.113.50", "", "").status_code == 200
    assert _from(client, "203.0.113.50", personas.owner.email, PASSWORD).status_code == 302
