"""Background work for casework (django-tasks): thin wrappers over services and selectors."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from linkwell.casework.models import SafeguardingConcern

logger = logging.getLogger(__name__)


@task()
def notify_safeguarding_lead(concern_id: int) -> bool:
    """Email the named lead that a concern was escalated to them.

    The email carries no personal data (email is not a safe channel for it): who raised it, the
    team, and a link to the case, which the lead opens signed in (the access check and the audit
    log apply there). Returns False when there is nobody to tell.
    """
    concern = (
        SafeguardingConcern.objects.select_related("case__link_worker_service", "lead", "raised_by")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None or concern.lead is None or not concern.lead.email:
        logger.warning("Safeguarding concern %s has no lead to notify", concern_id)
        return False
    case = concern.case
    url = settings.SITE_URL + reverse("casework:case_detail", kwargs={"case_id": case.uuid})
    raised_by = concern.raised_by or "A colleague"
    send_mail(
        "Safeguarding concern escalated to you",
        (
            f"{raised_by} has raised a safeguarding concern on a case in "
            f"{case.link_worker_service.name} and named you as the safeguarding lead.\n\n"
            f"Case reference: {case.uuid.hex[:8].upper()}\n"
            f"Open the case in Linkwell to read it: {url}\n\n"
            "If you think someone is in immediate danger, call 999."
        ),
        settings.DEFAULT_FROM_EMAIL,
        [concern.lead.email],
    )
    return True
