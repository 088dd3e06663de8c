"""`linkwell match`: output shape, determinism, error exits, no database."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linkwell.matching.tests.factories import HOME

SERVICES = [
    {
        "id": "walk",
        "name": "Oswestry Health Walks",
        "status": "active",
        "description": "Gentle walks for all.",
        "service_at_locations": [
            {
                "id": "sal1",
                "location": {
                    "id": "l1",
                    "location_type": "physical",
                    "latitude": HOME[0] + 0.01,
                    "longitude": HOME[1],
                },
            }
        ],
        "schedules": [
            {
                "id": "sc1",
                "freq": "WEEKLY",
                "byday": "TU",
                "opens_at": "10:00",
                "closes_at": "12:00",
            }
        ],
        "cost_options": [{"id": "c1", "option": "Free", "amount": 0}],
    },
    {
        "id": "choir",
        "name": "Community Choir",
        "status": "active",
        "description": "Singing for fun.",
    },
    {"id": "gone", "name": "Walking club", "status": "defunct"},
]
PERSON = {"id": "p1", "latitude": HOME[0], "longitude": HOME[1], "interests": ["walking", "singing"],
          "availability": [{"day": "TU", "from": "09:00", "to": "12:00"}]}  # fmt: skip


@pytest.fixture
def files(tmp_path):
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps({"totalElements": 3, "contents": SERVICES}))
    one = tmp_path / "person.json"
    one.write_text(json.dumps(PERSON))
    many = tmp_path / "people.jsonl"
    many.write_text(
        json.dumps(PERSON) + "\n\n" + json.dumps({"id": "p2", "interests": ["choir"]}) + "\n"
    )
    return directory, one, many


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("match", *args, stdout=out)
    return out.getvalue()


def test_one_person_gets_a_list_best_first(files):
    directory, one, _ = files
    results = json.loads(run("--directory", str(directory), "--person", str(one), "--top", "5"))
    assert [r["service_id"] for r in results] == ["walk", "choir"]
    assert set(results[0]) == {"service_id", "score", "reasons"}
    assert results[0]["score"] >= results[1]["score"]
    assert "Tuesdays 10:00\u201312:00 \u2014 you said Tuesday mornings" in results[0]["reasons"]


def test_people_get_one_line_each_in_order(files):
    directory, _, many = files
    lines = run("--directory", str(directory), "--people", str(many), "--top", "1").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["p1", "p2"]
    assert json.loads(lines[1]) == {
        "id": "p2",
        "results": [
            {
                "service_id": "choir",
                "score": json.loads(lines[1])["results"][0]["score"],
                "reasons": ["matches 'choir'"],
            }
        ],
    }


def test_the_output_is_deterministic(files):
    directory, one, _ = files
    args = ("--directory", str(directory), "--person", str(one), "--at", "2026-12-01T09:00:00Z")
    assert run(*args) == run(*args)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--top", "0"], "--top: 0 must be at least 1"),
        (["--top", "ten"], "--top: 'ten' is not a whole number"),
        (["--at", "next tuesday"], "--at: 'next tuesday' is not an ISO date-time"),
    ],
)
def test_bad_options_are_refused(files, change, message):
    directory, one, _ = files
    with pytest.raises(CommandError, match=message):
        run("--directory", str(directory), "--person", str(one), *change)


def test_bad_people_are_refused_with_their_line_and_field(files, tmp_path):
    directory, _, _ = files
    people = tmp_path / "bad.jsonl"
    people.write_text(json.dumps(PERSON) + "\n" + json.dumps({"id": "x", "age": "old"}) + "\n")
    with pytest.raises(CommandError, match=r"line 2: age: must be a whole number, not \"old\""):
        run("--directory", str(directory), "--people", str(people))
    person = tmp_path / "bad.json"
    person.write_text('{"id": "x", "travel": "horse"}')
    with pytest.raises(CommandError, match='travel: "horse" is not one of'):
        run("--directory", str(directory), "--person", str(person))
    person.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("--directory", str(directory), "--person", str(person))


def test_a_bad_directory_is_refused_with_where(files, tmp_path):
    _, one, _ = files
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([SERVICES[0], {"id": "x"}]))
    with pytest.raises(CommandError, match="--directory item 2 id=x: the service has no name"):
        run("--directory", str(bad), "--person", str(one))
    with pytest.raises(CommandError, match="no such file"):
        run("--directory", str(tmp_path / "missing.json"), "--person", str(one))


@pytest.mark.slow
def test_it_runs_without_a_database_and_exits_non_zero_on_bad_input(files, tmp_path):
    """A subprocess whose database does not exist: matching must neither need nor create it."""
    directory, one, _ = files
    database = tmp_path / "nowhere" / "linkwell.sqlite3"
    env = {
        **os.environ,
        "LINKWELL_SQLITE_PATH": str(database),
        "DATABASE_URL": "",
        "LINKWELL_DEBUG": "true",
    }
    linkwell = [sys.executable, "-c", "from linkwell.cli import main; main()"]
    ok = subprocess.run(
        [*linkwell, "match", "--directory", str(directory), "--person", str(one)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["service_id"] == "walk"
    assert not database.exists()
    bad = subprocess.run(
        [*linkwell, "match", "--directory", str(directory), "--person", str(one), "--top", "-1"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode != 0 and "--top: -1 must be at least 1" in bad.stderr
    assert bad.stdout == ""
    assert Path(directory).exists()


def _unconfigured_env() -> dict[str, str]:
    """A shell where Linkwell was never configured: no LINKWELL_* variables at all."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LINKWELL_") and key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }


