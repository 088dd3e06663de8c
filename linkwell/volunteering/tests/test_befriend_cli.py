"""`linkwell befriend match`: output shape, determinism, --at and DBS lapse, error exits, no
database."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from linkwell.volunteering.tests.engine_factories import HOME

V1 = {"id": "v1", "latitude": HOME[0] + 0.01, "longitude": HOME[1], "travel": "car",
      "travel_radius_km": 10, "roles": ["befriender"], "status": "active",
      "interests": ["gardening", "baking"], "dbs": {"level": "enhanced", "checked_on": "2024-03-03"},
      "training": ["induction", "safeguarding_adults", "befriending", "lone_working"],
      "home_visits": True}  # fmt: skip
V2 = {
    **V1,
    "id": "v2",
    "interests": ["football"],
    "dbs": {"level": "enhanced", "checked_on": "2025-06-01"},
}
V3 = {**V1, "id": "v3", "status": "paused"}
PERSON = {"id": "p1", "latitude": HOME[0], "longitude": HOME[1], "interests": ["gardening"],
          "volunteer_preferences": {"contact": "home_visit"}}  # fmt: skip


@pytest.fixture
def files(tmp_path):
    vols = tmp_path / "volunteers.jsonl"
    vols.write_text("\n".join(json.dumps(v) for v in (V1, V2, V3)) + "\n\n")
    one = tmp_path / "person.json"
    one.write_text(json.dumps(PERSON))
    many = tmp_path / "people.jsonl"
    many.write_text(
        json.dumps(PERSON) + "\n\n" + json.dumps({"id": "p2", "interests": ["football"]})
    )
    return vols, one, many


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("befriend", "match", *args, "--words-only", stdout=out)
    return out.getvalue()


def test_one_person_gets_a_list_best_first(files):
    vols, one, _ = files
    results = json.loads(run("--volunteers", str(vols), "--person", str(one), "--at", "2026-01-01"))
    assert [r["volunteer_id"] for r in results] == ["v1", "v2"]
    assert set(results[0]) == {"volunteer_id", "score", "reasons"}
    assert results[0]["score"] > results[1]["score"]
    assert results[0]["reasons"][0] == "You both enjoy gardening"
    assert "1.1 km away; drives" in results[0]["reasons"]


def test_people_get_one_line_each_in_order(files):
    vols, _, many = files
    lines = run(
        "--volunteers", str(vols), "--people", str(many), "--top", "1", "--at", "2026-01-01"
    )
    rows = [json.loads(line) for line in lines.splitlines()]
    assert [row["id"] for row in rows] == ["p1", "p2"]
    assert [r["volunteer_id"] for r in rows[1]["results"]] == ["v2"]


def test_the_output_is_deterministic(files):
    vols, one, _ = files
    args = ("--volunteers", str(vols), "--person", str(one), "--at", "2026-01-01")
    assert run(*args) == run(*args)


def test_at_decides_whether_a_dbs_check_has_lapsed(files):
    vols, one, _ = files
    before = json.loads(run("--volunteers", str(vols), "--person", str(one), "--at", "2027-03-02"))
    after = json.loads(run("--volunteers", str(vols), "--person", str(one), "--at", "2027-03-03"))
    assert [r["volunteer_id"] for r in before] == ["v1", "v2"]
    assert [r["volunteer_id"] for r in after] == ["v2"]


def test_the_renewal_period_comes_from_the_setting(files):
    vols, one, _ = files
    with override_settings(LINKWELL_DBS_RENEWAL_YEARS=5):
        results = json.loads(
            run("--volunteers", str(vols), "--person", str(one), "--at", "2027-03-03")
        )
    assert [r["volunteer_id"] for r in results] == ["v1", "v2"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--top", "0"], "--top: 0 must be at least 1"),
        (["--top", "ten"], "--top: 'ten' is not a whole number"),
        (["--at", "next tuesday"], "--at: 'next tuesday' is not an ISO date like 2026-12-01"),
    ],
)
def test_bad_options_are_refused(files, change, message):
    vols, one, _ = files
    with pytest.raises(CommandError, match=message):
        run("--volunteers", str(vols), "--person", str(one), *change)


def test_person_and_people_are_mutually_exclusive(files):
    vols, one, many = files
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("--volunteers", str(vols), "--person", str(one), "--people", str(many))
    with pytest.raises(CommandError, match="one of the arguments --person --people is required"):
        run("--volunteers", str(vols))


def test_bad_volunteers_are_refused_with_the_file_line_and_field(files, tmp_path):
    _, one, _ = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(V1)
        + "\n\n"
        + json.dumps({"id": "v7", "dbs": {"level": "enhanced", "checked_on": "2021-13-01"}})
    )
    with pytest.raises(
        CommandError,
        match=rf"--volunteers {bad}: line 3 id=v7: dbs.checked_on: '2021-13-01' is not a date",
    ):
        run("--volunteers", str(bad), "--person", str(one))
    bad.write_text(json.dumps(V1) + "\n" + json.dumps(V1))
    with pytest.raises(CommandError, match="line 2 id=v1: id: the same id is on line 1"):
        run("--volunteers", str(bad), "--person", str(one))
    bad.write_text("{oops")
    with pytest.raises(CommandError, match="line 1: not valid JSON"):
        run("--volunteers", str(bad), "--person", str(one))
    bad.write_text("\n")
    with pytest.raises(CommandError, match="no volunteers in the file"):
        run("--volunteers", str(bad), "--person", str(one))
    with pytest.raises(CommandError, match="no such file"):
        run("--volunteers", str(tmp_path / "missing.jsonl"), "--person", str(one))


def test_bad_people_are_refused_with_the_file_line_and_field(files, tmp_path):
    vols, _, _ = files
    people = tmp_path / "bad.jsonl"
    people.write_text(
        json.dumps(PERSON)
        + "\n"
        + json.dumps({"id": "x", "volunteer_preferences": {"contact": "visit"}})
    )
    with pytest.raises(
        CommandError, match=r"line 2: volunteer_preferences.contact: \"visit\" is not one of"
    ):
        run("--volunteers", str(vols), "--people", str(people))
    person = tmp_path / "bad.json"
    person.write_text('{"id": "x", "age": "old"}')
    with pytest.raises(CommandError, match=rf"--person {person}: age: must be a whole number"):
        run("--volunteers", str(vols), "--person", str(person))
    person.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("--volunteers", str(vols), "--person", str(person))


def test_the_match_command_still_reads_a_person_with_volunteer_preferences(files, tmp_path):
    _, one, _ = files
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps([{"id": "s1", "name": "Garden club", "status": "active"}]))
    out = io.StringIO()
    call_command(
        "match", "--directory", str(directory), "--person", str(one), "--words-only", stdout=out
    )
    assert [r["service_id"] for r in json.loads(out.getvalue())] == ["s1"]


@pytest.mark.slow
def test_it_runs_without_a_database_or_settings_and_exits_non_zero_on_bad_input(files, tmp_path):
    """A subprocess in a shell where Linkwell was never configured: befriend must neither need
    nor create the database."""
    vols, one, _ = files
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LINKWELL_") and key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    database = tmp_path / "nowhere" / "linkwell.sqlite3"
    env["LINKWELL_SQLITE_PATH"] = str(database)
    linkwell = [sys.executable, "-c", "from linkwell.cli import main; main()"]
    args = [
        "befriend",
        "match",
        "--volunteers",
        str(vols),
        "--person",
        str(one),
        "--at",
        "2026-01-01",
    ]
    ok = subprocess.run(
        [*linkwell, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["volunteer_id"] == "v1"
    assert not database.exists()
    bad = subprocess.run(
        [*linkwell, *args, "--top", "-1"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False
    )  # fmt: skip
    assert bad.returncode != 0 and "--top: -1 must be at least 1" in bad.stderr
    assert bad.stdout == ""
