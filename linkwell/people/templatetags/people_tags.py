"""Template filters for showing person records on other apps' pages."""

from __future__ import annotations

from django import template

from linkwell.people.models import Person
from linkwell.people.selectors import postcode_warning as _postcode_warning

register = template.Library()


@register.filter
def postcode_warning(person: Person) -> str:
    """`{{ person|postcode_warning }}`: "" or why distances cannot be worked out."""
    return _postcode_warning(person)
