from __future__ import annotations

import sys

import pytest

from linkwell import cli


@pytest.mark.parametrize("argv", [["linkwell"], ["linkwell", "--help"], ["linkwell", "-h"]])
def test_it_prints_a_grouped_overview_without_needing_settings(argv, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", argv)
    cli.main()
    out = capsys.readouterr().out
    for heading in ("Set up and run:", "Community directory:", "Audit and security:"):
        assert heading in out
    for command in (
        "directory import FILE",
        "demo",
        "audit export",
        "db_worker",
        "migrate",
        "export --nhs-number N",
        "retention apply",
    ):
        assert f"  {command} " in out
    assert "createsuperuser" in out and "createadmin" in out
    assert "linkwell help <command>" in out


def test_other_arguments_pass_through_to_django(capsys) -> None:
    cli.main(["linkwell", "help", "audit"])
    out = capsys.readouterr().out
    assert "usage: linkwell audit" in out
    assert "{export,seal,verify}" in out


def test_every_command_it_lists_that_is_linkwells_own_exists() -> None:
    from django.core.management import get_commands

    listed = {name.split()[0] for _, cmds in cli.COMMAND_GROUPS for name, _ in cmds}
    # `demo` and `directory` arrive with the demo data and directory exchange work.
    missing = listed - set(get_commands()) - {"demo", "directory"}
    assert not missing
