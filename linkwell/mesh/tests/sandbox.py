"""A real MESH server for the tests: NHS England's mesh-sandbox, run from `.venv-mesh`.

`make install-dev` creates `.venv-mesh` (requirements-mesh.lock). The `mesh_sandbox` fixture
starts the server once per test session (once per xdist worker) on a free loopback port, over
plain HTTP, with a file store in a temporary directory, and stops it at the end. Without
`.venv-mesh` the tests that need it fail and say how to make it: never a silent skip.

What the sandbox does (read from its source, `mesh_sandbox/common/__init__.py`,
`store/canned_store.py`, `common/messaging.py`):

- `AUTH_MODE=full` checks the NHSMESH authorisation header as the live service does: an HMAC
  of mailbox, nonce, count, password and time under the environment's shared key (`SHARED_KEY`).
- `STORE_MODE=file` keeps messages under `MAILBOXES_DATA_DIR`; every directory there named in
  capitals is a mailbox with the password "password", next to the sandbox's own canned ones.
  The fixture makes Linkwell's mailbox and two practices' mailboxes that way.
- A message to a mailbox it does not know is refused (417, "unregistered recipient"); the
  recipient's acknowledgement shows as "Acknowledged" when the sender tracks the message.

Test modules that need it outside linkwell/mesh import the fixture by name:
`from linkwell.mesh.tests.sandbox import mesh_sandbox  # noqa: F401`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from mesh_client import MeshClient

ROOT = Path(__file__).resolve().parents[3]
SANDBOX_PYTHON = ROOT / ".venv-mesh" / "bin" / "python"
SHARED_KEY = "LinkwellTestKey"
PASSWORD = "password"  # the sandbox's password for mailboxes made from directories
LINKWELL_MAILBOX = "LINKWELLOT01"
PRACTICE_MAILBOX = "A81001HC01"
OTHER_PRACTICE_MAILBOX = "B82002HC01"


@dataclass(frozen=True)
class MeshSandbox:
    url: str
    store: Path

    def client(self, mailbox: str) -> MeshClient:
        """A MESH client signed in as `mailbox` (e.g. the practice, to read its inbox)."""
        return MeshClient(
            self.url, mailbox, PASSWORD, shared_key=SHARED_KEY.encode(), max_retries=0
        )

    def settings(self) -> dict[str, str]:
        """Linkwell's MESH settings pointing at this server, for `settings.MESH`."""
        return {
            "URL": self.url,
            "MAILBOX": LINKWELL_MAILBOX,
            "PASSWORD": PASSWORD,
            "SHARED_KEY": SHARED_KEY,
        }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mesh-sandbox exited at start:\n{log.read_text()[-2000:]}")
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"mesh-sandbox did not answer at {url}:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def mesh_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MeshSandbox]:
    if not SANDBOX_PYTHON.exists():
        pytest.fail(
            f"The local MESH server is not installed ({SANDBOX_PYTHON} is missing): "
            "run `make install-dev`, which creates .venv-mesh from requirements-mesh.lock.",
            pytrace=False,
        )
    base = tmp_path_factory.mktemp("mesh")
    store = base / "store"
    for mailbox in (LINKWELL_MAILBOX, PRACTICE_MAILBOX, OTHER_PRACTICE_MAILBOX):
        (store / mailbox / "in").mkdir(parents=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ENV": "local",
        "AUTH_MODE": "full",
        "STORE_MODE": "file",
        "SHARED_KEY": SHARED_KEY,
        "MAILBOXES_DATA_DIR": str(store),
    }
    log = base / "sandbox.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(SANDBOX_PYTHON),
                "-m",
                "uvicorn",
                "mesh_sandbox.api:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=base,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answering(url, process, log)
        yield MeshSandbox(url=url, store=store)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
