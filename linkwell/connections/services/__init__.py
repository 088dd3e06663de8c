"""Connection writes: signposts, onward referrals and their FHIR Task lifecycle (see README.md).

Every function is keyword-only, runs in one transaction and writes its audit event (with the
person's id) in that transaction. A connection is changed by two parties (the link worker and the
provider), so state changes take the `version` the actor saw; a stale one raises
`ConcurrentEditError` and a change the current state does not allow raises `ValidationFailed`
naming the state. Either way nothing is written.

    draft -> requested -> accepted | rejected
    accepted -> in-progress <-> on-hold -> completed | failed
    any open state -> cancelled (by the link worker)

Signposts are recorded as completed at once: the information was given, nobody needs to answer.

Submodules, one subject each (import from here; inside the package, submodules import each
other directly):

- `creation`: `connection_signpost`, `connection_refer`.
- `capacity`: over-referral protection (`places_left`, `is_full`, `FULL_NOTE`).
- `responses`: the provider's answer (`connection_accept`, `connection_reject`).
- `progress`: the provider's updates once accepted (`attendance_record`, `attendance_correct`,
  `attendance_remove`, `connection_hold`,
  `connection_resume`, `connection_complete`, `connection_fail`, `connection_add_note`).
- `registers`: attendance in bulk (`register_save` for a session register,
  `attendance_file_check` and `attendance_file_import` for a CSV file), through `progress`.
- `link_worker`: `connection_cancel`, `connection_acknowledge`.
- `lapses`: the response window (`connection_mark_lapsed`).
- `gaps`: gaps in provision (`provision_gap_record`, `need_choices`).
- `_common`: the transitions (`TRANSITIONS`, `OPEN_STATES`, `CLOSED_STATES`), text limits, and
  the lock, status change and audit helpers the others share.
"""

from linkwell.connections.services._common import (
    CLOSED_STATES,
    MAX_MESSAGE,
    MAX_NOTE,
    OPEN_STATES,
    TRANSITIONS,
)
from linkwell.connections.services.capacity import FULL_NOTE, is_full, places_left
from linkwell.connections.services.creation import connection_refer, connection_signpost
from linkwell.connections.services.gaps import need_choices, provision_gap_record
from linkwell.connections.services.lapses import connection_mark_lapsed
from linkwell.connections.services.link_worker import connection_acknowledge, connection_cancel
from linkwell.connections.services.progress import (
    attendance_correct,
    attendance_record,
    attendance_remove,
    connection_add_note,
    connection_complete,
    connection_fail,
    connection_hold,
    connection_resume,
)
from linkwell.connections.services.registers import (
    ABSENT,
    ATTENDED,
    NOT_RECORDED,
    FileCheck,
    RegisterMark,
    attendance_file_check,
    attendance_file_import,
    reference_of,
    register_save,
)
from linkwell.connections.services.responses import connection_accept, connection_reject

__all__ = [
    "ABSENT",
    "ATTENDED",
    "CLOSED_STATES",
    "FULL_NOTE",
    "MAX_MESSAGE",
    "MAX_NOTE",
    "NOT_RECORDED",
    "OPEN_STATES",
    "TRANSITIONS",
    "FileCheck",
    "RegisterMark",
    "attendance_correct",
    "attendance_file_check",
    "attendance_file_import",
    "attendance_record",
    "attendance_remove",
    "connection_accept",
    "connection_acknowledge",
    "connection_add_note",
    "connection_cancel",
    "connection_complete",
    "connection_fail",
    "connection_hold",
    "connection_mark_lapsed",
    "connection_refer",
    "connection_reject",
    "connection_resume",
    "connection_signpost",
    "is_full",
    "need_choices",
    "places_left",
    "provision_gap_record",
    "reference_of",
    "register_save",
]
