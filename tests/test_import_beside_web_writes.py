"""An import running beside web writes on SQLite makes no request fail.

The import plans in memory and writes in short batches, one transaction each
(`linkwell/directory/exchange/importer/run.py`), so a web request waiting for the write lock waits
well under SQLite's busy timeout. Real processes on a
real file: `import_beside_writes.py` runs in its own process with a temporary database, starts
`linkwell directory import` in another, and signs in and adds case notes through the views
until the import has finished."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("import_beside_writes.py")
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_an_import_running_beside_web_writes_makes_no_request_fail(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LINKWELL_SQLITE_PATH": str(tmp_path / "linkwell.sqlite3"),
        "LINKWELL_DEBUG": "true",
    }
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        # 413 records (a taxonomy, its terms, the services) in batches of 100: five write
        # transactions, the web's requests in between.
        [sys.executable, str(SCRIPT), str(tmp_path), "400", "100"],
        env=env,
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
