"""Community suggestions: submit, moderate, publish with provenance, confirm contact details.

Every write is keyword-only, validates before writing, runs in one transaction and writes its
audit event in it. Emails go out after the transaction commits (a slow mail server never holds
the database), through `linkwell.core.notify`.

Invariants (README.md):
- Contact details typed in by the public are published only after the owner of the contact email
  confirms through a signed, expiring link; until then the listing says "ask a link worker".
- A suggestion whose venue is a Location owned by a partner organisation cannot be approved until
  that partner's provider staff agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Membership, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff, snapshot
from linkwell.community.models import (
    AssetKind,
    CostKind,
    Frequency,
    PartnerDecision,
    Suggestion,
    SuggestionStatus,
    VenueKind,
)
from linkwell.core.concurrency import lock_versioned, save_versioned, update_versioned
from linkwell.core.exceptions import LinkwellError, ValidationFailed
from linkwell.core.notify import EMAIL, NotifyError, notify
from linkwell.directory import postcodes
from linkwell.directory.models import (
    Address,
    Contact,
    CostOption,
    DirectoryOrganization,
    Location,
    Phone,
    ReferralMode,
    Schedule,
    Service,
    ServiceStatus,
)
from linkwell.directory.services import (
    AtLocation,
    organization_create,
    service_create,
    service_rows,
)

logger = logging.getLogger(__name__)

# The text a listing shows instead of contact details nobody has confirmed yet.
ASK_A_LINK_WORKER = "Ask a link worker for contact details."
HOME_VENUE_TEXT = "Meets at a member's home{area}. Ask a link worker for details."

CONTACT_LINK_MAX_AGE = dt.timedelta(days=14)
_CONTACT_SALT = "linkwell.community.contact-confirmation"

DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
WEEKS_OF_MONTH = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"}
MAX_AGE = 120
MAX_COST = Decimal("1000")
_PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")

# Fields a suggestion's draft carries (the public form and the moderator's edit form).
SUGGESTION_FIELDS = (
    "asset_kind",
    "name",
    "description",
    "organisation_name",
    "frequency",
    "day",
    "week_of_month",
    "on_date",
    "starts_at",
    "ends_at",
    "when_notes",
    "venue_kind",
    "venue_name",
    "address_1",
    "town",
    "postcode",
    "online_link",
    "cost_kind",
    "cost_amount",
    "cost_notes",
    "who_for",
    "minimum_age",
    "maximum_age",
    "contact_name",
    "contact_email",
    "contact_phone",
    "website",
    "suggester_name",
    "suggester_email",
)
MAX_LENGTHS = {
    "name": 200,
    "description": 2000,
    "organisation_name": 200,
    "when_notes": 500,
    "venue_name": 200,
    "address_1": 200,
    "town": 100,
    "postcode": 10,
    "online_link": 500,
    "cost_notes": 255,
    "who_for": 500,
    "contact_name": 100,
    "contact_email": 254,
    "contact_phone": 30,
    "website": 500,
    "suggester_name": 100,
    "suggester_email": 254,
}
_LABELS = {
    "name": "The name",
    "description": "The description",
    "organisation_name": "The organisation's name",
    "when_notes": "When it happens",
    "venue_name": "The name of the place",
    "address_1": "The address",
    "town": "The town or area",
    "postcode": "The postcode",
    "online_link": "The link",
    "cost_notes": "The cost details",
    "who_for": "Who it is for",
    "contact_name": "The contact's name",
    "contact_email": "The contact email address",
    "contact_phone": "The contact phone number",
    "website": "The website address",
    "suggester_name": "Your name",
    "suggester_email": "Your email address",
}


# --- Validation --------------------------------------------------------------------------------


def _email_ok(value: str) -> bool:
    try:
        EmailValidator()(value)
    except ValidationError:
        return False
    return True


def _url_ok(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


_CHOICE_FIELDS = ("asset_kind", "frequency", "day", "venue_kind", "cost_kind")


def normalise_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Strip text, blank -> None for optional values; unknown keys are refused."""
    unknown = set(data) - set(SUGGESTION_FIELDS)
    if unknown:
        raise ValueError(f"Suggestions have no fields {sorted(unknown)}")
    out: dict[str, Any] = {}
    for key in SUGGESTION_FIELDS:
        value = data.get(key)
        if key in MAX_LENGTHS or key in _CHOICE_FIELDS:
            out[key] = str(value).strip() if value else ""
        else:
            out[key] = None if value in ("", None) else value
    if out["postcode"]:
        with contextlib.suppress(postcodes.InvalidPostcode):  # reported by suggestion_errors
            out["postcode"] = postcodes.normalise(out["postcode"])
    if out["contact_email"]:
        out["contact_email"] = out["contact_email"].lower()
    return out


