"""Run by `test_import_beside_web_writes.py` in its own process, on a file-backed SQLite database
(`LINKWELL_SQLITE_PATH`): migrate, make the personas and a case, start `linkwell directory
import` of a generated feed in another process, and sign in and add notes through the web
views (Django's test client, this process's own connection) until the import has finished.
Prints one JSON line: every response's status, the notes stored, the import's exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(workdir: Path, services: int, batch_size: int) -> None:
    """`batch_size` 0: the command's default (the whole file in one transaction)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from hsds_feed import generate

    from linkwell.casework.models import CaseNote
    from linkwell.casework.tests.factories import case_for
    from tests.personas import PASSWORD, build_personas

    call_command("migrate", verbosity=0)
    personas = build_personas()
    case = case_for(personas)
    feed = workdir / "feed.json"
    feed.write_text(json.dumps(generate(services)), encoding="utf-8")
    worker = Client(raise_request_exception=False)
    worker.force_login(personas.link_worker)
    note_url = reverse("casework:note_add", kwargs={"case_id": case.uuid})
    login_url = reverse("accounts:login")
    importer = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "directory",
            "import",
            str(feed),
            *(["--batch-size", str(batch_size)] if batch_size else []),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    statuses: list[tuple[str, int, float]] = []
    during = 0
    i = 0
    while True:
        running = importer.poll() is None
        i += 1
        started = time.monotonic()
        if i % 5 == 0:  # a fresh sign-in, from its own address (the rate limit is per client)
            response = Client(
                raise_request_exception=False, REMOTE_ADDR=f"10.1.{i // 250}.{i % 250}"
            ).post(login_url, {"email": personas.owner.email, "password": PASSWORD})
            statuses.append(("sign-in", response.status_code, time.monotonic() - started))
        response = worker.post(note_url, {"text": f"Note {i}", "submission_key": str(uuid.uuid4())})
        statuses.append(("note", response.status_code, time.monotonic() - started))
        if running:
            during += 1
        else:
            break
        time.sleep(0.05)
    out, err = importer.communicate()
    print(
        json.dumps(
            {
                "import_exit": importer.returncode,
                "import_stdout": out[-2000:],
                "import_stderr": err[-2000:],
                "responses": statuses,
                "notes_posted": sum(1 for kind, _, _ in statuses if kind == "note"),
                "notes_stored": CaseNote.objects.filter(case=case).count(),
                "writes_during_import": during,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
