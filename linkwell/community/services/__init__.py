"""Community suggestions: submit, moderate, publish with provenance, confirm contact details.

Every write is keyword-only, validates before writing, runs in one transaction and writes its
audit event in it. Emails go out after the transaction commits (a slow mail server never holds
the database), through `linkwell.core.notify`.

Invariants (README.md):
- Contact details typed in by the public are published only after the owner of the contact email
  confirms through a signed, expiring link; until then the listing says "ask a link worker".
- A suggestion whose venue is a Location owned by a partner organisation cannot be approved until
  that partner's provider staff agree.

One module per subject; import from this package (`from linkwell.community.services import
suggestion_approve`), which re-exports the public names:

- `validation`: the draft's fields (`SUGGESTION_FIELDS`), `normalise_data` and
  `suggestion_errors` (every rule, shared by the public form and the moderator's edit form).
- `submission`: `suggestion_submit` (from anyone) and `suggestion_update` (a moderator tidies
  the draft).
- `partner_venues`: `find_partner_venue` (a suggested address at a venue a partner owns), asking
  the partner's staff (`partner_recipients`), and their answer (`suggestion_partner_decide`).
- `moderation`: `suggestion_approve`, `suggestion_reject` (optionally telling the suggester),
  `suggestion_merge`.
- `publishing`: the listing an approval creates (organisation, service, venue, schedule, cost)
  through the directory's `organization_create` / `service_create`.
- `contact_confirmation`: the signed emailed link (`contact_confirmation_token`,
  `suggestion_from_contact_token`), `send_contact_confirmation` and `contact_confirm_by_link`.
- `_common`: locking a suggestion and refusing one already decided.
"""

from linkwell.community.services.contact_confirmation import (
    CONTACT_LINK_MAX_AGE,
    ContactLinkError,
    contact_confirm_by_link,
    contact_confirmation_token,
    send_contact_confirmation,
    suggestion_from_contact_token,
)
from linkwell.community.services.moderation import (
    suggestion_approve,
    suggestion_merge,
    suggestion_reject,
)
from linkwell.community.services.partner_venues import (
    find_partner_venue,
    normalise_address_line,
    partner_recipients,
    suggestion_partner_decide,
)
from linkwell.community.services.publishing import ASK_A_LINK_WORKER, HOME_VENUE_TEXT
from linkwell.community.services.submission import suggestion_submit, suggestion_update
from linkwell.community.services.validation import (
    DAYS,
    LENGTH_LABELS,
    MAX_AGE,
    MAX_COST,
    MAX_LENGTHS,
    SUGGESTION_FIELDS,
    WEEKS_OF_MONTH,
    normalise_data,
    suggestion_errors,
)

__all__ = [
    "ASK_A_LINK_WORKER",
    "CONTACT_LINK_MAX_AGE",
    "DAYS",
    "HOME_VENUE_TEXT",
    "LENGTH_LABELS",
    "MAX_AGE",
    "MAX_COST",
    "MAX_LENGTHS",
    "SUGGESTION_FIELDS",
    "WEEKS_OF_MONTH",
    "ContactLinkError",
    "contact_confirm_by_link",
    "contact_confirmation_token",
    "find_partner_venue",
    "normalise_address_line",
    "normalise_data",
    "partner_recipients",
    "send_contact_confirmation",
    "suggestion_approve",
    "suggestion_errors",
    "suggestion_from_contact_token",
    "suggestion_merge",
    "suggestion_partner_decide",
    "suggestion_reject",
    "suggestion_submit",
    "suggestion_update",
]
