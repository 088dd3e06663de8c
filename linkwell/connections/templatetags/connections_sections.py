"""Connection sections on casework's pages, which casework (below connections) cannot build.

`{% caseload_attention worker as attention %}`: the referrals that came back (lapsed, declined
or stopped by the provider) on `worker`'s cases that the signed-in user may see; at most 50.
"""

from __future__ import annotations

from typing import Any

from django import template

from linkwell.connections.models import Connection
from linkwell.connections.selectors import connections_needing_attention

register = template.Library()


@register.simple_tag(takes_context=True)
def caseload_attention(context: Any, worker: Any) -> list[Connection]:
    user = context["request"].user
    return list(connections_needing_attention(user).filter(case__assigned_to=worker)[:50])
