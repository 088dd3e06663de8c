"""Emails about new volunteers and requests, sent after the write commits.

Coordinators get a link and no personal data (an email is not the place for it); the person
who registered gets a short acknowledgement. A failure to send is logged and never undoes the
registration: the coordinators see the new volunteer on their list anyway.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.urls import reverse

from linkwell.accounts.models import Membership, Organisation, Role
from linkwell.core.notify import EMAIL, NotifyError, notify, render_text
from linkwell.volunteering.models import CommunityMember, SupportRequest

logger = logging.getLogger(__name__)


def coordinator_emails(organisation: Organisation) -> list[str]:
    """The organisation's active, writable coordinators' addresses."""
    return sorted(
        set(
            Membership.objects.filter(
                organisation=organisation,
                role=Role.COORDINATOR,
                is_active=True,
                read_only=False,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def _send(to: str, template: str, context: dict[str, Any]) -> None:
    subject = render_text(f"volunteering/email/{template}_subject.txt", context)
    body = render_text(f"volunteering/email/{template}.txt", context)
    try:
        notify(channel=EMAIL, to=to, subject=subject, body=body)
    except NotifyError:
        logger.warning("Could not send the %s email", template)


def registration_emails_quietly(member_pk: int) -> None:
    member = CommunityMember.objects.select_related("organisation").filter(pk=member_pk).first()
    if member is None:
        return
    link = settings.SITE_URL + reverse(
        "volunteering:member_detail", kwargs={"member_id": member.uuid}
    )
    context = {"organisation": member.organisation.name, "link": link}
    for address in coordinator_emails(member.organisation):
        _send(address, "registration_coordinator", context)
    if member.email:
        _send(member.email, "registration_thanks", {"organisation": member.organisation.name})


def self_referral_emails_quietly(request_pk: int) -> None:
    request = SupportRequest.objects.select_related("organisation").filter(pk=request_pk).first()
    if request is None:
        return
    context = {
        "organisation": request.organisation.name,
        "what": request.get_role_display(),
        "link": settings.SITE_URL + reverse("volunteering:home"),
    }
    for address in coordinator_emails(request.organisation):
        _send(address, "self_referral_coordinator", context)
