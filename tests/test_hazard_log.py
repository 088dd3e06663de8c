"""The clinical safety hazard log (docs/safety/hazard-log.md) stays true: every test it names as
evidence exists, and every hazard row has evidence."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "docs" / "safety" / "hazard-log.md"
REFERENCE = re.compile(r"`([\w./-]+\.py)::(\w+)`")


def _rows() -> list[str]:
    return [line for line in LOG.read_text().splitlines() if re.match(r"\|\s*H\d+\s*\|", line)]


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def test_every_test_named_as_evidence_exists() -> None:
    missing = []
    for path, name in REFERENCE.findall(LOG.read_text()):
        file = ROOT / path
        if not file.is_file() or name not in _test_names(file):
            missing.append(f"{path}::{name}")
    assert missing == [], f"The hazard log names tests that do not exist: {missing}"


def test_every_hazard_has_evidence_and_the_required_hazards_are_logged() -> None:
    rows = _rows()
    assert len(rows) >= 11
    for row in rows:
        assert REFERENCE.search(row), f"No evidence for {row[:60]}"
        assert len(row.strip().strip("|").split("|")) == 10, f"Not ten columns: {row[:60]}"
    text = LOG.read_text().lower()
    for hazard in (
        "phq-9 item 9",
        "merged",
        "wrong gp practice",
        "closed or out-of-date service",
        "dbs check has lapsed",
        "lost between teams",
        "raised by a volunteer",
        "wrong person's case",
        "scored wrongly",
        "small numbers",
        "audit trail is tampered",
    ):
        assert hazard in text, hazard


def test_the_checker_catches_a_reference_to_a_missing_test() -> None:
    assert "test_nothing_like_this" not in _test_names(ROOT / "linkwell/audit/tests/test_chain.py")
    assert REFERENCE.findall("`linkwell/a/tests/test_b.py::test_c`") == [
        ("linkwell/a/tests/test_b.py", "test_c")
    ]
