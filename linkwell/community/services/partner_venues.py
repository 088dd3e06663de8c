"""Partner venues: matching a suggested address to a venue a partner owns, asking the partner's
staff, and their decision."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Membership, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.community.models import PartnerDecision, Suggestion, VenueKind
from linkwell.community.services._common import _lock, _require_pending
from linkwell.core.concurrency import save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.notify import EMAIL, NotifyError, notify
from linkwell.directory import postcodes
from linkwell.directory.models import Address, Location

logger = logging.getLogger(__name__)


# What `_apply_partner` sets.
_PARTNER_FIELDS = (
    "partner_location",
    "partner_organisation",
    "partner_decision",
    "partner_decided_by",
    "partner_decided_at",
)


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
