"""Creating users (the password rules checked first), setting a password for someone, and
platform administrators.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from linkwell.accounts.models import OrganisationKind, Role, User
from linkwell.accounts.services.memberships import membership_grant
from linkwell.accounts.services.organisations import _organisation_get_or_create
from linkwell.accounts.services.records import REDACTED
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed


def user_create(
    *,
    actor: User | None,
    email: str,
    password: str,
    full_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user after checking the password against settings.AUTH_PASSWORD_VALIDATORS.

    Raises ValidationFailed with every reason (e.g. "This password is too short...") and creates
    nothing when the email is taken or the password is weak.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    errors: dict[str, list[str]] = {}
    if not email or "@" not in email:
        errors["email"] = ["Enter an email address, like name@example.org."]
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = [f"A user with the email address {email} already exists."]
    try:
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        audit_record(
            actor=actor,
            action=AuditAction.USER_CREATED,
            obj=user,
            changes={
                "email": [None, email],
                "is_staff": [None, is_staff],
                "is_superuser": [None, is_superuser],
            },
        )
    return user


def user_password_set(*, actor: User | None, user: User, password: str) -> None:
    """Set someone's password for them (an administrator or operator, e.g. `changepassword`).

    Raises ValidationFailed with every reason, changing nothing, when the password breaks
    settings.AUTH_PASSWORD_VALIDATORS. The audit event never holds the password or its hash.
    """
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            actor=actor,
            action=AuditAction.PASSWORD_CHANGED_BY_ADMINISTRATOR,
            obj=user,
            kind=Kind.SECURITY,
            changes={"password": [REDACTED, REDACTED]},
        )


def administrator_create(
    *, actor: User | None, email: str, password: str, full_name: str = ""
) -> User:
    """The first (or a further) platform administrator: staff + superuser, and an ADMINISTRATOR
    membership of the platform operator organisation (created when missing)."""
    with transaction.atomic():
        user = user_create(
            actor=actor,
            email=email,
            password=password,
            full_name=full_name,
            is_staff=True,
            is_superuser=True,
        )
        platform, _ = _organisation_get_or_create(
            actor=actor,
            name="Platform administration",
            kind=OrganisationKind.PLATFORM,
            defaults={"require_two_factor": False},
        )
        membership_grant(actor=actor, user=user, organisation=platform, role=Role.ADMINISTRATOR)
    return user
