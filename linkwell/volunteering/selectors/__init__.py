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

__all__ = [
    "FLAGS",
    "MemberDetail",
    "MemberRow",
    "member_detail",
    "member_flag_kinds",
    "member_list_for_user",
    "member_status_counts",
]
