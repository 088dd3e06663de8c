"""Reads for volunteering, one module per subject; import from the package."""

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
    "ROLE_COURSES",
    "MemberHours",
    "MyVolunteering",
    "PersonCard",
    "VolunteerHours",
    "hours_for_member",
    "my_volunteering",
    "person_card",
    "recent_activity",
    "training_due",
    "volunteer_concerns_for_coordinator",
    "volunteer_hours",
]
