"""`linkwell serve` on a migrated SQLite database file: gunicorn answers pages and the health check."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from linkwell.matching import embedding
from tests import sqlite_template

ROOT = Path(__file__).resolve().parents[3]
LINKWELL = [sys.executable, "-c", "from linkwell.cli import main; main()"]

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    try:
        # A loopback http:// address this test builds itself.
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_linkwell_serve_answers_the_home_page_and_the_health_check(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    sqlite_template.copy(migrated_sqlite, tmp_path / "linkwell.sqlite3")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "",
        "LINKWELL_SQLITE_PATH": str(tmp_path / "linkwell.sqlite3"),
        "LINKWELL_DEBUG": "false",
        "LINKWELL_ALLOW_INSECURE_KEY": "true",
        "LINKWELL_HTTPS": "false",
        "LINKWELL_WORKERS": "1",
        "LINKWELL_THREADS": "2",
        "LINKWELL_HEALTH_MIN_FREE_MB": "0",
    }
    # The copy is migrated; this checks it is and that the command runs on a file database.
    subprocess.run([*LINKWELL, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    port = free_port()
    server = subprocess.Popen(
        [*LINKWELL, "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"{base}/health/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert status == 200, body
        health = json.loads(body)
        assert health["status"] == "ok"
        assert set(health["checks"]) == {"database", "disk", "worker"}
        status, body = get(f"{base}/")
        assert status == 200
        assert b"Sign in" in body or b"sign in" in body
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            output, _ = server.communicate()
    assert server.returncode == 0, output.decode()
    assert b"Serving Linkwell on http://127.0.0.1:" in output
    assert b"Booting worker" in output
    if embedding.model_path() is not None:
        assert b"the sentence encoder is loaded once and shared by them" in output
