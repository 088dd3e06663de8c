"""`linkwell check --deploy` refuses a notify backend that would not reach people."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def _ours() -> set[str]:
    return {
        m.id or ""
        for m in run_checks(include_deployment_checks=True)
        if (m.id or "").startswith("notifications.")
    }


def test_the_console_backend_with_debug_off_fails_the_deploy_check(settings) -> None:
    settings.DEBUG = False
    settings.NOTIFY_BACKEND = "linkwell.core.notify.ConsoleBackend"
    assert "notifications.E002" in _ours()
    with pytest.raises(SystemCheckError, match="development backend"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_the_console_backend_is_fine_for_development(settings) -> None:
    settings.DEBUG = True
    settings.NOTIFY_BACKEND = "linkwell.core.notify.ConsoleBackend"
    assert _ours() == set()


def test_the_plain_checks_do_not_judge_the_backend(settings) -> None:
    settings.DEBUG = False
    settings.NOTIFY_BACKEND = "linkwell.core.notify.ConsoleBackend"
    assert not {m.id for m in run_checks() if (m.id or "").startswith("notifications.")}


def test_notify_needs_a_key_templates_and_a_receipt_token(settings) -> None:
    settings.DEBUG = False
    settings.NOTIFY_BACKEND = "linkwell.notifications.backends.GovukNotifyBackend"
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEMPLATES = {}
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert _ours() == {"notifications.E003", "notifications.E004", "notifications.W001"}
    settings.NOTIFY_API_KEY = "key"
    settings.NOTIFY_TEMPLATES = {"general.email": "0f6d5a3e-7b0e-4d7e-9f53-3c1c2f7c0a03"}
    settings.NOTIFY_CALLBACK_TOKEN = "token"
    assert _ours() == set()


def test_a_misspelt_template_setting_or_a_bad_template_id_is_reported(settings) -> None:
    settings.NOTIFY_BACKEND = "linkwell.notifications.backends.GovukNotifyBackend"
    settings.NOTIFY_API_KEY = "key"
    settings.NOTIFY_CALLBACK_TOKEN = "token"
    settings.NOTIFY_TEMPLATES = {
        "follow_up_reminder.sms": "0f6d5a3e-7b0e-4d7e-9f53-3c1c2f7c0a01",
        "follow_up_remindr.sms": "0f6d5a3e-7b0e-4d7e-9f53-3c1c2f7c0a02",
        "plan.email": "the plan template",
    }
    messages = {
        m.id: m.msg
        for m in run_checks(include_deployment_checks=True)
        if (m.id or "").startswith("notifications.")
    }
    assert set(messages) == {"notifications.W002", "notifications.E005"}
    assert "LINKWELL_NOTIFY_TEMPLATE_FOLLOW_UP_REMINDR_SMS" in messages["notifications.W002"]
    assert (
        "LINKWELL_NOTIFY_TEMPLATE_PLAN_EMAIL='the plan template'" in messages["notifications.E005"]
    )


def test_a_backend_that_cannot_be_imported_fails(settings) -> None:
    settings.NOTIFY_BACKEND = "linkwell.nowhere.Backend"
    assert "notifications.E001" in _ours()
