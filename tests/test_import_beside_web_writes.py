"""An import running beside web writes on SQLite makes no request fail.

The import plans in memory without the write lock, then writes: by default the whole file in one
transaction (a council-sized file holds the lock a few seconds, well inside SQLite's busy
timeout), or in short batches, one transaction each (`linkwell/directory/exchange/importer/
run.py`). Either way a web request waiting for the write lock waits well under the busy timeout.
Real processes on a real file: `import_beside_writes.py` runs in its own process with a temporary
database, starts `linkwell directory import` in another, and signs in and adds case notes
through the views until the import has finished."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import sqlite_template

SCRIPT = Path(__file__).with_name("import_beside_writes.py")
ROOT = Path(__file__).resolve().parents[1]


def _env(database: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LINKWELL_SQLITE_PATH": str(database),
        "LINKWELL_DEBUG": "true",
    }
    env.pop("DATABASE_URL", None)
    return env


@pytest.mark.slow
@pytest.mark.parametrize(
    "batch_size",
    [
        # 413 records (a taxonomy, its terms, the services) in one transaction: the default.
        0,
        # The same in batches of 100: five write transactions, the web's requests in between.
        100,
    ],
    ids=["whole-file", "in-batches"],
)
def test_an_import_running_beside_web_writes_makes_no_request_fail(
    tmp_path: Path, migrated_sqlite: Path, batch_size: int
) -> None:
    database = tmp_path / "linkwell.sqlite3"
    sqlite_template.copy(migrated_sqlite, database)
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "400", str(batch_size)],
        env=_env(database),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["import_exit"] == 0, result["import_stderr"]
    assert "services: 400 created" in result["import_stdout"]
    # The web kept writing while the import ran (both sides really overlapped)...
    assert result["writes_during_import"] >= 3, result
    # ...and every request succeeded: a sign-in redirects, a note redirects to the case page.
    failed = [r for r in result["responses"] if r[1] != 302]
    assert failed == [], failed
    # Every note landed, once.
    assert result["notes_stored"] == result["notes_posted"]
