"""Emails to applicants and grantees, sent after the write commits. A failure to send is
logged and never undoes the write (the page shows the same reference and letter)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from linkwell.core.notify import EMAIL, NotifyError, notify, render_text

logger = logging.getLogger(__name__)


def _send(to: str, template: str, context: dict[str, Any]) -> None:
    subject = render_text(f"grants/email/{template}_subject.txt", context)
    body = render_text(f"grants/email/{template}.txt", context)
    try:
        notify(channel=EMAIL, to=to, subject=subject, body=body)
    except NotifyError:
        logger.warning("Could not send the grants %s email", template)


def send_after_commit(to: str, template: str, context: dict[str, Any]) -> None:
    if to:
        transaction.on_commit(lambda: _send(to, template, context))
