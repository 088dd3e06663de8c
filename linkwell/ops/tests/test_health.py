"""`/health/`: the database, free disk space and the task worker, without sign-in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from linkwell.ops import health

DATABASE_QUEUE = {"default": {"BACKEND": health.DATABASE_TASK_BACKEND}}


def queued_task(*, enqueued_minutes_ago: int) -> DBTaskResult[Any, Any]:
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="linkwell.example.task",
        backend_name="default",
        run_after=get_date_max(),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=enqueued_minutes_ago)
    )
    return task


@pytest.mark.django_db
def test_health_answers_200_with_every_check_passing_and_no_sign_in() -> None:
    response = Client().get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "disk", "worker"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_answers_503_naming_the_disk_when_free_space_is_below_the_minimum() -> None:
    with override_settings(HEALTH_MIN_FREE_MB=10**12):
        response = Client().get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["disk"]
    assert "below the minimum" in body["checks"]["disk"]["detail"]


@pytest.mark.django_db
def test_health_answers_503_naming_the_worker_when_a_queued_task_waits_too_long() -> None:
    queued_task(enqueued_minutes_ago=60)
    with override_settings(TASKS=DATABASE_QUEUE, HEALTH_TASK_STALE_MINUTES=15):
        response = Client().get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["worker"]
    assert "db_worker" in body["checks"]["worker"]["detail"]


@pytest.mark.django_db
def test_the_worker_check_passes_for_a_fresh_task_and_reports_the_last_finished_one() -> None:
    queued_task(enqueued_minutes_ago=1)
    with override_settings(TASKS=DATABASE_QUEUE, HEALTH_TASK_STALE_MINUTES=15):
        check = health.check_worker()
    assert check.ok
    assert check.detail == "last finished task unknown"
    finished = queued_task(enqueued_minutes_ago=30)
    DBTaskResult.objects.filter(pk=finished.pk).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now() - dt.timedelta(seconds=90)
    )
    with override_settings(TASKS=DATABASE_QUEUE, HEALTH_TASK_STALE_MINUTES=15):
        check = health.check_worker()
    assert check.ok
    assert check.detail.startswith("last task finished 9")


@pytest.mark.django_db
def test_health_answers_503_naming_the_database_when_it_does_not_answer(monkeypatch) -> None:
    monkeypatch.setattr(
        health, "check_database", lambda: health.Check("database", False, "query failed")
    )
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database", "worker"]


def test_health_refuses_a_post() -> None:
    assert Client().post("/health/").status_code == 405
