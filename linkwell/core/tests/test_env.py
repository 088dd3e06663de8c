from __future__ import annotations

import re
from pathlib import Path

import pytest

from linkwell.core.env import EnvError, env_bool, env_int, env_list, parse_database_url

ROOT = Path(__file__).resolve().parents[3]


def test_every_variable_linkwell_reads_is_documented_in_env_example() -> None:
    read: set[str] = set()
    for path in [*ROOT.joinpath("config").glob("*.py"), *ROOT.joinpath("linkwell").rglob("*.py")]:
        read |= set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', path.read_text()))
    documented = set(re.findall(r"^([A-Z_]+)=", ROOT.joinpath(".env.example").read_text(), re.M))
    assert "DATABASE_URL" in read
    assert read - documented == set()


def test_a_malformed_boolean_stops_start_up_naming_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("LINKWELL_DEBUG", "maybe")
    with pytest.raises(EnvError, match="LINKWELL_DEBUG='maybe' is not a boolean"):
        env_bool("LINKWELL_DEBUG", False)


def test_a_malformed_or_too_small_number_stops_start_up(monkeypatch) -> None:
    monkeypatch.setenv("LINKWELL_LOCKOUT_THRESHOLD", "five")
    with pytest.raises(EnvError, match="not a whole number"):
        env_int("LINKWELL_LOCKOUT_THRESHOLD", 5, minimum=1)
    monkeypatch.setenv("LINKWELL_LOCKOUT_THRESHOLD", "0")
    with pytest.raises(EnvError, match="below the minimum of 1"):
        env_int("LINKWELL_LOCKOUT_THRESHOLD", 5, minimum=1)


def test_lists_are_comma_separated_and_trimmed(monkeypatch) -> None:
    monkeypatch.setenv("LINKWELL_ALLOWED_HOSTS", " a.example , b.example,, ")
    assert env_list("LINKWELL_ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_database_url_selects_postgresql_or_sqlite() -> None:
    pg = parse_database_url("postgres://lw:s%40cret@db.example:5433/linkwell?sslmode=require")
    assert pg.engine == "django.db.backends.postgresql"
    assert (pg.user, pg.password, pg.host, pg.port, pg.name) == (
        "lw",
        "s@cret",
        "db.example",
        "5433",
        "linkwell",
    )
    assert pg.options == {"sslmode": "require"}
    lite = parse_database_url("sqlite:///var/other.sqlite3")
    assert (lite.engine, lite.name) == ("django.db.backends.sqlite3", "var/other.sqlite3")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/x", "unsupported scheme 'mysql'"),
        ("postgres://localhost", "names no database"),
        ("sqlite://", "use sqlite:///"),
    ],
)
def test_a_bad_database_url_is_refused_with_a_specific_message(url: str, message: str) -> None:
    with pytest.raises(EnvError, match=message):
        parse_database_url(url)
