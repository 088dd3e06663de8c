"""What the listing edit form may change, and the listing's editable state as the form shows it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from linkwell.directory.models import (
    Attribute,
    AttributeLinkEntity,
    CostOption,
    Language,
    Phone,
    Schedule,
    Service,
)
from linkwell.directory.services.venues import accessibility_location

# --- What the edit form may change -------------------------------------------------------------

# Columns of the Service row itself that the edit form may change. Not `exchange.hsds.SERVICE_FIELDS`
# (HSDS key -> column for import/export): that list has columns no form edits (alternate_name,
# alert, ...) and lacks Linkwell's own (referral_mode, capacity).
EDITABLE_SERVICE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "referral_mode",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "capacity_available",
    "capacity_maximum",
    "eligibility_checked",
    "required_conditions",
)
# Values kept in related HSDS rows (phone, cost_option, schedule, language, accessibility,
# attribute); `service_edit_state` reads them and `_write_related` replaces them.
RELATED_FIELDS = (
    "phone",
    "cost",
    "cost_amount",
    "schedule",
    "languages",
    "accessibility",
    "eligibility_conditions",
)
EDITABLE_FIELDS = EDITABLE_SERVICE_FIELDS + RELATED_FIELDS

DAYS = (
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
)
_DAY_ORDER = {code: i for i, (code, _) in enumerate(DAYS)}

COST_FREE = "free"
COST_PAID = "paid"
COST_UNKNOWN = ""

# Eligibility conditions are HSDS attributes (link_type "eligibility") whose value is the
# provider's own wording; they all point at this one Linkwell term.
ELIGIBILITY_LINK_TYPE = "eligibility"
ELIGIBILITY_TERM_CODE = "linkwell-eligibility-condition"


# --- Reading the editable state ------------------------------------------------------------------


def _managed_phone(service: Service) -> Phone | None:
    return (
        Phone.objects.filter(service=service, contact=None, location=None, service_at_location=None)
        .order_by("id")
        .first()
    )


def _managed_cost(service: Service) -> CostOption | None:
    return CostOption.objects.filter(service=service).order_by("id").first()


def _simple_weekly(service: Service) -> QuerySet[Schedule]:
    """The weekly sessions the edit form owns: one day, an opening and a closing time.

    Imported schedules the form cannot express (monthly, several days, term dates, a schedule at
    one location) are left alone, so editing never throws away what an import brought in."""
    return Schedule.objects.filter(
        service=service,
        service_at_location=None,
        location=None,
        freq="WEEKLY",
        byday__in=list(_DAY_ORDER),
        opens_at__isnull=False,
        closes_at__isnull=False,
        valid_from=None,
        valid_to=None,
    ).filter(Q(interval__isnull=True) | Q(interval=1))


def _managed_languages(service: Service) -> QuerySet[Language]:
    return Language.objects.filter(service=service, location=None, phone=None).order_by("id")


def _eligibility_attributes(service: Service) -> QuerySet[Attribute]:
    return Attribute.objects.filter(
        link_entity=AttributeLinkEntity.SERVICE,
        link_uuid=service.uuid,
        link_type=ELIGIBILITY_LINK_TYPE,
    ).order_by("id")


def _session_key(row: Mapping[str, Any]) -> tuple[int, str, str]:
    return (_DAY_ORDER.get(row["day"], 9), str(row["opens_at"]), str(row["closes_at"]))


def service_edit_state(service: Service) -> dict[str, Any]:
    """Everything the edit form shows, in the shape `service_update(data=...)` accepts.

    Also the before/after snapshot for the audit trail, so the diff names form fields."""
    state: dict[str, Any] = {name: getattr(service, name) for name in EDITABLE_SERVICE_FIELDS}
    phone = _managed_phone(service)
    state["phone"] = phone.number if phone else ""
    cost = _managed_cost(service)
    if cost is None:
        state["cost"], state["cost_amount"] = COST_UNKNOWN, None
    elif (cost.amount is not None and cost.amount == 0) or cost.option.strip().lower() == "free":
        state["cost"], state["cost_amount"] = COST_FREE, None
    elif cost.amount is not None:
        state["cost"], state["cost_amount"] = COST_PAID, cost.amount
    else:
        state["cost"], state["cost_amount"] = COST_UNKNOWN, None
    state["schedule"] = sorted(
        (
            {"day": s.byday, "opens_at": s.opens_at, "closes_at": s.closes_at}
            for s in _simple_weekly(service)
        ),
        key=_session_key,
    )
    state["languages"] = [lang.name or lang.code for lang in _managed_languages(service)]
    location = accessibility_location(service)
    access = location.accessibility.order_by("id").first() if location else None
    state["accessibility"] = access.description if access else ""
    state["eligibility_conditions"] = [a.value for a in _eligibility_attributes(service)]
    return state
