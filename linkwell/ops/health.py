"""Health checks for load balancers and monitoring: the database, free disk space and the task
worker. Each check returns a `Check`; none reveals personal data, only counts, ages and sizes.

django-tasks' database backend records no worker heartbeat, so the worker check reads the task
table: a task still queued long after it was due means no worker is taking tasks; otherwise it
reports the age of the most recently finished task (or "unknown" when none has finished yet).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

DATABASE_TASK_BACKEND = "django_tasks_db.DatabaseBackend"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"query failed: {type(exc).__name__}")
    return Check("database", True, f"{connection.vendor} answered")


def data_directory() -> Path:
    """The directory holding the SQLite file, or var/ (uploads, builds) on PostgreSQL."""
    name = str(settings.DATABASES["default"]["NAME"])
    if connection.vendor == "sqlite" and name != ":memory:" and not name.startswith("file:"):
        return Path(name).resolve().parent
    return Path(settings.BASE_DIR) / "var"


def check_disk(*, directory: Path | None = None, min_free_mb: int | None = None) -> Check:
    directory = directory or data_directory()
    minimum = settings.HEALTH_MIN_FREE_MB if min_free_mb is None else min_free_mb
    try:
        free_mb = shutil.disk_usage(directory).free // (1024 * 1024)
    except OSError as exc:
        return Check("disk", False, f"cannot read free space: {type(exc).__name__}")
    if free_mb < minimum:
        return Check("disk", False, f"{free_mb} MB free, below the minimum of {minimum} MB")
    return Check("disk", True, f"{free_mb} MB free")


def check_worker(*, now: dt.datetime | None = None) -> Check:
    if settings.TASKS["default"]["BACKEND"] != DATABASE_TASK_BACKEND:
        return Check("worker", True, "tasks do not use the database queue")
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.HEALTH_TASK_STALE_MINUTES)
    try:
        overdue = DBTaskResult.objects.filter(
            Q(run_after__lt=cutoff) | Q(run_after=get_date_max(), enqueued_at__lt=cutoff),
            status=TaskResultStatus.READY,
        ).count()
        last = (
            DBTaskResult.objects.filter(finished_at__isnull=False)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
    except DatabaseError as exc:
        return Check("worker", False, f"task table unreadable: {type(exc).__name__}")
    finished = (
        f"last task finished {int((now - last).total_seconds())} s ago"
        if last is not None
        else "last finished task unknown"
    )
    if overdue:
        minutes = settings.HEALTH_TASK_STALE_MINUTES
        return Check(
            "worker",
            False,
            f"{overdue} task(s) waiting over {minutes} min; is `linkwell db_worker` running? "
            f"({finished})",
        )
    return Check("worker", True, finished)


def run_checks() -> list[Check]:
    database = check_database()
    checks = [database, check_disk()]
    if database.ok:
        checks.append(check_worker())
    else:
        checks.append(Check("worker", False, "not checked: the database is unavailable"))
    return checks
