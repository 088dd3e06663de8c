"""One migrated SQLite file per test run, for the tests that start Linkwell in processes of its
own on a database file (the server, an import beside web writes).

Migrating a new file takes about a minute of CPU (Django renders its model states through
every migration); the file is made once per run, by whichever test process asks first (the
others wait on a lock), and each test works on its own copy."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def template(directory: Path) -> Path:
    """The migrated file in `directory` (shared by this run's test processes), made if missing."""
    path = directory / "migrated.sqlite3"
    with open(directory / "migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            partial = directory / "migrating.sqlite3"
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATABASE_URL": "",
                "LINKWELL_SQLITE_PATH": str(partial),
                "LINKWELL_DEBUG": "true",
            }
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"],
                env=env,
                check=True,
                timeout=900,
            )
            copy(partial, path)
    return path


def copy(source: Path, destination: Path) -> None:
    """A consistent copy of a SQLite database (its write-ahead log included)."""
    source_db = sqlite3.connect(source)
    destination_db = sqlite3.connect(destination)
    try:
        source_db.backup(destination_db)
    finally:
        destination_db.close()
        source_db.close()
