"""Patient (UKCore-Patient) from `people.Person`."""

from __future__ import annotations

from typing import Any

from linkwell.fhir.resources.common import (
    NHS_NUMBER_SYSTEM,
    NHS_NUMBER_VERIFICATION_EXTENSION,
    NHS_NUMBER_VERIFICATION_SYSTEM,
    PROFILE_PATIENT,
    coding,
    meta,
)
from linkwell.fhir.resources.organization import organization_reference
from linkwell.people.models import Person, Sex

# Person.sex -> FHIR administrative gender (http://hl7.org/fhir/administrative-gender).
_GENDER = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.OTHER: "other", Sex.UNKNOWN: "unknown"}


def patient_reference(person: Person) -> dict[str, Any]:
    ref: dict[str, Any] = {"reference": f"Patient/{person.uuid}"}
    if person.nhs_number:
        ref["identifier"] = {"system": NHS_NUMBER_SYSTEM, "value": person.nhs_number}
    return ref


def patient_resource(person: Person) -> dict[str, Any]:
    """The person's demographics for a system that holds their record already: NHS number,
    name, birth date, gender, postcode and registered practice. Contact details and everything
    else on the record stay in Linkwell.

    The NHS number carries UK Core's verification status "02" (present but not traced):
    Linkwell records the number it was given and does not trace it against PDS."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.uuid),
        "meta": meta(PROFILE_PATIENT, person.updated_at),
    }
    if person.nhs_number:
        resource["identifier"] = [
            {
                "extension": [
                    {
                        "url": NHS_NUMBER_VERIFICATION_EXTENSION,
                        "valueCodeableConcept": {
                            "coding": [
                                coding(
                                    NHS_NUMBER_VERIFICATION_SYSTEM,
                                    "02",
                                    "Number present but not traced",
                                )
                            ]
                        },
                    }
                ],
                "system": NHS_NUMBER_SYSTEM,
                "value": person.nhs_number,
            }
        ]
    names: list[dict[str, Any]] = [
        {"use": "official", "family": person.family_name, "given": [person.given_name]}
    ]
    if person.preferred_name and person.preferred_name != person.given_name:
        names.append({"use": "usual", "given": [person.preferred_name]})
    resource["name"] = names
    resource["gender"] = _GENDER.get(Sex(person.sex), "unknown") if person.sex else "unknown"
    resource["birthDate"] = person.date_of_birth.isoformat()
    if person.postcode:
        resource["address"] = [{"use": "home", "postalCode": person.postcode}]
    practice = person.registered_practice
    if practice is not None:
        resource["generalPractitioner"] = [organization_reference(practice)]
    return resource