def suggestion_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every problem with a (normalised) draft, keyed by field; empty when it may be saved."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for key, limit in MAX_LENGTHS.items():
        if len(data.get(key) or "") > limit:
            add(key, f"{_LABELS[key]} must be {limit} characters or fewer")
    if data.get("asset_kind") not in AssetKind.values:
        add("asset_kind", "Select what you are suggesting")
    if not data.get("name"):
        add("name", "Enter the name of the group or activity")
    if not data.get("description"):
        add("description", "Describe what happens there")

    frequency = data.get("frequency")
    if frequency not in Frequency.values:
        add("frequency", "Select how often it happens")
    if frequency in (Frequency.WEEKLY, Frequency.FORTNIGHTLY, Frequency.MONTHLY):
        if data.get("day") not in DAYS:
            add("day", "Select the day it happens")
    elif data.get("day") and data.get("day") not in DAYS:
        add("day", "Select the day it happens")
    if frequency == Frequency.MONTHLY and data.get("week_of_month") not in WEEKS_OF_MONTH:
        add("week_of_month", "Select which week of the month")
    if frequency == Frequency.ONCE:
        on_date = data.get("on_date")
        today = timezone.localdate()
        if on_date is None:
            add("on_date", "Enter the date it happens")
        elif on_date < today:
            add("on_date", "The date must be today or in the future")
        elif on_date > today + dt.timedelta(days=2 * 366):
            add("on_date", "The date must be within the next 2 years")
    if frequency == Frequency.OTHER and not data.get("when_notes"):
        add("when_notes", "Tell us when it happens")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if ends is not None and starts is None:
        add("starts_at", "Enter the start time")
    if starts is not None and ends is not None and ends <= starts:
        add("ends_at", "The end time must be after the start time")

    venue = data.get("venue_kind")
    if venue not in VenueKind.values:
        add("venue_kind", "Select where it happens")
    if venue == VenueKind.ADDRESS:
        if not data.get("address_1"):
            add("address_1", "Enter the first line of the address")
        if not data.get("town"):
            add("town", "Enter the town")
    if venue == VenueKind.HOME and not data.get("town"):
        add("town", "Enter the town or area, so people know roughly where it is")
    if data.get("postcode"):
        try:
            postcodes.normalise(data["postcode"])
        except postcodes.InvalidPostcode:
            add("postcode", "Enter a real postcode, like SY11 1PJ")
    elif venue == VenueKind.ADDRESS:
        add("postcode", "Enter the postcode")
    if data.get("online_link") and not _url_ok(data["online_link"]):
        add("online_link", "Enter a link in the correct format, like https://www.example.org")

    cost = data.get("cost_kind")
    if cost not in CostKind.values:
        add("cost_kind", "Select whether it costs anything")
    if cost == CostKind.PAID:
        amount = data.get("cost_amount")
        try:
            value = Decimal(str(amount)) if amount is not None else None
        except InvalidOperation:
            value = None
        if value is None:
            add("cost_amount", "Enter how much it costs, for example 3.50")
        elif not Decimal("0") < value < MAX_COST:
            add("cost_amount", f"The cost must be more than £0 and less than £{MAX_COST:,.0f}")

    for key, label in (("minimum_age", "Minimum age"), ("maximum_age", "Maximum age")):
        age = data.get(key)
        if age is not None and not 0 <= int(age) <= MAX_AGE:
            add(key, f"{label} must be between 0 and {MAX_AGE}")
    low, high = data.get("minimum_age"), data.get("maximum_age")
    if low is not None and high is not None and "minimum_age" not in errors and low >= high:
        add("minimum_age", "The minimum age must be lower than the maximum age")

    for key in ("contact_email", "suggester_email"):
        if data.get(key) and key not in errors and not _email_ok(data[key]):
            add(key, "Enter an email address in the correct format, like name@example.com")
    if data.get("contact_phone") and not _PHONE_RE.match(data["contact_phone"]):
        add("contact_phone", "Enter a telephone number, like 01632 960 001")
    if data.get("website") and "website" not in errors and not _url_ok(data["website"]):
        add(
            "website", "Enter a website address in the correct format, like https://www.example.org"
        )
    return errors


