"""Identifier systems, profiles and small helpers shared by the resource builders."""

from __future__ import annotations

import datetime as dt
from typing import Any

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"

UKCORE = "https://fhir.hl7.org.uk/StructureDefinition/"
PROFILE_PATIENT = UKCORE + "UKCore-Patient"
PROFILE_ORGANIZATION = UKCORE + "UKCore-Organization"
PROFILE_SERVICE_REQUEST = UKCORE + "UKCore-ServiceRequest"
PROFILE_PRACTITIONER = UKCORE + "UKCore-Practitioner"
# The SDOH Clinical Care IG's Task for referral management (the closed loop).
PROFILE_TASK = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"
)

# UK Core: how sure the sender is of the NHS number.
NHS_NUMBER_VERIFICATION_EXTENSION = UKCORE + "Extension-UKCore-NHSNumberVerificationStatus"
NHS_NUMBER_VERIFICATION_SYSTEM = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
)

# Linkwell's own identifier namespaces (the referral reference people read out on the phone).
LINKWELL_REFERRAL_REFERENCE_SYSTEM = "https://linkwell.org.uk/Id/referral-reference"


def instant(value: dt.datetime) -> str:
    """An aware datetime as a FHIR instant (UTC, seconds precision, `Z`)."""
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def ods_identifier(code: str) -> dict[str, str]:
    return {"system": ODS_SYSTEM, "value": code}


def coding(system: str, code: str, display: str = "") -> dict[str, str]:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def meta(profile: str, last_updated: dt.datetime | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"profile": [profile]}
    if last_updated is not None:
        out["lastUpdated"] = instant(last_updated)
    return out
