"""The password rules as the password-setting service and form apply them (AUTH_PASSWORD_VALIDATORS):
Django's similarity, length, common-password and all-digit checks, and Linkwell's own."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm

from linkwell.accounts import services
from linkwell.accounts.models import User
from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ValidationFailed

COMMON_VARIANT = (
    "This password is a common password with letters swapped for numbers or symbols, or numbers "
    "added: choose words that are not a known password."
)
CONTAINS_NAME = "Your password must not contain your name or your email address."


def test_djangos_four_validators_are_all_active_and_similarity_checks_email_and_name() -> None:
    validators = cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS)
    names = [v["NAME"].rsplit(".", 1)[-1] for v in validators]
    assert {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    } <= set(names)
    similarity = validators[names.index("UserAttributeSimilarityValidator")]
    assert set(similarity["OPTIONS"]["user_attributes"]) == {"email", "full_name"}


@pytest.fixture
def margaret(db: None) -> User:
    return User.objects.create_user(
        email="m.jones@example.org", password="Brisk-Heron-Lantern-77", full_name="Margaret Jones"
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("P@ssw0rd12345", COMMON_VARIANT),
        ("Margaret-Garden-2024", CONTAINS_NAME),
        ("Lantern-JONES-Heron-7", CONTAINS_NAME),
        ("Margaret.Jones1", "The password is too similar to the full name."),
    ],
)
def test_setting_a_weak_password_is_refused_with_a_specific_reason_and_changes_nothing(
    margaret: User, password: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.user_password_set(actor=None, user=margaret, password=password)
    assert message in exc.value.errors["password"]
    margaret.refresh_from_db()
    assert margaret.check_password("Brisk-Heron-Lantern-77")
    assert not AuditEvent.objects.exists()


def test_creating_a_user_refuses_a_password_containing_their_name(db: None) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(
            actor=None,
            email="k.price@example.org",
            full_name="Kieran Price",
            password="Kieran-Likes-Trains-9",
        )
    assert CONTAINS_NAME in exc.value.errors["password"]
    assert not User.objects.filter(email="k.price@example.org").exists()


def test_the_set_password_form_refuses_the_common_variant(margaret: User) -> None:
    form = SetPasswordForm(
        margaret, {"new_password1": "P@ssw0rd12345", "new_password2": "P@ssw0rd12345"}
    )
    assert not form.is_valid()
    assert COMMON_VARIANT in form.errors["new_password2"]


def test_a_strong_password_unrelated_to_the_user_is_accepted(margaret: User) -> None:
    services.user_password_set(actor=None, user=margaret, password="Brisk-Heron-Lantern-78")
    margaret.refresh_from_db()
    assert margaret.check_password("Brisk-Heron-Lantern-78")


# --- passwords seen in data breaches (validators.BreachedPasswordValidator) -------------------

BREACHED = "This password has appeared in data breaches"


@pytest.mark.parametrize(
    "password", ["iseedeadpeople", "WhosYourDaddy", "1234qwerasdf", "Chickenwing101"]
)
def test_breached_passwords_that_djangos_list_misses_are_refused(password: str) -> None:
    from django.contrib.auth.password_validation import (
        CommonPasswordValidator,
        validate_password,
    )
    from django.core.exceptions import ValidationError

    assert password.lower() not in CommonPasswordValidator().passwords
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(BREACHED in message for message in refused.value.messages)


def test_a_breached_password_is_refused_when_a_user_sets_it(margaret: User) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.user_password_set(actor=margaret, user=margaret, password="Chickenwing101")
    assert BREACHED in str(refused.value.errors)
    margaret.refresh_from_db()
    assert margaret.check_password("Brisk-Heron-Lantern-77")


def test_the_breached_list_is_larger_than_djangos_and_loaded_once() -> None:
    from django.contrib.auth.password_validation import CommonPasswordValidator

    from linkwell.accounts.validators import BreachedPasswordValidator, breached_passwords

    assert len(breached_passwords()) > len(CommonPasswordValidator().passwords)
    assert breached_passwords() is breached_passwords()
    BreachedPasswordValidator().validate("Brisk-Heron-Lantern-77")  # a good one passes
