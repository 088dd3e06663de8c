"""Background work for outcomes (django-tasks): thin wrappers."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from linkwell.casework.models import SafeguardingConcern
from linkwell.casework.services import safeguarding_leads

logger = logging.getLogger(__name__)


@task()
def notify_self_completed_risk(concern_id: int) -> int:
    """Email the assigned link worker and the team's managers that a measure the person completed
    on their own (self-completion link) raised a risk alert: nobody was with them to see the
    prompt. No personal data in the email: a case reference and a link, opened signed in.
    Returns how many people were emailed."""
    concern = (
        SafeguardingConcern.objects.select_related("case__link_worker_service", "case__assigned_to")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        return 0
    case = concern.case
    recipients = {u.email for u in safeguarding_leads(case) if u.email}
    if case.assigned_to is not None and case.assigned_to.email:
        recipients.add(case.assigned_to.email)
    if not recipients:
        logger.warning("Risk alert %s: nobody in the team to tell", concern_id)
        return 0
    url = settings.SITE_URL + reverse("casework:case_detail", kwargs={"case_id": case.uuid})
    send_mail(
        "Act today: a questionnaire answer needs a risk conversation",
        (
            "A person completed a questionnaire on their own, through a link from "
            f"{case.link_worker_service.name}, and their answer raised a risk prompt "
            "(thoughts of self-harm or of being better off dead).\n\n"
            f"Case reference: {case.uuid.hex[:8].upper()}\n"
            f"Open the case in Linkwell today: {url}\n\n"
            "Contact them today and follow your service's risk protocol. If you think someone is "
            "in immediate danger, call 999."
        ),
        settings.DEFAULT_FROM_EMAIL,
        sorted(recipients),
    )
    return len(recipients)
