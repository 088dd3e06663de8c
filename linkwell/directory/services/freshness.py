"""Freshness: confirming a listing is still correct, the one-click emailed link, and reminders."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Membership, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core import notify
from linkwell.core.exceptions import ConcurrentEditError, LinkwellError
from linkwell.directory.models import Service, ServiceStatus
from linkwell.directory.services._common import _lock

REMINDER_INTERVAL = dt.timedelta(days=14)
VERIFY_LINK_MAX_AGE = dt.timedelta(days=28)
_VERIFY_SALT = "linkwell.directory.verify-link"


def service_verify(
    *,
    actor: User | None,
    service: Service,
    expected_version: int | None = None,
    via_link: bool = False,
) -> Service:
    """Record that the listing is still correct. Does not touch `updated_at` or `version`: the
    content did not change, and an edit form someone has open stays valid.

    `expected_version` (from the page or the emailed link) makes sure what was confirmed is what
    is stored: confirming an outdated copy raises ConcurrentEditError."""
    now = timezone.now()
    verifier = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        current = _lock(service, expected_version)
        before = current.last_verified_at
        # queryset.update: auto_now on updated_at must not fire (verified is not edited).
        Service.objects.filter(pk=current.pk).update(
            last_verified_at=now, last_verified_by=verifier
        )
        audit_record(
            actor=verifier,
            action=AuditAction.DIRECTORY_SERVICE_VERIFIED,
            obj=current,
            organisation=current.organization.owner,
            changes={"last_verified_at": [before, now]},
            detail={"via": "emailed link"} if via_link else {},
        )
    current.refresh_from_db()
    return current


class VerifyLinkError(LinkwellError):
    """An emailed verification link that cannot be used; `reason` picks the page to show."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def verification_token(service: Service) -> str:
    """Signed, timestamped token naming the service, the version the provider is asked about and
    when it was last verified. Verifying changes `last_verified_at` (not the version), so the
    last one makes a link single-use: once used, it no longer matches."""
    signer = signing.TimestampSigner(salt=_VERIFY_SALT)
    return signer.sign_object(
        {"s": str(service.uuid), "v": service.version, "lv": _iso(service.last_verified_at)}
    )


def verification_url(service: Service) -> str:
    path = reverse("directory:verify_link", kwargs={"token": verification_token(service)})
    return f"{settings.SITE_URL}{path}"


