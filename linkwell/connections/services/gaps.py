"""Gaps in provision: a need the link worker could not meet with any service, and its choices."""

from __future__ import annotations

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.connections.models import ProvisionGap
from linkwell.connections.services._common import MAX_MESSAGE
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import TaxonomyTerm
from linkwell.directory.taxonomies import NEEDS, taxonomy_uuid


def provision_gap_record(
    *,
    actor: User | None,
    case: Case,
    need: TaxonomyTerm | None,
    description: str,
    place: str = "",
    who: str = "",
) -> ProvisionGap:
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Describe what the person needed and could not find."]
    elif len(description) > MAX_MESSAGE:
        errors["description"] = [f"Keep this to {MAX_MESSAGE} characters or fewer."]
    if need is None:
        errors["need"] = ["Choose the need that could not be met."]
    elif need.taxonomy is None or need.taxonomy.uuid != taxonomy_uuid(NEEDS):
        errors["need"] = ["Choose a need from the Needs list."]
    for field, value in (("place", place), ("who", who)):
        if len((value or "").strip()) > 200:
            errors[field] = ["Keep this to 200 characters or fewer."]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        gap = ProvisionGap.objects.create(
            case=case,
            need=need,
            description=description,
            place=(place or "").strip(),
            who=(who or "").strip(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            link_worker_service=case.link_worker_service,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CONNECTIONS_GAP_RECORDED,
            obj=gap,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"need": need.name if need else "", "place": gap.place, "who": gap.who},
        )
    return gap


def need_choices() -> list[TaxonomyTerm]:
    """The unmet needs on offer: the shipped "Needs" taxonomy (as referral reasons use)."""
    return list(
        TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(NEEDS)).order_by("name", "pk")
    )
