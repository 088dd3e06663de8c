"""Every benchmark script writes its own section of BENCHMARKS.md through one helper."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _sections() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sections", ROOT / "benchmarks" / "sections.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_section_replaces_only_its_own_markers_and_keeps_notes_between(tmp_path: Path) -> None:
    sections = _sections()
    out = tmp_path / "BENCHMARKS.md"
    out.write_text(
        "# Benchmarks\n\n<!-- a:start -->\nold a\n<!-- a:end -->\n\nA note kept by hand.\n\n"
        "<!-- b:start -->\nold b\n<!-- b:end -->\n",
        encoding="utf-8",
    )
    sections.write_section("<!-- a:start -->\nnew a\n<!-- a:end -->\n", out)
    text = out.read_text(encoding="utf-8")
    assert "new a" in text and "old a" not in text
    assert "A note kept by hand." in text and "old b" in text
    assert text.count("<!-- a:start -->") == 1


def test_a_new_section_goes_at_the_end_and_a_new_file_gets_a_title(tmp_path: Path) -> None:
    sections = _sections()
    out = tmp_path / "BENCHMARKS.md"
    sections.write_section("<!-- c:start -->\nc\n<!-- c:end -->", out)
    sections.write_section("<!-- d:start -->\nd\n<!-- d:end -->", out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks")
    assert text.index("<!-- c:end -->") < text.index("<!-- d:start -->")


def test_a_section_without_its_markers_is_refused(tmp_path: Path) -> None:
    sections = _sections()
    out = tmp_path / "BENCHMARKS.md"
    with pytest.raises(ValueError, match="must begin with"):
        sections.write_section("<!-- e:start -->\nno end marker", out)
    with pytest.raises(ValueError):
        sections.write_section("<!-- e:start -->\nmismatched\n<!-- f:end -->", out)
    assert not out.exists()
