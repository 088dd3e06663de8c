"""Writes for volunteering, one module per subject; import from the package.

| Module | What it owns |
|---|---|
| `members.py` | `member_create`, `member_update`, `member_register` (public), `member_find_person`, `member_link_person`, `member_unlink_person` |
| `roles.py` | `role_add`, `role_move` (the pipeline, `active_problems`) |
| `checks.py` | `check_record` (DBS, references, training), `supervision_record` |
| `reminders.py` | `reminders_due`, `checks_remind` (lapsing DBS checks, once per state) |
| `self_referral.py` | `request_create_self` (the public "ask for a volunteer" form) |
| `notifications.py` | emails to coordinators and registrants after a write commits |
| `visits.py` | the volunteer's `match_accept`, `match_decline`, `activity_log` (retry-safe, concerns into safeguarding); `activity_concern_resolve` |
"""

from linkwell.volunteering.services.checks import check_record, supervision_record
from linkwell.volunteering.services.matches import (
    MAX_LIVE_MATCHES,
    match_end,
    match_introduce,
    match_review_record,
)
from linkwell.volunteering.services.members import (
    DAYS,
    MEMBER_FIELDS,
    member_clean,
    member_create,
    member_find_person,
    member_link_person,
    member_register,
    member_unlink_person,
    member_update,
    split_list,
)
from linkwell.volunteering.services.reminders import checks_remind, reminders_due
from linkwell.volunteering.services.requests import (
    RequestDetails,
    prefill_about,
    request_close,
    request_create_by_referral,
    request_create_from_case,
    request_exclude_member,
)
from linkwell.volunteering.services.roles import active_problems, role_add, role_move
from linkwell.volunteering.services.self_referral import request_create_self, request_errors
from linkwell.volunteering.services.visits import (
    activity_concern_resolve,
    activity_log,
    match_accept,
    match_decline,
    match_started_on,
)

__all__ = [
    "DAYS",
    "MAX_LIVE_MATCHES",
    "MEMBER_FIELDS",
    "RequestDetails",
    "active_problems",
    "activity_concern_resolve",
    "activity_log",
    "check_record",
    "checks_remind",
    "match_accept",
    "match_decline",
    "match_end",
    "match_introduce",
    "match_review_record",
    "match_started_on",
    "member_clean",
    "member_create",
    "member_find_person",
    "member_link_person",
    "member_register",
    "member_unlink_person",
    "member_update",
    "prefill_about",
    "reminders_due",
    "request_close",
    "request_create_by_referral",
    "request_create_from_case",
    "request_create_self",
    "request_errors",
    "request_exclude_member",
    "role_add",
    "role_move",
    "split_list",
    "supervision_record",
]
