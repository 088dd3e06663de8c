"""FHIR R4 resources built from Linkwell records: plain dicts of FHIR JSON, one builder per
resource type. Builders read what they are given and query nothing else, so callers control the
queries (select_related) and the access check happens before a builder is called.

| Module | Builds |
|---|---|
| `common.py` | identifier systems, profiles, codings, references |
| `patient.py` | `patient_resource(person)` (UKCore-Patient) |
| `organization.py` | `organization_resource(org)` (UKCore-Organization) |
| `referral.py` | `service_request_resource(api_referral)`, `task_resource(api_referral)` |
"""

from linkwell.fhir.resources.organization import organization_resource
from linkwell.fhir.resources.patient import patient_resource

__all__ = ["organization_resource", "patient_resource"]
