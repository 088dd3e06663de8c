"""Confirming contact details: the signed emailed link, the email, and publishing the details
once their owner agrees."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.community.models import Suggestion, SuggestionStatus
from linkwell.community.services.publishing import ASK_A_LINK_WORKER
from linkwell.core.concurrency import lock_versioned, update_versioned
from linkwell.core.exceptions import LinkwellError
from linkwell.core.notify import EMAIL, NotifyError, notify
from linkwell.directory.models import Contact, Phone, Service

logger = logging.getLogger(__name__)


CONTACT_LINK_MAX_AGE = dt.timedelta(days=14)
_CONTACT_SALT = "linkwell.community.contact-confirmation"


def contact_confirmation_token(suggestion: Suggestion) -> str:
    """Signed, timestamped: the suggestion and the email it was sent to (a changed email or a
    confirmed contact makes the link useless)."""
    return signing.TimestampSigner(salt=_CONTACT_SALT).sign_object(
        {"s": str(suggestion.uuid), "e": suggestion.contact_email}
    )


class ContactLinkError(LinkwellError):
    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def suggestion_from_contact_token(token: str, *, lock: bool = False) -> Suggestion:
    try:
        payload = signing.TimestampSigner(salt=_CONTACT_SALT).unsign_object(
            token, max_age=CONTACT_LINK_MAX_AGE
        )
        suggestion_id, email = uuid.UUID(payload["s"]), str(payload["e"])
    except signing.SignatureExpired as exc:
        raise ContactLinkError(
            "expired",
            f"This link has expired (links work for {CONTACT_LINK_MAX_AGE.days} days). "
            "Ask a link worker to send a new one.",
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ContactLinkError(
            "invalid", "This link is not valid. Check you copied the whole link from the email."
        ) from exc
    rows = Suggestion.objects.select_related("service")
    if lock:
        rows = rows.select_for_update(of=("self",))
    suggestion = rows.filter(uuid=suggestion_id).first()
    if (
        suggestion is None
        or suggestion.service is None
        or suggestion.status != SuggestionStatus.APPROVED
        or suggestion.contact_email != email
    ):
        raise ContactLinkError("invalid", "This link no longer applies to a listing.")
    if suggestion.contact_confirmed_at is not None:
        raise ContactLinkError("used", "You have already confirmed these details. Thank you.")
    return suggestion


def _listing(service: Service) -> str:
    return f"The listing “{service.name}”"


def contact_confirm_by_link(*, token: str) -> Suggestion:
    """The contact agreed: publish their name, email and phone on the listing (audited, no
    actor, via emailed link)."""
    with transaction.atomic():
        suggestion = suggestion_from_contact_token(token, lock=True)
        assert suggestion.service_id is not None  # checked by suggestion_from_contact_token
        service = lock_versioned(
            Service, suggestion.service_id, expected_version=None, what=_listing
        )
        contact = Contact.objects.create(
            service=service, name=suggestion.contact_name, email=suggestion.contact_email
        )
        if suggestion.contact_phone:
            Phone.objects.create(contact=contact, number=suggestion.contact_phone)
        fields: dict[str, Any] = {}
        if service.application_process == ASK_A_LINK_WORKER:
            fields["application_process"] = ""
        if suggestion.website and not service.url:
            fields["url"] = suggestion.website
        if fields:
            # The listing is locked: this moves its version on so open edit forms are refused.
            update_versioned(service, expected_version=service.version, what=_listing, **fields)
        now = timezone.now()
        suggestion.contact_confirmed_at = now
        suggestion.save(update_fields=["contact_confirmed_at", "updated_at"])
        audit_record(
            actor=None,
            action=AuditAction.COMMUNITY_CONTACT_CONFIRMED,
            obj=suggestion,
            changes={"contact_confirmed_at": [None, now]},
            detail={"via": "emailed link", "service": str(service.uuid)},
        )
        audit_record(
            actor=None,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=service,
            changes={
                "contact": [None, suggestion.contact_name or suggestion.contact_email],
                **{k: [getattr(service, k), v] for k, v in fields.items()},
            },
            detail={"via": "emailed link", "community_suggestion": str(suggestion.uuid)},
        )
    return suggestion


def send_contact_confirmation(*, suggestion: Suggestion) -> None:
    """Email the contact a link to agree to their details being published. NotifyError if it
    cannot be sent (the listing keeps saying "ask a link worker")."""
    url = settings.SITE_URL + reverse(
        "community:contact_confirm", kwargs={"token": contact_confirmation_token(suggestion)}
    )
    body = (
        f"Hello{(' ' + suggestion.contact_name) if suggestion.contact_name else ''},\n\n"
        f"Someone suggested “{suggestion.name}” for the Linkwell community directory and gave "
        "your contact details. The group is now listed, but we do not publish anyone's email "
        "address or phone number without their agreement.\n\n"
        "If you are happy for these details to be shown on the listing, open this link:\n"
        f"{url}\n\n"
        f"Name: {suggestion.contact_name or '(none)'}\n"
        f"Email: {suggestion.contact_email}\n"
        f"Phone: {suggestion.contact_phone or '(none)'}\n\n"
        f"The link works for {CONTACT_LINK_MAX_AGE.days} days. If you do not agree, do nothing: "
        "the listing will tell people to ask a link worker instead.\n"
    )
    result = notify(
        channel=EMAIL,
        to=suggestion.contact_email,
        subject=f"Can we publish your contact details for {suggestion.name}?",
        body=body,
    )
    with transaction.atomic():
        now = timezone.now()
        Suggestion.objects.filter(pk=suggestion.pk).update(contact_confirmation_sent_at=now)
        audit_record(
            actor=None,
            action=AuditAction.COMMUNITY_CONTACT_CONFIRMATION_SENT,
            obj=suggestion,
            changes={
                "contact_confirmation_sent_at": [suggestion.contact_confirmation_sent_at, now]
            },
            detail={"outcome": result.outcome},  # "not sent (…)" from the development backend
        )


def _send_contact_confirmation_quietly(pk: int) -> None:
    suggestion = Suggestion.objects.get(pk=pk)
    try:
        send_contact_confirmation(suggestion=suggestion)
    except NotifyError:
        logger.exception("Could not email the contact for suggestion %s", suggestion.uuid)