# --- Partner venues ----------------------------------------------------------------------------


def normalise_address_line(line: str) -> str:
    """ "12, Church St." -> "12 church street": case, punctuation and common abbreviations."""
    words = re.sub(r"[^a-z0-9 ]+", " ", line.lower()).split()
    expand = {"st": "street", "rd": "road", "ave": "avenue", "ln": "lane", "sq": "square"}
    return " ".join(expand.get(w, w) for w in words)


def find_partner_venue(*, address_1: str, postcode: str) -> Location | None:
    """A directory Location at this address owned by a partner (its organisation has a Linkwell
    owner whose provider staff keep it). Matched on postcode + normalised first address line."""
    if not address_1 or not postcode:
        return None
    try:
        wanted_postcode = postcodes.normalise(postcode)
    except postcodes.InvalidPostcode:
        return None
    wanted_line = normalise_address_line(address_1)
    compact = wanted_postcode.replace(" ", "")
    candidates = (
        Address.objects.filter(
            Q(postal_code__iexact=wanted_postcode) | Q(postal_code__iexact=compact),
            location__organization__owner__isnull=False,
        )
        .select_related("location", "location__organization")
        .order_by("id")
    )
    for address in candidates:
        if normalise_address_line(address.address_1) == wanted_line:
            return address.location
    return None


def _apply_partner(suggestion: Suggestion) -> None:
    """Set (or clear) the partner venue check from the suggestion's address."""
    location = None
    if suggestion.venue_kind == VenueKind.ADDRESS:
        location = find_partner_venue(address_1=suggestion.address_1, postcode=suggestion.postcode)
    if location is None:
        suggestion.partner_location = None
        suggestion.partner_organisation = None
        suggestion.partner_decision = PartnerDecision.NOT_NEEDED
        suggestion.partner_decided_by = None
        suggestion.partner_decided_at = None
        return
    if suggestion.partner_location_id == location.pk and suggestion.partner_decision:
        return  # same venue: the partner's decision stands
    assert location.organization is not None
    suggestion.partner_location = location
    suggestion.partner_organisation = location.organization.owner
    suggestion.partner_decision = PartnerDecision.PENDING
    suggestion.partner_decided_by = None
    suggestion.partner_decided_at = None


# --- Submitting and editing --------------------------------------------------------------------


def _role_of(actor: User | AnonymousUser | None) -> str:
    if actor is None or not actor.is_authenticated:
        return "community member"
    membership = Membership.objects.filter(user=actor, is_active=True).order_by("id").first()
    return membership.get_role_display() if membership else "community member"


def suggestion_submit(*, actor: User | AnonymousUser | None, data: Mapping[str, Any]) -> Suggestion:
    """Record a suggestion from the public (or staff) for moderation. Nothing is published."""
    clean = normalise_data(data)
    errors = suggestion_errors(clean)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        suggestion = Suggestion(
            **clean,
            suggested_by=actor if actor is not None and actor.is_authenticated else None,
            suggester_role=_role_of(actor),
        )
        _apply_partner(suggestion)
        suggestion.save()
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_SUGGESTION_SUBMITTED,
            obj=suggestion,
            changes={"status": [None, suggestion.status]},
            detail={
                "partner_approval_needed": suggestion.needs_partner,
                "partner_organisation": str(suggestion.partner_organisation or ""),
            },
        )
        if suggestion.partner_decision == PartnerDecision.PENDING:
            transaction.on_commit(lambda: _tell_partner_quietly(suggestion.pk))
    return suggestion


def partner_recipients(suggestion: Suggestion) -> list[str]:
    """The partner organisation's provider staff (active, not read-only)."""
    if suggestion.partner_organisation_id is None:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=suggestion.partner_organisation_id,
                role=Role.PROVIDER_STAFF,
                read_only=False,
                is_active=True,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def _tell_partner_quietly(pk: int) -> None:
    """Ask the venue's owner; only their own staff's addresses, never one typed by the public."""
    suggestion = Suggestion.objects.select_related("partner_location").get(pk=pk)
    url = settings.SITE_URL + reverse(
        "community:venue_request_detail", kwargs={"suggestion_id": suggestion.uuid}
    )
    for to in partner_recipients(suggestion):
        try:
            notify(
                channel=EMAIL,
                to=to,
                subject=f"May “{suggestion.name}” be listed at your venue?",
                body=(
                    f"Someone suggested “{suggestion.name}” for the community directory, meeting "
                    f"at {suggestion.partner_location}, a venue your organisation looks after.\n\n"
                    "We will not list it there unless you agree. Sign in to answer:\n"
                    f"{url}\n"
                ),
            )
        except NotifyError:
            logger.exception("Could not email %s about venue request %s", to, suggestion.uuid)