def test_it_runs_in_a_shell_with_no_linkwell_settings(files, tmp_path):
    directory, one, _ = files
    linkwell = [sys.executable, "-c", "from linkwell.cli import main; main()"]
    env = _unconfigured_env()
    ran = subprocess.run(
        [*linkwell, "match", "--directory", str(directory), "--person", str(one)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)[0]["service_id"] == "walk"
    helped = subprocess.run(
        [*linkwell, "match", "--help"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert helped.returncode == 0 and "--directory" in helped.stdout, helped.stderr
    # A command that signs things (sessions, links) still asks for the key, without a traceback.
    refused = subprocess.run(
        [*linkwell, "check"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "LINKWELL_SECRET_KEY is not set" in refused.stderr and "Traceback" not in refused.stderr


@pytest.fixture
def no_model(monkeypatch):
    """As after a plain `pip install`: the sentence-embedding model package is absent."""
    from linkwell.matching import embedding

    monkeypatch.setattr(embedding, "model_path", lambda: None)
    embedding.get_encoder.cache_clear()
    yield
    monkeypatch.undo()
    embedding.get_encoder.cache_clear()


def test_without_the_model_it_refuses_and_says_how_to_install_it(files, no_model):
    directory, one, _ = files
    with pytest.raises(CommandError) as refused:
        call_command("match", "--directory", str(directory), "--person", str(one))
    assert "sentence-embedding model" in str(refused.value)
    assert "requirements-model.txt" in str(refused.value)
    assert "--words-only" in str(refused.value)


def test_without_the_model_it_ranks_by_words_only_when_asked(files, no_model):
    directory, one, _ = files
    out = io.StringIO()
    call_command("match", "--directory", str(directory), "--person", str(one), "--words-only",
                 stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())[0]["service_id"] == "walk"


def test_the_system_check_warns_when_the_model_is_missing(no_model):
    from django.core import checks

    warnings = [m for m in checks.run_checks() if m.id == "matching.W001"]
    assert len(warnings) == 1 and "requirements-model.txt" in (warnings[0].hint or "")


def test_the_system_check_is_quiet_with_the_model():
    from django.core import checks

    from linkwell.matching import embedding

    if embedding.model_path() is None:
        pytest.skip("the model package is not installed here")
    assert not [m for m in checks.run_checks() if m.id == "matching.W001"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_many_people_show_progress_on_a_terminal_and_not_with_no_progress(files):
    directory, _, many = files
    err, out = _Terminal(), io.StringIO()
    call_command("match", "--directory", str(directory), "--people", str(many), stdout=out,
                 stderr=err)  # fmt: skip
    assert "Indexing 3 services" in err.getvalue() and "Ranking" in err.getvalue()
    assert "Ranking" not in out.getvalue()  # results stay clean for the next tool
    quiet = _Terminal()
    call_command("match", "--directory", str(directory), "--people", str(many), "--no-progress",
                 stdout=io.StringIO(), stderr=quiet)  # fmt: skip
    assert quiet.getvalue() == ""


# --- the vector cache ---------------------------------------------------------------------

SERVICE_NAMES = ("Oswestry Health Walks", "Community Choir", "Walking club")


class CountingEncoder:
    """A stand-in encoder (vectors from a hash of the text) that records what it encodes.
    A new instance per run, as a new process would have: the engine's in-process cache is
    per encoder, so only the on-disk cache can spare a second run the work."""

    name = "counting-test-encoder"
    dimension = 8

    def __init__(self, log: list[str]) -> None:
        self.log = log

    def encode(self, texts):
        import hashlib

        import numpy as np

        self.log.extend(texts)
        rows = [
            np.frombuffer(hashlib.sha256(t.encode()).digest()[:32], dtype=np.uint8)[:8]
            for t in texts
        ]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), 8) + 1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    """Never the real ~/.cache: the default cache directory is under this test's tmp_path."""
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def counting(monkeypatch):
    from linkwell.matching import embedding

    log: list[str] = []
    monkeypatch.setattr(embedding, "require_encoder", lambda: CountingEncoder(log))
    return log


def services_encoded(log: list[str]) -> list[str]:
    return [t for t in log if any(name in t for name in SERVICE_NAMES)]


def test_a_second_run_takes_the_services_vectors_from_the_cache(files, counting, cache_home):
    directory, one, _ = files
    first = run("--directory", str(directory), "--person", str(one))
    assert len(services_encoded(counting)) == 3
    assert (cache_home / "linkwell" / "service-vectors.sqlite3").exists()
    counting.clear()
    assert run("--directory", str(directory), "--person", str(one)) == first
    assert services_encoded(counting) == []


def test_a_changed_directory_encodes_only_the_changed_service(files, counting):
    directory, one, _ = files
    run("--directory", str(directory), "--person", str(one))
    changed = json.loads(directory.read_text())
    changed["contents"][1]["description"] = "Singing for fun, every Thursday."
    directory.write_text(json.dumps(changed))
    counting.clear()
    run("--directory", str(directory), "--person", str(one))
    encoded = services_encoded(counting)
    assert len(encoded) == 1 and "every Thursday" in encoded[0]


def test_cache_dir_moves_the_cache_and_no_cache_skips_it(files, counting, cache_home, tmp_path):
    directory, one, _ = files
    elsewhere = tmp_path / "elsewhere"
    run("--directory", str(directory), "--person", str(one), "--cache-dir", str(elsewhere))
    assert (elsewhere / "service-vectors.sqlite3").exists()
    assert not cache_home.exists()
    counting.clear()
    run("--directory", str(directory), "--person", str(one), "--no-cache")
    assert len(services_encoded(counting)) == 3  # read nothing ...
    assert not cache_home.exists()  # ... and wrote nothing


def test_an_unwritable_cache_dir_does_not_stop_the_ranking(files, counting, tmp_path):
    directory, one, _ = files
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = run("--directory", str(directory), "--person", str(one), "--cache-dir", str(blocker))
    assert json.loads(out)[0]["service_id"] == "walk"
