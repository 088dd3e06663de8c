"""Reads of the message records, for the pages that show how a message went."""

from __future__ import annotations

from django.db import models

from linkwell.notifications.models import NotifyMessage


def about_ref(obj: models.Model) -> str:
    """How a message names what it is about: "<app.model>:<public id>"."""
    return f"{obj._meta.label_lower}:{getattr(obj, 'uuid', obj.pk)}"


def latest_message_about(obj: models.Model) -> NotifyMessage | None:
    """The most recent message recorded about `obj` (e.g. a follow-up's reminder), or None."""
    return NotifyMessage.objects.filter(about=about_ref(obj)).order_by("-created_at", "-pk").first()