def _lock(suggestion: Suggestion, expected_version: int | None) -> Suggestion:
    return lock_versioned(
        Suggestion,
        suggestion.pk,
        expected_version=expected_version,
        what=lambda s: f"The suggestion “{s.name}”",
    )


# What `_apply_partner` sets.
_PARTNER_FIELDS = (
    "partner_location",
    "partner_organisation",
    "partner_decision",
    "partner_decided_by",
    "partner_decided_at",
)
_DECISION_FIELDS = ("status", "decided_by", "decided_at")


def _require_pending(suggestion: Suggestion) -> None:
    if suggestion.status != SuggestionStatus.PENDING:
        raise ValidationFailed(
            f"This suggestion has already been decided ({suggestion.get_status_display().lower()})."
        )


def suggestion_update(
    *, actor: User | None, suggestion: Suggestion, data: Mapping[str, Any], expected_version: int
) -> Suggestion:
    """A moderator tidies the draft before deciding. A new address re-checks the partner venue."""
    clean = normalise_data(data)
    errors = suggestion_errors(clean)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = _lock(suggestion, expected_version)
        _require_pending(current)
        fields = list(SUGGESTION_FIELDS)
        before = snapshot(current, [*fields, "partner_decision"])
        for key, value in clean.items():
            setattr(current, key, value)
        _apply_partner(current)
        after = snapshot(current, [*fields, "partner_decision"])
        changes = diff(before, after)
        if not changes:
            return current
        save_versioned(current, update_fields=[*fields, *_PARTNER_FIELDS])
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_SUGGESTION_UPDATED,
            obj=current,
            changes=changes,
        )
    return current


def suggestion_partner_decide(
    *, actor: User | None, suggestion: Suggestion, agree: bool, note: str = ""
) -> Suggestion:
    """The venue's owner agrees (or not) to the event being listed at their address."""
    note = note.strip()
    if len(note) > 500:
        raise ValidationFailed({"note": ["The note must be 500 characters or fewer"]})
    if not agree and not note:
        raise ValidationFailed({"note": ["Tell the link workers why, so they can tell the group"]})
    with transaction.atomic():
        current = _lock(suggestion, None)
        _require_pending(current)
        if current.partner_decision == PartnerDecision.NOT_NEEDED:
            raise ValidationFailed("This suggestion no longer needs your agreement.")
        decision = PartnerDecision.APPROVED if agree else PartnerDecision.DECLINED
        before = current.partner_decision
        current.partner_decision = decision
        current.partner_decided_by = actor
        current.partner_decided_at = timezone.now()
        current.partner_note = note
        save_versioned(
            current,
            update_fields=[
                "partner_decision",
                "partner_decided_by",
                "partner_decided_at",
                "partner_note",
            ],
        )
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_VENUE_REQUEST_DECIDED,
            obj=current,
            organisation=current.partner_organisation,
            changes={"partner_decision": [before, decision]},
            detail={"note": note},
        )
    return current


# --- Publishing --------------------------------------------------------------------------------


def _schedule_for(suggestion: Suggestion) -> dict[str, Any] | None:
    common = {
        "opens_at": suggestion.starts_at,
        "closes_at": suggestion.ends_at,
        "attending_type": "online" if suggestion.venue_kind == VenueKind.ONLINE else "in person",
        "notes": suggestion.when_notes,
        "timezone": "",
    }
    freq = suggestion.frequency
    if freq in (Frequency.WEEKLY, Frequency.FORTNIGHTLY):
        return {
            **common,
            "freq": "WEEKLY",
            "byday": suggestion.day,
            "interval": 2 if freq == Frequency.FORTNIGHTLY else 1,
        }
    if freq == Frequency.MONTHLY:
        return {
            **common,
            "freq": "MONTHLY",
            "byday": f"{suggestion.week_of_month}{suggestion.day}",
            "interval": 1,
        }
    if freq == Frequency.ONCE and suggestion.on_date:
        return {
            **common,
            "dtstart": suggestion.on_date,
            "valid_from": suggestion.on_date,
            "valid_to": suggestion.on_date,
            "description": f"{suggestion.on_date:%A} {suggestion.on_date.day} "
            f"{suggestion.on_date:%B %Y}",
        }
    if suggestion.when_notes:
        return {**common, "description": suggestion.when_notes, "notes": ""}
    return None


