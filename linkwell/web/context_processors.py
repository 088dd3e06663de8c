from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def linkwell(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"linkwell_nav": []}
    items = [
        ("Home", reverse("web:home")),
        ("Directory", reverse("directory:search")),
    ]
    from linkwell.audit.selectors import can_view_audit_trail

    if can_view_audit_trail(user=request.user):
        items.append(("Audit", reverse("web:audit")))
    return {
        "linkwell_nav": [
            {
                "label": label,
                "url": url,
                "active": (request.path.startswith(url) and url != "/") or request.path == url,
            }
            for label, url in items
        ]
    }
