"""The offer letter: one context for the printable page, the emailed text and the PDF."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from linkwell.grants.models import Application
from linkwell.grants.services._common import money


def offer_context(application: Application) -> dict[str, Any]:
    round_ = application.round
    programme = round_.programme
    decided = timezone.localtime(application.decided_at) if application.decided_at else None
    return {
        "reference": application.reference,
        "date": f"{decided:%-d %B %Y}" if decided else "",
        "applicant_name": application.applicant_name,
        "group_name": application.group_name,
        "title": application.title,
        "programme": programme.name,
        "organisation": programme.organisation.name,
        "round": round_.name,
        "tier": application.tier.name,
        "amount": money(application.amount_awarded),
        "reason": application.decision_reason,
        "conditions": [
            f"The grant is for “{application.title}” as you described it in your application.",
            "Tell us if your plans change before you spend the money differently.",
            "Keep receipts for what you buy for a year after the grant ends.",
            "When it has happened, tell us what you did and how many people took part "
            "(we will send you a link). If it starts a new group or activity, we can list "
            "it in the local directory so link workers can suggest it to people.",
        ],
    }
