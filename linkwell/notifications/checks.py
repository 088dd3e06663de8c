"""`linkwell check --deploy`: messages to people must really be able to leave in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string


@checks.register(checks.Tags.security, deploy=True)
def check_notify_backend(**kwargs: Any) -> list[checks.CheckMessage]:
    """Error: the development backend with debug off (reminders would silently go nowhere);
    a Notify backend without an API key or a template. Warning: no receipt token."""
    try:
        backend = import_string(settings.NOTIFY_BACKEND)
    except ImportError as exc:
        return [
            checks.Error(
                f"LINKWELL_NOTIFY_BACKEND={settings.NOTIFY_BACKEND!r} cannot be imported: {exc}.",
                id="notifications.E001",
            )
        ]
    problems: list[checks.CheckMessage] = []
    if getattr(backend, "development", False) and not settings.DEBUG:
        problems.append(
            checks.Error(
                f"{settings.NOTIFY_BACKEND} is the development backend: reminders, plans and "
                "questionnaire links to people would not be sent.",
                hint="Set LINKWELL_NOTIFY_BACKEND to "
                "linkwell.notifications.backends.GovukNotifyBackend (GOV.UK Notify) or "
                "linkwell.core.notify.EmailBackend (email only).",
                id="notifications.E002",
            )
        )
    from linkwell.notifications.backends import GovukNotifyBackend

    if isinstance(backend, type) and issubclass(backend, GovukNotifyBackend):
        if not settings.NOTIFY_API_KEY:
            problems.append(
                checks.Error(
                    "GOV.UK Notify is the backend but LINKWELL_NOTIFY_API_KEY is not set.",
                    id="notifications.E003",
                )
            )
        if not settings.NOTIFY_TEMPLATES:
            problems.append(
                checks.Error(
                    "GOV.UK Notify is the backend but no template id is set.",
                    hint="Set LINKWELL_NOTIFY_TEMPLATE_GENERAL_EMAIL and _SMS (and one per "
                    "message kind if you want them worded differently): "
                    "linkwell/notifications/README.md.",
                    id="notifications.E004",
                )
            )
        if not settings.NOTIFY_CALLBACK_TOKEN:
            problems.append(
                checks.Warning(
                    "LINKWELL_NOTIFY_CALLBACK_TOKEN is not set: delivery receipts are refused, "
                    "so failed texts are never flagged.",
                    id="notifications.W001",
                )
            )
    return problems