def _description(suggestion: Suggestion) -> str:
    parts = [suggestion.description]
    if suggestion.venue_kind == VenueKind.HOME:
        area = f" in {suggestion.town}" if suggestion.town else ""
        parts.append(HOME_VENUE_TEXT.format(area=area))
    if suggestion.venue_kind == VenueKind.ONLINE:
        parts.append("This happens online.")
    return "\n\n".join(p for p in parts if p)


def _cost_options(suggestion: Suggestion) -> list[CostOption]:
    if suggestion.cost_kind == CostKind.FREE:
        return [CostOption(option="Free", amount=Decimal("0"), currency="GBP")]
    if suggestion.cost_kind == CostKind.PAID and suggestion.cost_amount is not None:
        return [CostOption(option="Per session", amount=suggestion.cost_amount, currency="GBP")]
    if suggestion.cost_kind == CostKind.DONATION:
        return [CostOption(option="Donation", amount_description="Pay what you can")]
    return []


def _venue(suggestion: Suggestion, organization: DirectoryOrganization) -> AtLocation | None:
    """Where the listing is delivered: the partner's venue, a new one at the suggested address
    or an online one; None for a group that meets at home or gave no link."""
    if suggestion.venue_kind == VenueKind.ADDRESS:
        if suggestion.partner_location is not None:
            return AtLocation(location=suggestion.partner_location)
        latlon: tuple[float | None, float | None] = (None, None)
        # An unknown postcode is listed without a map position.
        with contextlib.suppress(LinkwellError):
            latlon = postcodes.lookup(suggestion.postcode)
        return AtLocation(
            location=Location(
                organization=organization,
                name=suggestion.venue_name or suggestion.address_1,
                latitude=latlon[0],
                longitude=latlon[1],
            ),
            new=True,
            addresses=[
                Address(
                    address_1=suggestion.address_1,
                    city=suggestion.town,
                    postal_code=suggestion.postcode,
                )
            ],
        )
    if suggestion.venue_kind == VenueKind.ONLINE and suggestion.online_link:
        return AtLocation(
            location=Location(
                organization=organization,
                name="Online",
                location_type=Location.LocationType.VIRTUAL,
                url=suggestion.online_link,
            ),
            new=True,
        )
    return None


def _create_listing(suggestion: Suggestion, *, actor: User | None) -> Service:
    provenance = {"community_suggestion": str(suggestion.uuid)}
    org_name = suggestion.organisation_name or suggestion.name
    organization = organization_create(
        actor=actor,
        name=org_name[:255],
        fields={
            "description": (
                "A community group suggested through Linkwell."
                if suggestion.asset_kind != AssetKind.ORGANISATION
                else ""
            )
        },
        detail=provenance,
    )
    venue = _venue(suggestion, organization)
    schedule = _schedule_for(suggestion)
    listing = service_rows(
        organization=organization,
        name=suggestion.name[:255],
        fields={
            "description": _description(suggestion),
            "status": ServiceStatus.ACTIVE,
            "referral_mode": ReferralMode.SIGNPOST_ONLY,
            "eligibility_description": suggestion.who_for,
            "minimum_age": suggestion.minimum_age,
            "maximum_age": suggestion.maximum_age,
            "fees_description": suggestion.cost_notes,
            # Contact details are published only once confirmed (contact_confirm_by_link).
            "application_process": ASK_A_LINK_WORKER,
            # A moderator just checked it: this is the first verification.
            "last_verified_at": timezone.now(),
            "last_verified_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
        at_locations=[venue] if venue is not None else [],
        # The session belongs to the service, wherever it is held (timetables read it there).
        schedules=[Schedule(**schedule)] if schedule is not None else [],
        cost_options=_cost_options(suggestion),
    )
    return service_create(actor=actor, listing=listing, detail=provenance)


def suggestion_approve(
    *, actor: User | None, suggestion: Suggestion, expected_version: int | None = None
) -> Service:
    """Publish the suggestion as a directory listing (organisation, service, venue, schedule,
    cost) with provenance. Refused while a partner's venue approval is missing. The contact's
    confirmation email goes out after the commit."""
    with transaction.atomic():
        current = _lock(suggestion, expected_version)
        _require_pending(current)
        if current.partner_decision == PartnerDecision.PENDING:
            raise ValidationFailed(
                f"{current.partner_organisation} owns the venue at {current.address_1}: they must "
                "agree before this can be listed there. It is waiting in their venue requests."
            )
        if current.partner_decision == PartnerDecision.DECLINED:
            raise ValidationFailed(
                f"{current.partner_organisation} did not agree to this being listed at their "
                "venue. Change the venue, or reject the suggestion."
            )
        service = _create_listing(current, actor=actor)
        current.status = SuggestionStatus.APPROVED
        current.service = service
        current.decided_by = actor
        current.decided_at = timezone.now()
        save_versioned(current, update_fields=[*_DECISION_FIELDS, "service"])
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_SUGGESTION_APPROVED,
            obj=current,
            changes={"status": [SuggestionStatus.PENDING, SuggestionStatus.APPROVED]},
            detail={"service": str(service.uuid)},
        )
        if current.contact_email:
            transaction.on_commit(lambda: _send_contact_confirmation_quietly(current.pk))
    return service


