"""Applying for a grant: from the public form (no account) or from staff signed in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import OrganisationKind, User
from linkwell.accounts.selectors import memberships_for_user
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.grants.models import Application, ReferenceSequence, Round, Tier, WhoMayApply
from linkwell.grants.selectors.gaps import gaps_for_keys
from linkwell.grants.services._common import Errors, clean_count, clean_money, clean_text, money
from linkwell.grants.services.notifications import send_after_commit

MAX_GAPS = 10
PRACTICE_KINDS = (OrganisationKind.GP_PRACTICE, OrganisationKind.PCN)

# (field, limit, message when missing or None if optional, label)
TEXT_FIELDS: tuple[tuple[str, int, str | None, str], ...] = (
    ("applicant_name", 100, "Enter your name", "Your name"),
    ("applicant_email", 254, "Enter your email address", "Your email address"),
    ("applicant_phone", 30, None, "Your phone number"),
    ("group_name", 200, None, "The group's name"),
    ("title", 200, "Give your idea a short name", "The name of your idea"),
    ("summary", 4000, "Describe your idea and what the money is for", "The description"),
    ("place", 200, None, "Where it will happen"),
    ("who_it_reaches", 500, "Say who it will reach", "Who it will reach"),
)


def round_state(round_: Round) -> str:
    """ "upcoming", "open" or "closed", by today's date in London."""
    today = timezone.localdate()
    if today < round_.opens_on:
        return "upcoming"
    if today > round_.closes_on:
        return "closed"
    return "open"


def is_practice_staff(user: User | AnonymousUser | None) -> bool:
    return memberships_for_user(user=user).filter(organisation__kind__in=PRACTICE_KINDS).exists()


def application_errors(
    *,
    actor: User | AnonymousUser | None,
    round_: Round,
    tier: Tier | None,
    data: Mapping[str, Any],
    gap_keys: Sequence[str],
) -> tuple[Errors, dict[str, Any], list[int]]:
    """Every problem with an application, and the cleaned values (the form shows them all)."""
    errors = Errors()
    clean: dict[str, Any] = {}
    for key, limit, required, label in TEXT_FIELDS:
        clean[key] = clean_text(
            errors, key, data.get(key), limit=limit, required=required, label=label
        )
    if clean["applicant_email"] and "applicant_email" not in errors:
        try:
            EmailValidator()(clean["applicant_email"])
        except ValidationError:
            errors.add(
                "applicant_email",
                "Enter an email address in the correct format, like name@example.com",
            )
        clean["applicant_email"] = clean["applicant_email"].lower()
    state = round_state(round_)
    if state != "open":
        errors.add(
            "__all__",
            f"{round_} is closed: it took applications from {round_.opens_on:%-d %B %Y} "
            f"to {round_.closes_on:%-d %B %Y}."
            if state == "closed"
            else f"{round_} opens on {round_.opens_on:%-d %B %Y}.",
        )
    amount = clean_money(
        errors,
        "amount_requested",
        data.get("amount_requested"),
        required="Enter how much you are asking for",
    )
    if tier is None or tier.programme_id != round_.programme_id:
        errors.add("tier", "Choose one of this programme's awards")
    else:
        if tier.who_may_apply == WhoMayApply.PRACTICE_STAFF and not is_practice_staff(actor):
            errors.add(
                "tier",
                f"The {tier.name} award is for GP practice staff: sign in to Linkwell with your "
                "practice account to apply",
            )
        if amount is not None and not tier.minimum_amount <= amount <= tier.maximum_amount:
            errors.add(
                "amount_requested",
                f"The {tier.name} award is from {money(tier.minimum_amount)} to "
                f"{money(tier.maximum_amount)}: ask for an amount in that range",
            )
    clean["amount_requested"] = amount
    clean["people_to_reach"] = clean_count(
        errors,
        "people_to_reach",
        data.get("people_to_reach"),
        label="how many people it will reach",
        minimum=1,
    )
    gap_ids: list[int] = []
    keys = [str(k) for k in gap_keys if str(k).strip()]
    if len(keys) > MAX_GAPS:
        errors.add("gaps", f"Choose at most {MAX_GAPS} gaps")
    else:
        gap_ids, unknown = gaps_for_keys(round_.programme, keys)
        if unknown:
            errors.add("gaps", "Choose gaps from the list")
    return errors, clean, gap_ids


def _next_reference(year: int) -> str:
    """GR-<year>-<number>, numbered through the year; the year's row is locked while taken."""
    sequence, _ = ReferenceSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"GR-{year}-{sequence.last:04d}"


def application_submit(
    *,
    actor: User | AnonymousUser | None,
    round_: Round,
    tier: Tier | None,
    data: Mapping[str, Any],
    gap_keys: Sequence[str] = (),
) -> Application:
    """Record an application and email its reference to the applicant (after commit). The
    email carries only the reference and the programme: nothing the public typed, so the form
    cannot be used to send someone else a message."""
    errors, clean, gap_ids = application_errors(
        actor=actor, round_=round_, tier=tier, data=data, gap_keys=gap_keys
    )
    if errors:
        raise ValidationFailed(errors)
    assert tier is not None
    applicant_user = actor if isinstance(actor, User) and actor.is_authenticated else None
    signed_in = applicant_user is not None
    with transaction.atomic():
        application = Application.objects.create(
            reference=_next_reference(timezone.localdate().year),
            round=round_,
            tier=tier,
            applicant_user=applicant_user,
            **clean,
        )
        if gap_ids:
            application.gaps.set(gap_ids)
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_APPLICATION_SUBMITTED,
            obj=application,
            organisation=round_.programme.organisation,
            detail={
                "reference": application.reference,
                "tier": tier.name,
                "amount": money(application.amount_requested),
                "gaps": len(gap_ids),
                "from": "staff" if signed_in else "public",
            },
        )
        send_after_commit(
            application.applicant_email,
            "received",
            {
                "reference": application.reference,
                "programme": round_.programme.name,
                "round": round_.name,
            },
        )
    return application
