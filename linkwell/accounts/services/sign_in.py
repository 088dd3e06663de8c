"""Account writes: users, organisations, areas, memberships, sign-in protection and two-factor
(TOTP, RFC 6238). Every change writes its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from linkwell.accounts.models import (
    Area,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    UnknownEmailThrottle,
    User,
)
from linkwell.accounts.selectors import organisation_dependents
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record, diff, snapshot
from linkwell.core.exceptions import ValidationFailed

# Never copied into the audit trail: a changed value shows as this marker instead.
SENSITIVE_FIELDS = frozenset({"password", "totp_secret"})
REDACTED = "(redacted)"


class AccountLocked(Exception):
    """Raised while an account is locked after repeated failed sign-ins or security codes."""

    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        super().__init__(f"locked until {until.isoformat()}")


def locked_message(until: dt.datetime) -> str:
    local = timezone.localtime(until)
    return (
        "Too many failed attempts. This account is locked until "
        f"{local:%H:%M} on {local.day} {local:%B %Y}. Try again then, or ask an administrator "
        "to unlock it."
    )


# --- Audited saves of account records (used by the admin and by commands) -----------------


def _audit_fields(obj: models.Model) -> list[str]:
    return [
        f.name
        for f in obj._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at", "last_login"}
    ]


def _redact(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {k: ([REDACTED, REDACTED] if k in SENSITIVE_FIELDS else v) for k, v in changes.items()}


# The event for each (model, what happened) that account_record_save/_delete write.
_RECORD_ACTIONS: dict[tuple[type[models.Model], str], AuditAction] = {
    (Area, "created"): AuditAction.AREA_CREATED,
    (Area, "updated"): AuditAction.AREA_UPDATED,
    (Area, "deleted"): AuditAction.AREA_DELETED,
    (Organisation, "created"): AuditAction.ORGANISATION_CREATED,
    (Organisation, "updated"): AuditAction.ORGANISATION_UPDATED,
    (Organisation, "deleted"): AuditAction.ORGANISATION_DELETED,
    (Membership, "created"): AuditAction.MEMBERSHIP_CREATED,
    (Membership, "updated"): AuditAction.MEMBERSHIP_UPDATED,
    (Membership, "deleted"): AuditAction.MEMBERSHIP_DELETED,
    (User, "created"): AuditAction.USER_CREATED,
    (User, "updated"): AuditAction.USER_UPDATED,
    (User, "deleted"): AuditAction.USER_DELETED,
}


def _organisation_of(obj: models.Model) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, Membership):
        return obj.organisation
    return None


def account_record_save(
    *, actor: User | AnonymousUser | None, obj: Area | Organisation | Membership | User
) -> None:
    """Create or update one account record and audit old/new values (secrets redacted).

    Used by the Django admin's `save_model` (linkwell/accounts/admin.py), whose view already
    holds a transaction; the atomic block here keeps the contract for every other caller.
    """
    if not isinstance(obj, Area | Organisation | Membership | User):
        raise TypeError(f"account_record_save does not handle {type(obj).__name__}")
    fields = _audit_fields(obj)
    with transaction.atomic():
        created = obj.pk is None
        before: dict[str, Any] = {}
        if not created:
            old = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            before = snapshot(old, fields)
        if isinstance(obj, User):
            obj.email = User.objects.normalize_email(obj.email).lower()
        obj.save()
        changes = _redact(diff(before, snapshot(obj, fields)))
        if not created and not changes:
            return
        audit_record(
            actor=actor,
            action=_RECORD_ACTIONS[type(obj), "created" if created else "updated"],
            obj=obj,
            organisation=_organisation_of(obj),
            changes=changes,
        )


def organisation_delete_refusal(*, organisation: Organisation) -> str:
    """Why `organisation` cannot be deleted now ("" when it can)."""
    dependents = organisation_dependents(organisation=organisation)
    if not dependents:
        return ""
    return (
        f"{organisation} cannot be deleted while it has {', '.join(dependents)}. Remove "
        "those first, or untick “Is active” to retire the organisation and keep its history."
    )


def account_record_delete(
    *, actor: User | AnonymousUser | None, obj: Area | Organisation | Membership | User
) -> None:
    """Delete one account record, auditing the values it held.

    An organisation is deleted only when nothing points at it (ValidationFailed otherwise):
    deleting it would cascade into its memberships, and unlink its directory listings, with no
    audit event for either. A user's memberships go with them, listed in the event's detail.
    """
    if not isinstance(obj, Area | Organisation | Membership | User):
        raise TypeError(f"account_record_delete does not handle {type(obj).__name__}")
    fields = _audit_fields(obj)
    with transaction.atomic():
        detail: dict[str, Any] = {}
        if isinstance(obj, Organisation):
            refusal = organisation_delete_refusal(organisation=obj)
            if refusal:
                raise ValidationFailed({"__all__": [refusal]})
        if isinstance(obj, User):
            detail["memberships_removed"] = [
                {"organisation": m.organisation.name, "role": m.role, "id": str(m.uuid)}
                for m in obj.memberships.select_related("organisation").order_by("pk")
            ]
        before = snapshot(obj, fields)
        audit_record(
            actor=actor,
            action=_RECORD_ACTIONS[type(obj), "deleted"],
            obj=obj,
            organisation=_organisation_of(obj),
            changes=_redact({k: [v, None] for k, v in before.items() if v not in ("", None)}),
            detail=detail or None,
        )
        obj.delete()


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


def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    area: Area | None = None,
    parent: Organisation | None = None,
    ods_code: str = "",
    require_two_factor: bool = False,
) -> Organisation:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": ["Enter the organisation's name."]})
    if kind not in OrganisationKind.values:
        raise ValidationFailed(
            {
                "kind": [
                    f"{kind!r} is not an organisation kind ({', '.join(OrganisationKind.values)})."
                ]
            }
        )
    org, _ = _organisation_get_or_create(
        actor=actor,
        name=name,
        kind=kind,
        defaults={
            "area": area,
            "parent": parent,
            "ods_code": ods_code,
            "require_two_factor": require_two_factor,
        },
        must_be_new=True,
    )
    return org


def _organisation_get_or_create(
    *, actor: User | None, name: str, kind: str, defaults: dict[str, Any], must_be_new: bool = False
) -> tuple[Organisation, bool]:
    with transaction.atomic():
        existing = Organisation.objects.filter(name=name, kind=kind).first()
        if existing is not None:
            if must_be_new:
                raise ValidationFailed(
                    {"name": [f"There is already a {OrganisationKind(kind).label} called {name}."]}
                )
            return existing, False
        org = Organisation(name=name, kind=kind, **defaults)
        account_record_save(actor=actor, obj=org)
        return org, True


def membership_grant(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    role: str,
    read_only: bool = False,
) -> Membership:
    """Give `user` a role in `organisation` (a user may hold several). Idempotent: an existing
    membership with that role is re-activated and its read-only flag set."""
    if role not in Role.values:
        raise ValidationFailed({"role": [f"{role!r} is not a role ({', '.join(Role.values)})."]})
    with transaction.atomic():
        membership = Membership.objects.filter(
            user=user, organisation=organisation, role=role
        ).first() or Membership(user=user, organisation=organisation, role=role)
        membership.read_only = read_only
        membership.is_active = True
        account_record_save(actor=actor, obj=membership)
    return membership


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


def user_unlock(*, actor: User | AnonymousUser | None, users: Iterable[User]) -> int:
    """Clear lockouts (an administrator's action)."""
    count = 0
    with transaction.atomic():
        for user in users:
            if user.locked_until is None and not user.failed_login_count:
                continue
            changes = {"locked_until": [user.locked_until, None]}
            User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
            audit_record(
                actor=actor,
                action=AuditAction.ACCOUNT_UNLOCKED,
                obj=user,
                kind=Kind.SECURITY,
                changes=changes,
            )
            count += 1
    return count


def user_reset_two_factor(*, actor: User | AnonymousUser | None, users: Iterable[User]) -> int:
    """Remove a user's authenticator (lost phone). They set it up again at next sign-in when
    their organisation requires it."""
    count = 0
    with transaction.atomic():
        for user in users:
            if not user.totp_secret:
                continue
            User.objects.filter(pk=user.pk).update(
                totp_secret="", totp_confirmed_at=None, totp_last_counter=None
            )
            audit_record(
                actor=actor,
                action=AuditAction.TWO_FACTOR_RESET,
                obj=user,
                kind=Kind.SECURITY,
                changes={"totp_secret": [REDACTED, None]},
            )
            count += 1
    return count


# --- Sign-in protection ---------------------------------------------------------------------


def sign_in_failure_record(*, user: User | None, email: str, reason: str) -> dt.datetime | None:
    """Count a failed password or security code; lock the account at LOCKOUT_THRESHOLD.

    Returns the lock expiry when this failure locked the account. Unknown emails are counted
    and locked the same way (UnknownEmailThrottle) and audited, so neither the per-try answer
    nor the lockout reveals who has an account.
    """
    with transaction.atomic():
        if user is None:
            return _unknown_email_failure(email)
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count"])
        until: dt.datetime | None = None
        if user.failed_login_count >= settings.LOCKOUT_THRESHOLD:
            until = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
            user.locked_until, user.failed_login_count = until, 0
        audit_record(
            actor=None,
            action=AuditAction.ACCOUNT_LOCKED if until else AuditAction.SIGN_IN_FAILED,
            obj=user,
            kind=Kind.SECURITY,
            detail={"email": email, "reason": reason} | ({"locked_until": until} if until else {}),
        )
    return until


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def unknown_email_locked_until(*, email: str) -> dt.datetime | None:
    row = UnknownEmailThrottle.objects.filter(email_digest=_email_digest(email)).first()
    if row is not None and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


def _unknown_email_failure(email: str) -> dt.datetime | None:
    row, _ = UnknownEmailThrottle.objects.select_for_update().get_or_create(
        email_digest=_email_digest(email)
    )
    row.failed_login_count += 1
    until: dt.datetime | None = None
    if row.failed_login_count >= settings.LOCKOUT_THRESHOLD:
        until = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
        row.locked_until, row.failed_login_count = until, 0
    row.save()
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="accounts.user",
        kind=Kind.SECURITY,
        detail={"email": email, "reason": "unknown_email"}
        | ({"locked_until": until} if until else {}),
    )
    return until


