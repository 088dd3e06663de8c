"""Background work for volunteering (django-tasks): emails to coordinators.

Every email carries no personal data (email is not a safe channel for it): what happened and a
link, which the coordinator opens signed in, where the access check and the audit log apply.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse
from django_tasks import task

from linkwell.accounts.models import Role, User
from linkwell.volunteering.models import Activity, Match, MatchStatus

logger = logging.getLogger(__name__)


def organisation_coordinators(organisation_id: int) -> list[User]:
    """The people told about a volunteer's answer or concern: active users with a writable,
    active `coordinator` membership of the organisation, by name. The first of them is the
    named lead of a concern raised on a request with no case (services/visits.py)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__organisation__is_active=True,
            memberships__is_active=True,
            memberships__read_only=False,
            memberships__role=Role.COORDINATOR,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def _link(name: str, fallback: str, **kwargs: object) -> str:
    """An absolute link to page `name`, or to `fallback` while that page does not exist (the
    coordinator's match page is built by the requests part of the app)."""
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        path = reverse(fallback)
    return str(settings.SITE_URL) + path


@task()
def notify_coordinators_of_answer(match_id: int) -> int:
    """Tell the organisation's coordinators that a volunteer accepted or declined an
    introduction. Returns how many were emailed."""
    match = Match.objects.select_related("request").filter(pk=match_id).first()
    if match is None:
        return 0
    recipients = [u.email for u in organisation_coordinators(match.request.organisation_id)]
    if not recipients:
        logger.warning("Match %s: no coordinator to tell of the volunteer's answer", match_id)
        return 0
    answer = "accepted" if match.status == MatchStatus.ACTIVE else "declined"
    url = _link("volunteering:match_detail", "volunteering:concerns", match_id=match.uuid)
    send_mail(
        f"A volunteer has {answer} an introduction",
        (
            f"A volunteer has {answer} an introduction you made.\n\n"
            f"Introduction reference: {match.uuid.hex[:8].upper()}\n"
            f"Open it in Linkwell: {url}\n"
        ),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return len(recipients)


@task()
def notify_coordinator_of_concern(activity_id: int) -> bool:
    """Email the coordinator named as the lead of a concern a volunteer raised on a request
    with no case. Returns False when there is nobody to tell."""
    activity = Activity.objects.select_related("concern_lead").filter(pk=activity_id).first()
    if activity is None or activity.concern_lead is None or not activity.concern_lead.email:
        logger.warning("Activity %s: no coordinator to tell of the concern", activity_id)
        return False
    url = _link("volunteering:concerns", "volunteering:concerns")
    send_mail(
        "A volunteer has raised a concern",
        (
            "A volunteer has raised a concern after a visit or call, and you are named as the "
            "coordinator to look into it.\n\n"
            f"Open the volunteers' concerns in Linkwell to read it: {url}\n\n"
            "If you think someone is in immediate danger, call 999."
        ),
        settings.DEFAULT_FROM_EMAIL,
        [activity.concern_lead.email],
    )
    return True