def service_from_verification_token(token: str, *, lock: bool = False) -> Service:
    """The service an emailed link is for, if the link is still usable; else VerifyLinkError
    (reason "expired", "invalid", "changed" when the listing was edited since sending, or "used"
    when it has been verified since: by this link, or by someone signed in).

    `lock=True` (inside a transaction) locks the row, so two clicks cannot both verify."""
    signer = signing.TimestampSigner(salt=_VERIFY_SALT)
    try:
        payload = signer.unsign_object(token, max_age=VERIFY_LINK_MAX_AGE)
        service_id, version = uuid.UUID(payload["s"]), int(payload["v"])
        last_verified = str(payload["lv"])
    except signing.SignatureExpired as exc:
        raise VerifyLinkError(
            "expired",
            f"This link has expired. Links in reminder emails work for {VERIFY_LINK_MAX_AGE.days} days.",
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise VerifyLinkError(
            "invalid", "This link is not valid. Check you copied the whole link from the email."
        ) from exc
    services = Service.objects.select_related("organization")
    if lock:
        services = services.select_for_update(of=("self",))
    service = services.filter(uuid=service_id).first()
    if service is None:
        raise VerifyLinkError("invalid", "This listing is no longer in the directory.")
    if service.version != version:
        raise VerifyLinkError(
            "changed",
            "This listing has been changed since the email was sent, so the link no longer "
            "applies. Sign in to check the listing as it is now.",
        )
    if _iso(service.last_verified_at) != last_verified:
        raise VerifyLinkError(
            "used",
            "This link has already been used: the listing has been confirmed as correct since "
            "the email was sent. There is nothing more to do.",
        )
    return service


def service_verify_by_link(*, token: str) -> Service:
    """Confirm a listing from the reminder email, without signing in (audited, actor none).
    A link works once (see verification_token)."""
    with transaction.atomic():
        service = service_from_verification_token(token, lock=True)
        try:
            return service_verify(
                actor=None, service=service, expected_version=service.version, via_link=True
            )
        except ConcurrentEditError as exc:
            raise VerifyLinkError("changed", str(exc)) from exc


def services_due_for_reminder(*, now: dt.datetime | None = None) -> QuerySet[Service]:
    """Running listings not verified within DIRECTORY_VERIFY_AFTER_DAYS and not reminded
    within REMINDER_INTERVAL."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(days=settings.DIRECTORY_VERIFY_AFTER_DAYS)
    return (
        Service.objects.filter(status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED])
        .filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=stale_before))
        .filter(
            Q(verification_reminder_sent_at__isnull=True)
            | Q(verification_reminder_sent_at__lt=now - REMINDER_INTERVAL)
        )
        .order_by("id")
    )


def reminder_recipients(service: Service) -> list[str]:
    """Who is asked to confirm: the service's contacts, else its own or its provider's email,
    else the provider's staff in Linkwell (active, not read-only)."""
    contacts = [e for e in service.contacts.exclude(email="").values_list("email", flat=True) if e]
    if contacts:
        return sorted(set(contacts))
    for email in (service.email, service.organization.email):
        if email:
            return [email]
    owner_id = service.organization.owner_id
    if owner_id is None:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=owner_id,
                role=Role.PROVIDER_STAFF,
                read_only=False,
                is_active=True,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def service_send_verification_reminder(*, service: Service, now: dt.datetime | None = None) -> bool:
    """Email the provider a "still correct?" reminder. False if not due or nobody to ask.

    The reminder is claimed with a conditional update in a short transaction, so two workers
    never both send it; the email is sent after that commits, so a slow mail server never holds
    the database's write lock (SQLite has one for the whole file). If sending fails, the claim is
    undone and audited, and a later run tries again; the error is raised for the caller to log.
    A crash between the claim and the send leaves the reminder claimed: the next is due
    REMINDER_INTERVAL later."""
    now = now or timezone.now()
    recipients = reminder_recipients(service)
    if not recipients:
        return False
    with transaction.atomic():
        previous = (
            Service.objects.filter(pk=service.pk)
            .values_list("verification_reminder_sent_at", flat=True)
            .first()
        )
        claimed = (
            services_due_for_reminder(now=now)
            .filter(pk=service.pk)
            .update(verification_reminder_sent_at=now)
        )
    if not claimed:
        return False
    service.refresh_from_db()
    context = {
        "service": service,
        "verify_url": verification_url(service),
        "edit_url": f"{settings.SITE_URL}"
        + reverse("directory:service_edit", kwargs={"service_id": service.uuid}),
        "link_days": VERIFY_LINK_MAX_AGE.days,
        "verify_after_days": settings.DIRECTORY_VERIFY_AFTER_DAYS,
    }
    subject = notify.render_text(
        "directory/email/verification_reminder_subject.txt", context
    ).strip()
    body = notify.render_text("directory/email/verification_reminder.txt", context)
    try:
        outcomes = {
            notify.notify(
                channel=notify.EMAIL,
                to=recipient,
                subject=subject,
                body=body,
                kind=notify.MessageKind.VERIFICATION_REMINDER,
                about=f"{service._meta.label_lower}:{service.uuid}",
            ).outcome
            for recipient in recipients
        }
    except Exception as exc:
        with transaction.atomic():
            # Only our own claim is undone: a later run may have claimed it since.
            Service.objects.filter(pk=service.pk, verification_reminder_sent_at=now).update(
                verification_reminder_sent_at=previous
            )
            audit_record(
                actor=None,
                action=AuditAction.DIRECTORY_VERIFICATION_REMINDER_FAILED,
                obj=service,
                organisation=service.organization.owner,
                changes={"verification_reminder_sent_at": [now, previous]},
                detail={
                    "recipients": len(recipients),
                    "error": type(exc.__cause__ or exc).__name__,
                },
            )
        raise
    with transaction.atomic():
        audit_record(
            actor=None,
            action=(
                AuditAction.DIRECTORY_VERIFICATION_REMINDER_SENT
                if outcomes == {"sent"}
                else AuditAction.DIRECTORY_VERIFICATION_REMINDER_NOT_SENT
            ),
            obj=service,
            organisation=service.organization.owner,
            changes={"verification_reminder_sent_at": [previous, now]},
            detail={
                "recipients": len(recipients),
                "outcome": "sent" if outcomes == {"sent"} else min(outcomes - {"sent"}),
            },
        )
    return True