def sign_in_refused_locked_record(*, user: User | None, email: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.SIGN_IN_REFUSED_LOCKED,
            obj=user,
            object_type="accounts.user",
            kind=Kind.SECURITY,
            detail={"email": email}
            | ({"locked_until": user.locked_until} if user is not None else {}),
        )


def _failures_clear(user: User) -> int:
    """Reset the failure count and any expired lock; returns how many failures were cleared.
    Call inside a transaction holding the user's row (select_for_update)."""
    cleared = user.failed_login_count
    if cleared or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count, user.locked_until = 0, None
    return cleared


def sign_in_success_record(*, user: User) -> None:
    """A right password. Clears earlier failures, unless the user has two-factor: then the
    password is only the first step, and the count (which wrong security codes add to) is
    cleared by `totp_verify` once the code is right. Otherwise someone who knows the password
    could sign in again and again, guessing LOCKOUT_THRESHOLD - 1 codes each time."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        detail: dict[str, Any] = {}
        if locked.has_two_factor:
            detail["two_factor_pending"] = True
        else:
            cleared = _failures_clear(locked)
            if cleared:
                detail["failed_attempts_cleared"] = cleared
            user.failed_login_count, user.locked_until = 0, None
        audit_record(
            actor=user,
            action=AuditAction.SIGNED_IN,
            obj=user,
            kind=Kind.SECURITY,
            detail=detail or None,
        )


def sign_out_record(*, user: User, reason: str = "") -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.SIGNED_OUT,
            obj=user,
            kind=Kind.SECURITY,
            detail={"reason": reason} if reason else None,
        )


# --- Two-factor (TOTP) ----------------------------------------------------------------------


def totp_secret_for_setup(*, user: User) -> str:
    """The pending secret shown at set-up. Kept across requests (the page's GET and the POST of
    the code must use the same key) until the user confirms a code made with it."""
    if user.has_two_factor:
        raise ValueError("Two-factor sign-in is already set up for this user.")
    if not user.totp_secret:
        with transaction.atomic():
            # Locked and re-read: two set-up pages opened at once must show the same key.
            row = User.objects.select_for_update().only("pk", "totp_secret").get(pk=user.pk)
            if not row.totp_secret:
                row.totp_secret = pyotp.random_base32()
                row.save(update_fields=["totp_secret"])
                # The secret itself never enters the trail (SENSITIVE_FIELDS).
                audit_record(
                    actor=user,
                    action=AuditAction.TWO_FACTOR_SETUP_STARTED,
                    obj=user,
                    kind=Kind.SECURITY,
                    changes={"totp_secret": [None, REDACTED]},
                )
            user.totp_secret = row.totp_secret
    return user.totp_secret


def totp_provisioning_uri(*, user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Linkwell")


def _accept_code(user: User, code: str) -> bool:
    """Valid codes from the current step or one either side, never the same step twice."""
    totp = pyotp.TOTP(user.totp_secret)
    code = "".join(code.split())
    now = timezone.now().timestamp()
    for offset in (0, -1, 1):
        at = now + offset * totp.interval
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
        if not user.totp_secret or user.has_two_factor or not _accept_code(user, code):
            return False
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_confirmed_at", "totp_last_counter"])
        audit_record(
            actor=user, action=AuditAction.TWO_FACTOR_ENABLED, obj=user, kind=Kind.SECURITY
        )
    return True


def totp_verify(*, user: User, code: str) -> bool:
    """Check a sign-in security code. Wrong codes count towards the lockout like wrong
    passwords (a 6-digit code must not be guessable by trying them all), and only a right code
    clears the count (a right password does not: `sign_in_success_record`); raises
    AccountLocked when this failure locked the account."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.locked_until and user.locked_until > timezone.now():
            raise AccountLocked(user.locked_until)
        ok = user.has_two_factor and _accept_code(user, code)
        if ok:
            user.save(update_fields=["totp_last_counter"])
            cleared = _failures_clear(user)
            audit_record(
                actor=user,
                action=AuditAction.TWO_FACTOR_PASSED,
                obj=user,
                kind=Kind.SECURITY,
                detail={"failed_attempts_cleared": cleared} if cleared else None,
            )
            return True
    until = sign_in_failure_record(user=user, email=user.email, reason="wrong_security_code")
    if until is not None:
        raise AccountLocked(until)
    return False
