"""Directory writes: creating, editing, verifying and quality-assuring listings (see README.md).

Every function here is keyword-only, runs in one transaction and writes its audit event in that
transaction. Listings are edited by several people (provider staff, link workers), so the Service
row carries `version`: writers pass the version they read and a stale one raises
`ConcurrentEditError` before anything is written. "Verified" (`last_verified_at`: somebody
confirmed the listing is still correct) is deliberately separate from "edited" (`updated_at`).

One module per subject; import from this package (`from linkwell.directory.services import
service_update`), which re-exports the public names:

- `creation`: the one creator of listings (`service_rows` builds the unsaved rows,
  `service_create` saves and audits them, `services_create` many at once, in bulk) and of providers (`organization_create`). Community
  suggestions, the ORUK/CSV importer and the demo all create listings here.
- `edit_state`: what the edit form may change (`EDITABLE_SERVICE_FIELDS`, `RELATED_FIELDS`, days, cost
  kinds) and `service_edit_state`, the listing as the form shows it.
- `edit_validation`: normalising the form's values and every rule an edit must satisfy.
- `edits`: `service_edit_errors`, `service_update` (the edit form), `service_set_status`,
  `service_set_capacity`.
- `venues`: the venue whose access text the form shows (`accessibility_location`) and who may
  change it (`may_edit_venue`).
- `freshness`: `service_verify`, the one-click emailed "still correct" link
  (`verification_token`, `service_verify_by_link`) and the verification reminders.
- `quality_checks`: `quality_check_record`, a provider's QA documents.
- `_common`: locking a listing and moving its version on, shared by the writers.
"""

from linkwell.directory.services.creation import (
    SERVICE_CREATE_FIELDS,
    AtLocation,
    ServiceRows,
    organization_create,
    service_create,
    service_rows,
    services_create,
)
from linkwell.directory.services.edit_state import (
    COST_FREE,
    COST_PAID,
    COST_UNKNOWN,
    DAYS,
    EDITABLE_FIELDS,
    EDITABLE_SERVICE_FIELDS,
    ELIGIBILITY_LINK_TYPE,
    ELIGIBILITY_TERM_CODE,
    RELATED_FIELDS,
    service_edit_state,
)
from linkwell.directory.services.edit_validation import (
    MAX_AGE,
    MAX_EMAIL_LENGTH,
    MAX_PLACES,
    MAX_URL_LENGTH,
)
from linkwell.directory.services.edits import (
    service_edit_errors,
    service_set_capacity,
    service_set_status,
    service_update,
)
from linkwell.directory.services.freshness import (
    REMINDER_INTERVAL,
    VERIFY_LINK_MAX_AGE,
    VerifyLinkError,
    reminder_recipients,
    service_from_verification_token,
    service_send_verification_reminder,
    service_verify,
    service_verify_by_link,
    services_due_for_reminder,
    verification_token,
    verification_url,
)
from linkwell.directory.services.quality_checks import quality_check_record
from linkwell.directory.services.venues import (
    SHARED_VENUE_MESSAGE,
    accessibility_location,
    may_edit_venue,
)

__all__ = [
    "COST_FREE",
    "COST_PAID",
    "COST_UNKNOWN",
    "DAYS",
    "EDITABLE_FIELDS",
    "EDITABLE_SERVICE_FIELDS",
    "ELIGIBILITY_LINK_TYPE",
    "ELIGIBILITY_TERM_CODE",
    "MAX_AGE",
    "MAX_EMAIL_LENGTH",
    "MAX_PLACES",
    "MAX_URL_LENGTH",
    "RELATED_FIELDS",
    "REMINDER_INTERVAL",
    "SERVICE_CREATE_FIELDS",
    "SHARED_VENUE_MESSAGE",
    "VERIFY_LINK_MAX_AGE",
    "AtLocation",
    "ServiceRows",
    "VerifyLinkError",
    "accessibility_location",
    "may_edit_venue",
    "organization_create",
    "quality_check_record",
    "reminder_recipients",
    "service_create",
    "service_edit_errors",
    "service_edit_state",
    "service_from_verification_token",
    "service_rows",
    "service_send_verification_reminder",
    "service_set_capacity",
    "service_set_status",
    "service_update",
    "service_verify",
    "service_verify_by_link",
    "services_create",
    "services_due_for_reminder",
    "verification_token",
    "verification_url",
]
