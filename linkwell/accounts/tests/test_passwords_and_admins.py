from __future__ import annotations

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from linkwell.accounts import services
from linkwell.accounts.models import Membership, OrganisationKind, Role, User
from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ValidationFailed


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!pw", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("839274615093", "This password is entirely numeric."),
        (
            "alllowercaseletters",
            "Use at least three of: lower-case letters, capital letters, numbers and symbols.",
        ),
    ],
)
def test_weak_passwords_are_rejected_with_a_specific_reason(db, password, message) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert message in exc.value.messages


def test_a_password_like_the_email_address_is_rejected(db) -> None:
    user = User(email="margaret.oswestry@example.org")
    with pytest.raises(ValidationError) as exc:
        validate_password("Margaret.Oswestry1", user=user)
    assert "The password is too similar to the email." in exc.value.messages


def test_a_strong_password_passes(db) -> None:
    validate_password("Brisk-Heron-Lantern-77")


def test_user_create_refuses_a_weak_password_and_creates_nobody(db) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=None, email="new@example.org", password="short")
    assert (
        "This password is too short. It must contain at least 12 characters."
        in (exc.value.errors["password"])
    )
    assert not User.objects.filter(email="new@example.org").exists()
    assert not AuditEvent.objects.exists()


def test_user_create_refuses_a_taken_email_whatever_its_case(personas) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(
            actor=None, email="OWNER@shed.example", password="Brisk-Heron-Lantern-77"
        )
    assert exc.value.errors["email"] == [
        "A user with the email address owner@shed.example already exists."
    ]


def test_createadmin_makes_an_administrator_who_can_open_the_admin(client, db, monkeypatch) -> None:
    monkeypatch.setenv("LINKWELL_ADMIN_PASSWORD", "Brisk-Heron-Lantern-77")
    out = io.StringIO()
    call_command("createadmin", "--email", "First.Admin@Example.org", "--no-input", stdout=out)
    assert "Created administrator first.admin@example.org" in out.getvalue()
    user = User.objects.get(email="first.admin@example.org")
    assert user.is_staff and user.is_superuser
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.ADMINISTRATOR
    assert membership.organisation.kind == OrganisationKind.PLATFORM
    assert set(AuditEvent.objects.filter(channel="command").values_list("action", flat=True)) >= {
        "user_created",
        "organisation_created",
        "membership_created",
    }
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_createadmin_refuses_a_weak_password_and_says_why(db, monkeypatch) -> None:
    monkeypatch.setenv("LINKWELL_ADMIN_PASSWORD", "password")
    with pytest.raises(CommandError) as exc:
        call_command("createadmin", "--email", "a@example.org", "--no-input")
    assert "This password is too short" in str(exc.value)
    assert "This password is too common." in str(exc.value)
    assert not User.objects.exists()


def test_createadmin_without_a_password_says_where_to_put_it(db, monkeypatch) -> None:
    monkeypatch.delenv("LINKWELL_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match=r"LINKWELL_ADMIN_PASSWORD"):
        call_command("createadmin", "--email", "a@example.org", "--no-input")


def test_createsuperuser_works_with_an_email_address(client, db, monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Brisk-Heron-Lantern-77")
    call_command(
        "createsuperuser", "--email", "root@example.org", "--no-input", stdout=io.StringIO()
    )
    user = User.objects.get(email="root@example.org")
    assert user.is_superuser and user.is_staff
    assert user.check_password("Brisk-Heron-Lantern-77")
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_createsuperuser_is_audited_on_the_command_channel_and_checks_the_password_rules(
    client, db, monkeypatch
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "password")
    with pytest.raises(CommandError) as exc:
        call_command("createsuperuser", "--email", "root@example.org", "--no-input")
    assert "This password is too common." in str(exc.value)
    assert not User.objects.exists()

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Brisk-Heron-Lantern-77")
    call_command(
        "createsuperuser", "--email", "root@example.org", "--noinput", stdout=io.StringIO()
    )
    user = User.objects.get(email="root@example.org")
    event = AuditEvent.objects.get(action="user_created", object_id=str(user.uuid))
    assert event.channel == "command"
    assert event.changes["is_superuser"] == [None, True]
    # Like createadmin: an administrator by role too, so the role-based checks see them.
    assert Membership.objects.get(user=user).role == Role.ADMINISTRATOR


def _typed_passwords(monkeypatch, *typed: str) -> None:
    answers = iter(typed)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))


def test_changepassword_sets_the_password_and_audits_it_on_the_command_channel(
    personas, monkeypatch
) -> None:
    new = "Brisk-Heron-Lantern-77"
    _typed_passwords(monkeypatch, new, new)
    out = io.StringIO()
    call_command("changepassword", "Owner@Shed.Example", stdout=out)
    assert "Password changed for owner@shed.example" in out.getvalue()
    personas.owner.refresh_from_db()
    assert personas.owner.check_password(new)
    event = AuditEvent.objects.get(action="password_changed_by_administrator")
    assert event.channel == "command"
    assert event.object_id == str(personas.owner.uuid)
    assert event.changes == {"password": ["(redacted)", "(redacted)"]}


def test_changepassword_refuses_a_weak_password_and_changes_nothing(personas, monkeypatch) -> None:
    _typed_passwords(monkeypatch, "password", "password")
    with pytest.raises(CommandError) as exc:
        call_command("changepassword", personas.owner.email, stdout=io.StringIO())
    assert "This password is too common." in str(exc.value)
    personas.owner.refresh_from_db()
    assert personas.owner.check_password("Correct-Horse-42!")
    assert not AuditEvent.objects.exists()


def test_changepassword_says_when_there_is_no_such_user(db) -> None:
    with pytest.raises(CommandError, match=r"There is no user 'ghost@example\.org'"):
        call_command("changepassword", "ghost@example.org")
