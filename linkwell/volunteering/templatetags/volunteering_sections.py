"""The "Volunteer support" section of a case page, for link workers.

Casework sits below volunteering in the layers, so the case page cannot import this app: its
template loads this tag library instead (`{% load volunteering_sections %}`,
`{% volunteer_support case can_write %}`). The section shows, for each request from the case,
its status, the first name of each live match's volunteer and the latest review's date and
summary: nothing else of the volunteer (README "Requests, matching and reviews").
"""

from __future__ import annotations

from typing import Any

from django import template

from linkwell.volunteering.access import coordinating_organisations
from linkwell.volunteering.selectors import case_volunteer_support

register = template.Library()


@register.inclusion_tag("volunteering/_volunteer_support.html", takes_context=True)
def volunteer_support(context: Any, case: Any, can_write: bool = False) -> dict[str, Any]:
    organisations = list(coordinating_organisations()) if can_write else []
    return {
        "case": case,
        "person": case.person,
        "rows": case_volunteer_support(case.pk),
        "can_write": can_write,
        "organisations": organisations,
        "one_service": organisations[0] if len(organisations) == 1 else None,
        "csrf_token": context.get("csrf_token"),
    }
