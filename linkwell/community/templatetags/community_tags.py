"""`{% community_service_panel service %}` on the staff service page: provenance and feed status."""

from __future__ import annotations

from typing import Any

from django import template

from linkwell.community.access import moderation_level
from linkwell.community.selectors import feed_for_service, provenance_for_service
from linkwell.directory.access import can_edit_organization, can_see_quality_detail

register = template.Library()


@register.inclusion_tag("community/_service_panel.html", takes_context=True)
def community_service_panel(context: Any, service: Any) -> dict[str, Any]:
    user = context["request"].user
    org = service.organization
    show_timetable = can_edit_organization(user, org) or (
        org.owner_id is not None and can_see_quality_detail(user, org)
    )
    return {
        "service": service,
        "suggestions": provenance_for_service(service=service),
        "feed": feed_for_service(service=service) if show_timetable else None,
        "show_timetable": show_timetable,
        "is_moderator": moderation_level(user) is not None,
    }
