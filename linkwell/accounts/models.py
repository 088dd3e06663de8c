"""Organisations, areas, users and their memberships (roles)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel


class Area(PublicIdModel, TimestampedModel):
    """A locality or area that organisations are grouped into (e.g. a PCN footprint, a borough)."""

    name = models.CharField(max_length=200, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    GP_PRACTICE = "gp_practice", "GP practice"
    PCN = "pcn", "Primary care network"
    LINK_WORKER_SERVICE = "link_worker_service", "Link-worker service"
    VCSE_PROVIDER = "vcse_provider", "VCSE / community provider"
    LOCAL_AUTHORITY = "local_authority", "Local authority department"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue service"
    REFERRING_AGENCY = "referring_agency", "Other referring agency"
    COMMISSIONER = "commissioner", "Commissioner"
    PLATFORM = "platform", "Platform operator"


class Organisation(PublicIdModel, TimestampedModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    ods_code = models.CharField(max_length=20, blank=True, help_text="NHS ODS code, if any.")
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="E.g. the PCN a practice belongs to.",
    )
    postcode = models.CharField(max_length=10, blank=True)
    require_two_factor = models.BooleanField(
        default=False, help_text="Staff must set up and use TOTP two-factor sign-in."
    )
    is_active = models.BooleanField(default=True)
    # A link-worker service's target for the first contact with someone referred (Wigan's
    # "seen within a week"): triage flags referrals approaching it; the quarterly report gives
    # the share seen within it.
    first_contact_target_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="Days from a referral being received to the first contact (link-worker "
        "services).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="org_unique_name_kind")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    LINK_WORKER = "link_worker", "Link worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    REFERRER = "referrer", "Referrer"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    COMMISSIONER = "commissioner", "Commissioner / analyst"
    VOLUNTEER = "volunteer", "Volunteer"
    # Runs an organisation's volunteers: recruits, checks, matches and reviews (volunteering).
    COORDINATOR = "coordinator", "Volunteer coordinator"
    ADMINISTRATOR = "administrator", "Administrator"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """Someone who signs in. Email is the sign-in name."""

    username = None  # type: ignore[assignment]
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # Sign-in protection (linkwell/accounts/README.md).
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Encrypted at rest (accounts/secrets.py); read it with `decrypt_secret`.
    totp_secret = models.CharField(max_length=255, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_counter = models.BigIntegerField(
        null=True, blank=True, help_text="Last accepted TOTP time step; stops code replay."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()  # type: ignore[assignment,misc]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def has_two_factor(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)


class Membership(PublicIdModel, TimestampedModel):
    """A user's role in an organisation. One user may hold several memberships."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    read_only = models.BooleanField(
        default=False, help_text="Can see what the role sees but change nothing."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class UnknownEmailThrottle(models.Model):
    """Failed sign-ins for email addresses that have no account.

    Counted and locked exactly like a real account (linkwell/accounts/backends.py), so that after
    LOCKOUT_THRESHOLD tries an unknown address shows the same "locked until" message as a known
    one: the lockout itself must not reveal who has an account. Keyed by a SHA-256 digest so
    the table does not collect typed addresses.
    """

    email_digest = models.CharField(max_length=64, unique=True)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.email_digest[:12]


class RecoveryCode(models.Model):
    """A one-time code that signs a user in when their authenticator is lost. Only a keyed hash
    is kept (accounts/services/recovery_codes.py); the codes are shown once, when issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code for {self.user}{' (used)' if self.used_at else ''}"
