"""Casework reads. One module per subject:

- `caseload`: a worker's caseload (`caseload_for_worker`; one page of it searched, filtered and
  sorted in the database, `caseload_page`), whose caseloads a user may see. `case_search`: the
  name and NHS number search it uses.
- `teams`: the team page, each worker's load against the safe level (`team_caseloads`), and
  the teams a user manages (`managed_team_ids`).
- `cases`: the case page (`case_view`: the timeline, with sensitive notes redacted) and how a
  case is named without personal data (`case_reference`, `initials`).
- `calendar_feed`: the calendar feed's per-user token and the contacts it lists (the iCalendar
  text itself is rendered by `casework/calendar.py`).
- `deliveries`: messages back whose electronic delivery failed, for the team page.
- `safeguarding`: the safeguarding lead's list of concerns and the team page's count of them.

Each takes the acting user and scopes to the cases of their teams (casework/access.py). Lists are
built in a fixed number of queries whatever their length (tests assert it): per-case figures come
from correlated subqueries, per-worker figures from grouped queries.

The public names are re-exported here, so `from linkwell.casework.selectors import case_view`
works; modules inside the package import each other directly.
"""

from linkwell.casework.selectors.calendar_feed import (
    calendar_appointments,
    calendar_token,
    user_for_calendar_token,
)
from linkwell.casework.selectors.caseload import (
    SORT_URGENT,
    Caseload,
    CaseloadFilters,
    CaseloadPage,
    CaseloadRow,
    CaseloadSummary,
    DueFilter,
    caseload_cases,
    caseload_for_worker,
    caseload_page,
    caseload_practices,
    caseload_summary,
    due_choices,
    has_caseload,
    register_due_filter,
    worker_visible_to,
)
from linkwell.casework.selectors.cases import (
    SENSITIVE_PLACEHOLDER,
    CaseView,
    TimelineItem,
    case_reference,
    case_view,
    initials,
)
from linkwell.casework.selectors.deliveries import failed_deliveries
from linkwell.casework.selectors.safeguarding import (
    RESOLVED_CONCERNS_PER_PAGE,
    ConcernList,
    ConcernRow,
    concern_days_open,
    open_concern_count_for_lead,
    safeguarding_concern_list,
    safeguarding_concerns_for_lead,
)
from linkwell.casework.selectors.teams import (
    NEAR_SAFE_LEVEL_SHARE,
    TeamLoad,
    WorkerLoad,
    managed_team_ids,
    safe_level,
    team_caseloads,
)

__all__ = [
    "NEAR_SAFE_LEVEL_SHARE",
    "RESOLVED_CONCERNS_PER_PAGE",
    "SENSITIVE_PLACEHOLDER",
    "SORT_URGENT",
    "CaseView",
    "Caseload",
    "CaseloadFilters",
    "CaseloadPage",
    "CaseloadRow",
    "CaseloadSummary",
    "ConcernList",
    "ConcernRow",
    "DueFilter",
    "TeamLoad",
    "TimelineItem",
    "WorkerLoad",
    "calendar_appointments",
    "calendar_token",
    "case_reference",
    "case_view",
    "caseload_cases",
    "caseload_for_worker",
    "caseload_page",
    "caseload_practices",
    "caseload_summary",
    "concern_days_open",
    "due_choices",
    "failed_deliveries",
    "has_caseload",
    "initials",
    "managed_team_ids",
    "open_concern_count_for_lead",
    "register_due_filter",
    "safe_level",
    "safeguarding_concern_list",
    "safeguarding_concerns_for_lead",
    "team_caseloads",
    "user_for_calendar_token",
    "worker_visible_to",
]
