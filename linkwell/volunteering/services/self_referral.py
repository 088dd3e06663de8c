"""A person asks for befriending, a connector or peer support on the public site.

The person record is made by the people app's own `person_create`, exactly as the public
self-referral to a link worker does (`referrals` views): the public never sees other people's
records, so a possible duplicate is not offered here; coordinators and link workers merge
records the usual way. The request then waits in the organisation's queue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from linkwell.accounts.models import Organisation
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.people.models import ContactMethod
from linkwell.people.services import PersonDetails, person_clean_details, person_create
from linkwell.volunteering.models import (
    ContactMode,
    RequestSource,
    SupportRequest,
    SupportRole,
)
from linkwell.volunteering.services.notifications import self_referral_emails_quietly

ABOUT_LIMIT = 2000
GENDER_LIMIT = 50


def _person_details(data: Mapping[str, Any]) -> PersonDetails:
    email = str(data.get("email") or "").strip()
    phone = str(data.get("phone") or "").strip()
    born = data.get("date_of_birth")
    return PersonDetails(
        given_name=str(data.get("given_name") or ""),
        family_name=str(data.get("family_name") or ""),
        date_of_birth=born if isinstance(born, dt.date) else dt.date.max,
        postcode=str(data.get("postcode") or ""),
        email=email,
        phone=phone,
        preferred_contact_method=ContactMethod.EMAIL
        if email and not phone
        else ContactMethod.PHONE,
    )


def request_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every problem `request_create_self` would refuse `data` for."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data.get("date_of_birth"), dt.date):
        errors["date_of_birth"] = ["Enter your date of birth, like 27 3 1948"]
    try:
        person_clean_details(_person_details(data))
    except ValidationFailed as exc:
        for key, messages in exc.errors.items():
            errors.setdefault(key, messages)
    if not str(data.get("email") or "").strip() and not str(data.get("phone") or "").strip():
        errors.setdefault("phone", ["Enter a phone number or an email address so we can reach you"])
    about = str(data.get("about") or "").strip()
    if not about:
        errors["about"] = ["Tell us a little about what you enjoy"]
    elif len(about) > ABOUT_LIMIT:
        errors["about"] = [f"What you enjoy must be {ABOUT_LIMIT} characters or fewer"]
    if data.get("role") not in SupportRole.values:
        errors["role"] = ["Choose the support you would like"]
    if data.get("contact") not in ContactMode.values:
        errors["contact"] = ["Choose how you would like to meet or talk"]
    if len(str(data.get("volunteer_gender") or "")) > GENDER_LIMIT:
        errors["volunteer_gender"] = [f"This must be {GENDER_LIMIT} characters or fewer"]
    if not data.get("consent"):
        errors["consent"] = [
            "Confirm you agree to us keeping these details to find you a volunteer"
        ]
    return errors


def request_create_self(*, organisation: Organisation, data: Mapping[str, Any]) -> SupportRequest:
    """Someone asks `organisation` for volunteer support: their person record (people's
    `person_create`) and a waiting request (source self), audited with no actor. Coordinators
    are emailed a link after it commits."""
    errors = request_errors(data)
    if errors:
        raise ValidationFailed(errors)
    anonymous = AnonymousUser()
    with transaction.atomic():
        person = person_create(actor=anonymous, details=_person_details(data), confirm_new=True)
        request = SupportRequest.objects.create(
            person=person,
            organisation=organisation,
            role=data["role"],
            contact=data["contact"],
            volunteer_gender=" ".join(str(data.get("volunteer_gender") or "").split()),
            about=str(data["about"]).strip(),
            source=RequestSource.SELF,
        )
        audit_record(
            actor=None,
            action=AuditAction.VOLUNTEERING_SELF_REFERRAL_RECEIVED,
            obj=request,
            object_repr=f"Self-referral for {request.get_role_display().lower()}",
            organisation=organisation,
            person_id=str(person.uuid),
            changes={"status": [None, request.status]},
            detail={"role": request.role, "contact": request.contact},
        )
        request_pk = request.pk
        transaction.on_commit(lambda: self_referral_emails_quietly(request_pk))
    return request
