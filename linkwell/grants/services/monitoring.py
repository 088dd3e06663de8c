"""What a grant achieved: the grantee's report (signed emailed link, no account) or staff's on
their behalf. A new group or activity goes to community moderation as a `Suggestion` (the
public suggestion form's rules, `community.services.suggestion_submit`); it is listed in the
directory only when a moderator approves it, and then `Suggestion.service` is the listing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db import transaction
from django.urls import reverse

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.community.services import suggestion_submit
from linkwell.community.services.validation import normalise_data, suggestion_errors
from linkwell.core.exceptions import ValidationFailed
from linkwell.grants.models import Application, ApplicationStatus, MonitoringReport
from linkwell.grants.services._common import Errors, clean_count, clean_text

REPORT_SALT = "linkwell.grants.monitoring-report"
# A grant runs for up to a year; the grantee reports afterwards.
REPORT_LINK_DAYS = 548
NOT_AWARDED = "Only an awarded grant reports on what it did."
ALREADY = "This grant has already reported what happened. Thank you."


def report_token(application: Application) -> str:
    return signing.TimestampSigner(salt=REPORT_SALT).sign(str(application.uuid))


def report_link(application: Application) -> str:
    path = reverse("grants:report", kwargs={"token": report_token(application)})
    return f"{settings.SITE_URL}{path}"


def application_for_token(token: str) -> Application | None:
    """The application a link is for; None when the link is altered or older than
    `REPORT_LINK_DAYS` days."""
    try:
        value = signing.TimestampSigner(salt=REPORT_SALT).unsign(
            token, max_age=REPORT_LINK_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    return (
        Application.objects.select_related("round", "round__programme", "tier")
        .filter(uuid=value)
        .first()
    )


def monitoring_report_submit(
    *,
    actor: User | AnonymousUser | None,
    application: Application,
    what_happened: str,
    people_reached: Any,
    new_activity: Mapping[str, Any] | None = None,
) -> MonitoringReport:
    """Record the report; with `new_activity` (a community suggestion's fields), submit it to
    moderation and link it. Everything is checked first and all of it is written or none."""
    errors = Errors()
    what_happened = clean_text(
        errors,
        "what_happened",
        what_happened,
        limit=4000,
        required="Tell us what happened with the grant",
        label="What happened",
    )
    reached = clean_count(
        errors, "people_reached", people_reached, label="how many people it reached", minimum=0
    )
    suggestion_data: dict[str, Any] | None = None
    if new_activity is not None:
        suggestion_data = normalise_data(
            {
                "suggester_name": application.applicant_name,
                "suggester_email": application.applicant_email,
                **new_activity,
            }
        )
        for key, messages in suggestion_errors(suggestion_data).items():
            for message in messages:
                errors.add(key, message)
    if application.status != ApplicationStatus.AWARDED:
        errors.add("__all__", NOT_AWARDED)
    elif MonitoringReport.objects.filter(application=application).exists():
        errors.add("__all__", ALREADY)
    if errors:
        raise ValidationFailed(errors)
    assert reached is not None
    with transaction.atomic():
        suggestion = (
            suggestion_submit(actor=actor, data=suggestion_data)
            if suggestion_data is not None
            else None
        )
        report = MonitoringReport.objects.create(
            application=application,
            what_happened=what_happened,
            people_reached=reached,
            suggestion=suggestion,
            submitted_by=actor if actor is not None and actor.is_authenticated else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.GRANTS_MONITORING_REPORTED,
            obj=application,
            organisation=application.round.programme.organisation,
            detail={
                "people_reached": reached,
                "suggestion": str(suggestion.uuid) if suggestion else "",
                "by": "staff" if report.submitted_by_id else "grantee link",
            },
        )
    return report
