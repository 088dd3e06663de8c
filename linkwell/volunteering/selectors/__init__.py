"""Reads for volunteering, one module per subject; import from the package.

| Module | What it owns |
|---|---|
| `ranking.py` | Volunteer profiles of an organisation, the person's profile, ranked volunteers for a request with the reasons others were left out |
| `requests.py` | The coordinator's queue, a request's matches, the case page's "Volunteer support" |
"""

from linkwell.volunteering.selectors.ranking import (
    NotSuggested,
    RankedVolunteer,
    Ranking,
    member_profiles,
    person_profile,
    ranked_for_request,
    support_wanted,
    volunteer_profiles,
)
from linkwell.volunteering.selectors.requests import (
    QUEUE_VIEWS,
    QueueRow,
    SectionRow,
    case_volunteer_support,
    person_age,
    person_area,
    queue_counts,
    request_matches,
    request_queue,
)

__all__ = [
    "QUEUE_VIEWS",
    "NotSuggested",
    "QueueRow",
    "RankedVolunteer",
    "Ranking",
    "SectionRow",
    "case_volunteer_support",
    "member_profiles",
    "person_age",
    "person_area",
    "person_profile",
    "queue_counts",
    "ranked_for_request",
    "request_matches",
    "request_queue",
    "support_wanted",
    "volunteer_profiles",
]
