"""`linkwell check --deploy`: messages to people must really be able to leave in production."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from linkwell.core.notify import EMAIL, LETTER, MESSAGE_KINDS, SMS

_UUID = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$", re.I)


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
        problems += _template_problems()
        if not settings.NOTIFY_CALLBACK_TOKEN:
            problems.append(
                checks.Warning(
                    "LINKWELL_NOTIFY_CALLBACK_TOKEN is not set: delivery receipts are refused, "
                    "so failed texts are never flagged.",
                    id="notifications.W001",
                )
            )
    return problems


def _template_problems() -> list[checks.CheckMessage]:
    """A template setting whose name is not a kind and channel Linkwell sends (a typo would be
    silently unused), or whose value is not a Notify template id."""
    problems: list[checks.CheckMessage] = []
    for key, template_id in sorted(settings.NOTIFY_TEMPLATES.items()):
        kind, _, channel = key.rpartition(".")
        name = f"LINKWELL_NOTIFY_TEMPLATE_{kind.upper()}_{channel.upper()}"
        if kind not in MESSAGE_KINDS or channel not in (EMAIL, SMS, LETTER):
            problems.append(
                checks.Warning(
                    f"{name} names no message kind and channel Linkwell sends, so it is unused.",
                    hint="Kinds: "
                    + ", ".join(k.upper() for k in MESSAGE_KINDS)
                    + "; channels: EMAIL, SMS, LETTER.",
                    id="notifications.W002",
                )
            )
        elif not _UUID.match(template_id):
            problems.append(
                checks.Error(
                    f"{name}={template_id!r} is not a GOV.UK Notify template id (a UUID).",
                    id="notifications.E005",
                )
            )
    return problems
