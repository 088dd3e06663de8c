"""Self-completion: the person completes a measure on their phone through a signed link.

- `self_link_create` (link worker, case page): a `SelfCompletionLink` row and its token,
  `TimestampSigner(salt=SALT).sign(link uuid)`. No login is needed to use it: the token is the
  credential, so it is unguessable (HMAC with SECRET_KEY), expires after
  `settings.OUTCOMES_SELF_LINK_DAYS` (checked from the signature's timestamp *and* the row's
  `expires_at`), can be revoked, and works once (`self_link_complete` claims it with a
  conditional UPDATE, so two submissions racing cannot both record).
- `self_link_send` emails or texts it by the person's preferred method, only if they agreed to
  be contacted (casework.followup.reminder_route); otherwise the worker reads it out or copies it.
- The public page shows nothing about the person: only the measure's questions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.core import notify
from linkwell.core.exceptions import ValidationFailed
from linkwell.outcomes.engine import Number
from linkwell.outcomes.models import (
    CompletedBy,
    MeasureAdministration,
    SelfCompletionLink,
    Timepoint,
)
from linkwell.outcomes.registry import UnknownInstrument, get_instrument
from linkwell.outcomes.services import MeasureInput, measure_errors, measure_record

SALT = "linkwell.outcomes.self-completion"


class LinkUnusable(Exception):
    """The link is wrong, expired, revoked or used; the message is shown to the person."""


def _max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.OUTCOMES_SELF_LINK_DAYS)


def self_link_token(link: SelfCompletionLink) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(link.uuid))


def self_link_create(
    *, actor: User | None, case: Case, instrument_id: str, timepoint: str
) -> tuple[SelfCompletionLink, str]:
    errors: dict[str, list[str]] = {}
    instrument = None
    try:
        instrument = get_instrument(instrument_id)
    except UnknownInstrument as exc:
        errors["instrument"] = [str(exc)]
    if instrument is not None:
        if instrument.dynamic is not None or instrument.category == "staff_satisfaction":
            errors["instrument"] = [f"{instrument.short_title} cannot be completed by the person"]
        elif not instrument.has_item_text:
            errors["instrument"] = [
                f"{instrument.short_title}'s questions are licensed and not loaded "
                "(LINKWELL_LICENSED_ITEM_TEXT_DIR); use a paper form instead"
            ]
    if timepoint not in Timepoint.values:
        errors["timepoint"] = ["Choose the timepoint"]
    if errors:
        raise ValidationFailed(errors)
    assert instrument is not None
    now = timezone.now()
    with transaction.atomic():
        link = SelfCompletionLink.objects.create(
            case=case,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            timepoint=timepoint,
            created_by=actor,
            expires_at=now + _max_age(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.OUTCOMES_SELF_LINK_CREATED,
            obj=link,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={
                "instrument": instrument.key,
                "timepoint": timepoint,
                "expires_at": link.expires_at,
            },
        )
    return link, self_link_token(link)


@dataclass(frozen=True)
class SelfLinkSent:
    """How sending the link went, in words for the worker; `sent` only if it left Linkwell."""

    sent: bool
    text: str


def self_link_send(*, actor: User | None, link: SelfCompletionLink, url: str) -> SelfLinkSent:
    """Send the link by the person's preferred method; returns how it went (for the worker)."""
    from linkwell.casework.followup import reminder_route

    case = link.case
    route = reminder_route(case)
    if route is None:
        raise ValidationFailed(
            "The person has not agreed to be contacted by email or text, or has no address for "
            "their preferred method. Read the link to them or give them a paper form."
        )
    channel, address = route
    instrument = get_instrument(link.instrument_id, link.instrument_version)
    days = settings.OUTCOMES_SELF_LINK_DAYS
    body = (
        f"Your link worker has asked you to answer a short questionnaire ({instrument.short_title}). "
        f"It takes a few minutes. Open this link on your phone or computer: {url}\n"
        f"The link works once and for {days} days."
    )
    try:
        result = notify.notify(
            channel=channel,
            to=address,
            subject="A short questionnaire from your link worker",
            body=body,
            kind=notify.MessageKind.SELF_COMPLETE_INVITATION,
            person_id=case.person.pk,
            about=f"{link._meta.label_lower}:{link.uuid}",
        )
    except notify.NotifyError as exc:
        raise ValidationFailed(str(exc)) from exc
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=(
                AuditAction.OUTCOMES_SELF_LINK_SENT
                if result.sent
                else AuditAction.OUTCOMES_SELF_LINK_NOT_SENT
            ),
            obj=link,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"channel": channel, "outcome": result.outcome, "reference": result.reference},
        )
    how = "by email" if channel == notify.EMAIL else "by text message"
    if result.sent:
        return SelfLinkSent(sent=True, text=f"The link was sent {how}.")
    return SelfLinkSent(
        sent=False,
        text=f"The link was {result.outcome} {how}: read it to them or copy it to them.",
    )


def self_link_revoke(*, actor: User | None, link: SelfCompletionLink) -> None:
    with transaction.atomic():
        SelfCompletionLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action=AuditAction.OUTCOMES_SELF_LINK_REVOKED,
            obj=link,
            organisation=link.case.link_worker_service,
            person_id=str(link.case.person.uuid),
        )


def self_link_for_token(token: str) -> SelfCompletionLink:
    """The usable link for `token`, or LinkUnusable with a message for the person."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign(token, max_age=_max_age())
    except signing.SignatureExpired as exc:
        raise LinkUnusable("This link has expired. Ask your link worker for a new one.") from exc
    except signing.BadSignature as exc:
        raise LinkUnusable("This link is not valid. Check it was copied in full.") from exc
    try:
        link_id = uuid.UUID(value)
    except ValueError as exc:
        raise LinkUnusable("This link is not valid. Check it was copied in full.") from exc
    link = (
        SelfCompletionLink.objects.select_related("case__person", "case__link_worker_service")
        .filter(uuid=link_id)
        .first()
    )
    if link is None or link.revoked_at is not None:
        raise LinkUnusable("This link is no longer valid. Ask your link worker for a new one.")
    if link.used_at is not None:
        raise LinkUnusable("This questionnaire has already been completed. Thank you.")
    if link.expires_at <= timezone.now():
        raise LinkUnusable("This link has expired. Ask your link worker for a new one.")
    return link


def self_link_complete(
    *, link: SelfCompletionLink, answers: Mapping[str, Number | None]
) -> MeasureAdministration:
    """Record the person's answers and use up the link, in one transaction."""
    data = MeasureInput(
        instrument_id=link.instrument_id,
        version=link.instrument_version,
        timepoint=link.timepoint,
        administered_on=timezone.localdate(),
        completed_by=CompletedBy.SELF,
        answers=answers,
    )
    errors, _, _ = measure_errors(case=link.case, data=data)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    with transaction.atomic():
        claimed = SelfCompletionLink.objects.filter(
            pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now, updated_at=now)
        if claimed != 1:
            raise LinkUnusable("This questionnaire has already been completed. Thank you.")
        administration = measure_record(actor=None, case=link.case, data=data)
        SelfCompletionLink.objects.filter(pk=link.pk).update(administration=administration)
        audit_record(
            actor=None,
            action=AuditAction.OUTCOMES_SELF_LINK_USED,
            obj=link,
            organisation=link.case.link_worker_service,
            person_id=str(link.case.person.uuid),
            detail={"administration": str(administration.uuid)},
        )
    link.refresh_from_db()
    return administration
