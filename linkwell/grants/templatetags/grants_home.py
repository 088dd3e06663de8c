"""The home page's "Community grants" card, for programme managers and panel members."""

from __future__ import annotations

from typing import Any

from django import template

from linkwell.grants.selectors.rounds import rounds_for_user

register = template.Library()


@register.inclusion_tag("grants/_home_card.html")
def grants_card(user: Any) -> dict[str, Any]:
    return {"show": rounds_for_user(user).exists()}
