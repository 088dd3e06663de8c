"""The lock files pin everything an install brings in.

`make install` installs Linkwell with `requirements.lock` as constraints, so a package the lock
does not name is installed at whatever version the index offers that day: two machines built
from the same commit can then differ. These tests walk the dependencies Linkwell declares
(through the installed packages' own metadata) and require a pin for each one reached.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path
from typing import cast

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# pip-compile leaves the installer's own tools out of a lock by design (`--allow-unsafe`).
INSTALLER = {"pip", "setuptools", "distribute"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def pins(lock: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def reached(extras: set[str]) -> set[str]:
    """Every distribution an install of Linkwell with `extras` brings in (canonical names)."""
    seen: set[str] = set()
    todo: list[tuple[str, set[str]]] = [("linkwell", extras)]
    while todo:
        name, wanted = todo.pop()
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # an optional part not installed here; its own pin is checked by name
        for text in requires:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is not None and not any(
                marker.evaluate({**cast(dict[str, str], default_environment()), "extra": extra})
                for extra in (wanted or {""})
            ):
                continue
            key = canonicalize_name(requirement.name)
            if key == "linkwell" or key in INSTALLER or key in seen:
                continue
            seen.add(key)
            todo.append((key, set(requirement.extras)))
    return seen


def test_the_lock_pins_every_package_a_plain_install_brings_in() -> None:
    missing = sorted(reached(set()) - set(pins(ROOT / "requirements.lock")))
    assert not missing, f"requirements.lock has no pin for {missing}: run `make lock`"


def test_the_dev_lock_pins_every_package_the_dev_install_brings_in() -> None:
    missing = sorted(reached({"dev"}) - set(pins(ROOT / "requirements-dev.lock")))
    assert not missing, f"requirements-dev.lock has no pin for {missing}: run `make lock`"


def test_both_locks_agree_where_they_overlap() -> None:
    main, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    differ = {
        name: (main[name], dev[name])
        for name in main.keys() & dev.keys()
        if main[name] != dev[name]
    }
    assert not differ, f"the two lock files pin different versions: {differ}"