def suggestion_reject(
    *,
    actor: User | None,
    suggestion: Suggestion,
    reason: str,
    tell_suggester: bool = False,
    expected_version: int | None = None,
) -> Suggestion:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": ["Enter the reason for rejecting the suggestion"]})
    if len(reason) > 2000:
        raise ValidationFailed({"reason": ["The reason must be 2000 characters or fewer"]})
    if tell_suggester and not suggestion.suggester_email:
        raise ValidationFailed(
            {"tell_suggester": ["The person who suggested it left no email address"]}
        )
    with transaction.atomic():
        current = _lock(suggestion, expected_version)
        _require_pending(current)
        current.status = SuggestionStatus.REJECTED
        current.rejection_reason = reason
        current.decided_by = actor
        current.decided_at = timezone.now()
        save_versioned(current, update_fields=[*_DECISION_FIELDS, "rejection_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_SUGGESTION_REJECTED,
            obj=current,
            changes={"status": [SuggestionStatus.PENDING, SuggestionStatus.REJECTED]},
            detail={"reason": reason, "suggester_told": tell_suggester},
        )
        if tell_suggester:
            transaction.on_commit(lambda: _tell_suggester_quietly(current.pk))
    return current


def suggestion_merge(
    *,
    actor: User | None,
    suggestion: Suggestion,
    service: Service,
    expected_version: int | None = None,
) -> Suggestion:
    """The group is already listed: record the suggestion against that listing (provenance);
    the listing itself is edited, if at all, through the directory's edit page."""
    with transaction.atomic():
        current = _lock(suggestion, expected_version)
        _require_pending(current)
        current.status = SuggestionStatus.MERGED
        current.service = service
        current.decided_by = actor
        current.decided_at = timezone.now()
        save_versioned(current, update_fields=[*_DECISION_FIELDS, "service"])
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_SUGGESTION_MERGED,
            obj=current,
            changes={"status": [SuggestionStatus.PENDING, SuggestionStatus.MERGED]},
            detail={"service": str(service.uuid)},
        )
    return current


# --- Emails ------------------------------------------------------------------------------------


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
    notify(
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
        )


def _send_contact_confirmation_quietly(pk: int) -> None:
    suggestion = Suggestion.objects.get(pk=pk)
    try:
        send_contact_confirmation(suggestion=suggestion)
    except NotifyError:
        logger.exception("Could not email the contact for suggestion %s", suggestion.uuid)


def _tell_suggester_quietly(pk: int) -> None:
    suggestion = Suggestion.objects.get(pk=pk)
    try:
        notify(
            channel=EMAIL,
            to=suggestion.suggester_email,
            subject=f"Your suggestion: {suggestion.name}",
            body=(
                f"Hello{(' ' + suggestion.suggester_name) if suggestion.suggester_name else ''},\n\n"
                f"Thank you for suggesting “{suggestion.name}” for the community directory. "
                "We have not listed it, for this reason:\n\n"
                f"{suggestion.rejection_reason}\n\n"
                "If anything changes, you are welcome to suggest it again.\n"
            ),
        )
    except NotifyError:
        logger.exception("Could not email the suggester of %s", suggestion.uuid)
