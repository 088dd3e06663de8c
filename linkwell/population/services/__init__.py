"""Writes for invite lists: upload a cohort run, ask practices to confirm, record outcomes, and
turn a confirmed entry into a proactive referral.

Every write is atomic and audited in the same transaction. Entries never hold names or NHS
numbers; the NHS number typed at confirmation is only hashed and compared (pseudonym.py), and
then stored on the person record through the referrals/people services like any referral.

```
new --request--> requested --confirm--> confirmed (referral created, source "proactive")
 |                   +--outcome--> not_suitable (reason) | declined | no_contact
 +--not suitable (link worker, reason)--> not_suitable
```

Submodules, one subject each (import from here; inside the package, submodules import each
other directly):

- `uploads`: check a cohort run's output file and store it (`parse_invite_file`,
  `invite_list_upload`, `InviteListRejected`).
- `choices`: the link worker's choices on a list (`invite_entries_request`,
  `invite_entries_not_suitable`).
- `outcomes`: the practice closes an entry without a referral (`invite_entry_record_outcome`).
- `confirmation`: the practice confirms who the person is and a proactive referral is created
  (`invite_entry_confirm`, `reasons_to_needs`).
- `exclusions`: the exclusions file for the next cohort run (`exclusions_export`).
- `_common`: locking a requested entry, shared by `outcomes` and `confirmation`.
"""

from linkwell.population.services.choices import (
    invite_entries_not_suitable,
    invite_entries_request,
)
from linkwell.population.services.confirmation import (
    MISMATCH_MESSAGE,
    REASON_NEEDS,
    invite_entry_confirm,
    reasons_to_needs,
)
from linkwell.population.services.exclusions import exclusions_export
from linkwell.population.services.outcomes import PRACTICE_OUTCOMES, invite_entry_record_outcome
from linkwell.population.services.uploads import (
    COLUMNS,
    MAX_ENTRIES,
    MAX_UPLOAD_BYTES,
    InviteListRejected,
    RowProblem,
    invite_list_upload,
    parse_invite_file,
)

__all__ = [
    "COLUMNS",
    "MAX_ENTRIES",
    "MAX_UPLOAD_BYTES",
    "MISMATCH_MESSAGE",
    "PRACTICE_OUTCOMES",
    "REASON_NEEDS",
    "InviteListRejected",
    "RowProblem",
    "exclusions_export",
    "invite_entries_not_suitable",
    "invite_entries_request",
    "invite_entry_confirm",
    "invite_entry_record_outcome",
    "invite_list_upload",
    "parse_invite_file",
    "reasons_to_needs",
]
