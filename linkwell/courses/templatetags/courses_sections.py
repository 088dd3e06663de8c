"""The "Courses" section of a case page and a plan page, for link workers.

Casework sits below courses in the layers, so those pages cannot import this app: their
templates load this tag library instead (`{% load courses_sections %}`,
`{% case_courses case can_write %}`). The section lists the person's courses with sessions
attended and their moving-forward plan, and offers "Enrol on a course" to those who may change
the case. The page that includes it has already logged the read of the case.
"""

from __future__ import annotations

from typing import Any

from django import template

from linkwell.courses.selectors import case_courses as courses_of_case

register = template.Library()


@register.inclusion_tag("courses/_case_courses.html")
def case_courses(case: Any, can_write: bool = False) -> dict[str, Any]:
    return {
        "case": case,
        "person": case.person,
        "rows": courses_of_case(case),
        "can_write": can_write,
    }
