"""The time bank: members, accounts, and a double-entry ledger of hours (README.md).

Invariants the ledger rests on:

- An `Exchange` is recorded once and never edited nor deleted; its only change is its decision
  (pending -> confirmed | declined), made once through `ExchangeQuerySet.decide`. A mistake is put
  right by a reversing exchange that points at the original (`reverses`, unique: an exchange is
  reversed at most once; a reversal is never itself reversed: services/ledger.py).
- A confirmed exchange writes two `LedgerLine`s, -hours on the giver's account and +hours on
  the receiver's, so the sum of every line (and of every balance, issuing accounts included) is
  zero. Lines are append-only.
- `Account.balance` is a cache of the sum of the account's lines, changed only in the
  transaction that writes the lines, with the account row locked (`linkwell timebank check`
  recomputes it).

Model, queryset and database triggers (migration 0002) refuse the edits; the triggers leave
DELETE alone because the test suite's flush and `linkwell demo --reset` empty the tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NoReturn, TypeVar

from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel


class LedgerImmutableError(RuntimeError):
    pass


class MemberKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    ORGANISATION = "organisation", "Organisation"


class AccountKind(models.TextChoices):
    MEMBER = "member", "Member"
    ISSUING = "issuing", "Issuing (the organisation's own)"
    PARTNER = "partner", "Partner (makes offers to redeem credits for)"


class Category(models.TextChoices):
    GARDENING = "gardening", "Gardening"
    LIFTS = "lifts", "Lifts"
    SHOPPING = "shopping", "Shopping"
    BEFRIENDING = "befriending", "Befriending"
    DIY = "diy", "DIY"
    ADMIN = "admin", "Admin and forms"
    CARE_SUPPORT = "care_support", "Care support"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class ExchangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


class ListingKind(models.TextChoices):
    OFFER = "offer", "I can offer"
    REQUEST = "request", "I'd like"


M = TypeVar("M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("The time bank's ledger cannot be edited.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("The time bank's ledger cannot be edited.")

    def delete(self) -> NoReturn:
        raise LedgerImmutableError(
            "The time bank's ledger cannot be deleted from: record a reversing exchange."
        )


class TimebankMember(PublicIdModel, TimestampedModel):
    """Someone (or an organisation) in a time bank run by `organisation`. An individual may be
    linked to their volunteer record and to a sign-in (for their own page)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="timebank_members"
    )
    kind = models.CharField(
        max_length=20, choices=MemberKind.choices, default=MemberKind.INDIVIDUAL
    )
    name = models.CharField(max_length=200)
    community_member = models.ForeignKey(
        "volunteering.CommunityMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timebank_members",
    )
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timebank_members",
    )
    joined_on = models.DateField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="timebank_one_member_per_user_and_org",
            ),
            models.UniqueConstraint(
                fields=["organisation", "community_member"],
                condition=models.Q(community_member__isnull=False),
                name="timebank_one_member_per_volunteer_and_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Account(PublicIdModel, TimestampedModel):
    """An account of hours. `reference` ("TB-0042") is what people quote; `balance` is the
    cached sum of the account's ledger lines (see the module docstring)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="timebank_accounts"
    )
    member = models.ForeignKey(TimebankMember, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    number = models.PositiveIntegerField(unique=True)
    overdraft_limit_hours = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="How far below zero this account may go; empty: the default for its kind.",
    )
    balance = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overdraft_limit_hours__isnull=True)
                | models.Q(overdraft_limit_hours__gte=0),
                name="timebank_overdraft_not_negative",
            )
        ]

    @property
    def reference(self) -> str:
        return f"TB-{self.number:04d}"

    def __str__(self) -> str:
        return f"{self.reference} {self.member.name}"


class ExchangeQuerySet(models.QuerySet["Exchange"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("Exchanges cannot be edited: record a reversing exchange.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("Exchanges cannot be edited: record a reversing exchange.")

    def delete(self) -> NoReturn:
        raise LedgerImmutableError("Exchanges cannot be deleted: record a reversing exchange.")

    def decide(self, **fields: Any) -> int:
        """The one change an exchange may have: its decision, once, from pending. Only the
        decision's own fields may be written (services/ledger.py `_decide` is the caller)."""
        allowed = {"status", "decided_by", "decided_at", "decline_reason"}
        if not set(fields) <= allowed:
            raise LedgerImmutableError(
                f"Exchanges cannot be edited: {sorted(set(fields) - allowed)}"
            )
        return models.QuerySet.update(self.filter(status=ExchangeStatus.PENDING), **fields)


class Exchange(PublicIdModel):
    """Credits moving from one account to another. When Ann gives Bob an hour of her time, Ann
    earns a credit and Bob pays it: `from_account` is Bob's (who received the help, redeemed an
    offer, or the issuing account), `to_account` is Ann's (who gave the time). Pending until
    the other side or a broker confirms."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="timebank_exchanges"
    )
    from_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    to_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    category = models.CharField(max_length=20, choices=Category.choices)
    happened_on = models.DateField(db_index=True)
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=20, choices=ExchangeStatus.choices, default=ExchangeStatus.PENDING
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_via = models.CharField(max_length=20, default="web")
    # Which side recorded it: the other side (or a broker) confirms.
    recorded_by_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )

    objects = ExchangeQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="timebank_hours_positive"),
            models.CheckConstraint(
                condition=~models.Q(from_account=models.F("to_account")),
                name="timebank_not_same_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h {self.get_category_display()} on {self.happened_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutableError("Exchanges cannot be edited: record a reversing exchange.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("Exchanges cannot be deleted: record a reversing exchange.")


class LedgerLine(models.Model):
    """One side of a confirmed exchange: signed hours on one account."""

    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    hours = models.DecimalField(max_digits=8, decimal_places=2)
    created_at = models.DateTimeField()

    objects = AppendOnlyQuerySet["LedgerLine"].as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "account"], name="timebank_one_line_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on account {self.account_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutableError("Ledger lines cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutableError("Ledger lines cannot be deleted.")


class Listing(PublicIdModel, TimestampedModel):
    """What a member can offer ("lifts to hospital, gardening") or would like ("help with
    forms"), in their own words; the broker matches one to the other."""

    member = models.ForeignKey(TimebankMember, on_delete=models.CASCADE, related_name="listings")
    kind = models.CharField(max_length=10, choices=ListingKind.choices)
    text = models.CharField(max_length=300)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class ListingMatch(PublicIdModel, TimestampedModel):
    """A broker's introduction of an offer to a request, with the reasons shown; `exchange` is
    the exchange recorded when the help was given."""

    offer = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="matches")
    reasons = models.JSONField(default=list)
    score = models.FloatField(default=0)
    made_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exchange = models.ForeignKey(
        Exchange, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]


class PartnerOffer(PublicIdModel, TimestampedModel):
    """Something a partner offers members for their credits (a gym session, a course place)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="partner_offers")
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SupportPackage(PublicIdModel, TimestampedModel):
    """Low-level support for a person and the mix paying for it: hours from a personal budget
    (with the £), hours paid in time credits (a real exchange from the person's account to the
    provider's), and the person's own funds (£)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="timebank_packages"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="timebank_packages"
    )
    description = models.CharField(max_length=300)
    starts_on = models.DateField()
    budget_hours = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    budget_amount = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    credit_hours = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    credit_exchange = models.ForeignKey(
        Exchange, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    own_funds_amount = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.description


class CreditedActivity(models.Model):
    """A volunteer's logged activity that has been issued as credits (once: `activity` is
    unique), and the issuing exchange that credited it."""

    activity = models.OneToOneField(
        "volunteering.Activity", on_delete=models.PROTECT, related_name="timebank_credit"
    )
    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="credited")

    objects = AppendOnlyQuerySet["CreditedActivity"].as_manager()

    def __str__(self) -> str:
        return f"Activity {self.activity_id} credited by exchange {self.exchange_id}"
