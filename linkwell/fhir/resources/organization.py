"""Organization (UKCore-Organization) from `accounts.Organisation`."""

from __future__ import annotations

from typing import Any

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.fhir.resources.common import PROFILE_ORGANIZATION, coding, meta, ods_identifier

# http://terminology.hl7.org/CodeSystem/organization-type, the closest R4 type to each kind.
_ORG_TYPE = {
    OrganisationKind.GP_PRACTICE: ("prov", "Healthcare Provider"),
    OrganisationKind.PCN: ("prov", "Healthcare Provider"),
    OrganisationKind.LINK_WORKER_SERVICE: ("prov", "Healthcare Provider"),
    OrganisationKind.VCSE_PROVIDER: ("cg", "Community Group"),
    OrganisationKind.LOCAL_AUTHORITY: ("govt", "Government"),
    OrganisationKind.FIRE_AND_RESCUE: ("govt", "Government"),
    OrganisationKind.COMMISSIONER: ("govt", "Government"),
}


def organization_reference(org: Organisation) -> dict[str, Any]:
    """A reference by ODS code where there is one (what an NHS system can resolve), else by
    id; always with the name."""
    ref: dict[str, Any] = {"reference": f"Organization/{org.uuid}", "display": org.name}
    if org.ods_code:
        ref["identifier"] = ods_identifier(org.ods_code)
    return ref


def organization_resource(org: Organisation) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": str(org.uuid),
        "meta": meta(PROFILE_ORGANIZATION, org.updated_at),
        "active": org.is_active,
        "name": org.name,
    }
    if org.ods_code:
        resource["identifier"] = [ods_identifier(org.ods_code)]
    kind = (
        _ORG_TYPE.get(OrganisationKind(org.kind)) if org.kind in OrganisationKind.values else None
    )
    type_text = org.get_kind_display()
    resource["type"] = [
        {
            "coding": [coding("http://terminology.hl7.org/CodeSystem/organization-type", *kind)]
            if kind
            else [],
            "text": type_text,
        }
    ]
    if not resource["type"][0]["coding"]:
        del resource["type"][0]["coding"]
    if org.postcode:
        resource["address"] = [{"postalCode": org.postcode}]
    return resource
