"""No test module reads the clock when it is collected.

A date read at import (a module constant, a `parametrize` argument, a default) is fixed when
pytest collects the suite. A run that crosses midnight then compares what a service records
today with yesterday's date, and fails for no fault in the code. Read the date inside the
test, or parametrize with `tests.dates.FromToday`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_READS = {"localdate", "localtime", "now", "today"}


def _collection_time_clock_reads(source: str) -> list[int]:
    """Line numbers of clock reads that run when the module is imported."""
    found: list[int] = []

    def visit(node: ast.AST, in_body: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for expr in [*node.decorator_list, *node.args.defaults]:
                visit(expr, in_body)
            for default in node.args.kw_defaults:
                if default is not None:
                    visit(default, in_body)
            for stmt in node.body:
                visit(stmt, True)
            return
        if isinstance(node, ast.Lambda):
            visit(node.body, True)
            return
        if not in_body and isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in CLOCK_READS:
                found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child, in_body)

    visit(ast.parse(source), False)
    return found


def test_the_check_finds_a_date_read_at_collection() -> None:
    source = (
        "import pytest\n"
        "from django.utils import timezone\n"
        "TODAY = timezone.localdate()\n"
        "@pytest.mark.parametrize('d', [timezone.now()])\n"
        "def test_x(d, when=dt.date.today()):\n"
        "    assert timezone.localdate() and (lambda: timezone.now())\n"
    )
    assert _collection_time_clock_reads(source) == [3, 4, 5]


def _test_modules() -> list[Path]:
    """Test modules, their factories and helpers, and every conftest."""
    paths = {*ROOT.joinpath("linkwell").rglob("tests/*.py"), *ROOT.joinpath("tests").rglob("*.py")}
    paths |= {*ROOT.joinpath("linkwell").rglob("conftest.py"), ROOT / "conftest.py"}
    return sorted(p for p in paths if p.exists())


def test_no_test_module_reads_the_clock_when_collected() -> None:
    modules = _test_modules()
    assert len(modules) > 100  # the walk found the suite
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules
        for line in _collection_time_clock_reads(path.read_text())
    ]
    assert offenders == []
