"""Reads for volunteering, one module per subject; import from the package."""

from linkwell.volunteering.selectors.members import (
    FLAGS,
    MemberDetail,
    MemberRow,
    member_detail,
    member_flag_kinds,
    member_list_for_user,
    member_status_counts,
)
from linkwell.volunteering.selectors.volunteer import (
    ROLE_COURSES,
    MemberHours,
    MyVolunteering,
    PersonCard,
    VolunteerHours,
    hours_for_member,
    my_volunteering,
    person_card,
    recent_activity,
    training_due,
    volunteer_concerns_for_coordinator,
    volunteer_hours,
)

__all__ = [
    "FLAGS",
    "ROLE_COURSES",
    "MemberDetail",
    "MemberHours",
    "MemberRow",
    "MyVolunteering",
    "PersonCard",
    "VolunteerHours",
    "hours_for_member",
    "member_detail",
    "member_flag_kinds",
    "member_list_for_user",
    "member_status_counts",
    "my_volunteering",
    "person_card",
    "recent_activity",
    "training_due",
    "volunteer_concerns_for_coordinator",
    "volunteer_hours",
]
