"""The encoder benchmark reads the council set's development half, and only when it is complete."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from linkwell.matching import engine
from linkwell.matching.evaluation import DIRECTORY_FILE

ROOT = Path(__file__).resolve().parent.parent
COUNCIL = ROOT / "linkwell" / "matching" / "evaluation" / "council"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "encoders_benchmark", ROOT / "benchmarks" / "encoders.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["encoders_benchmark"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _council_folder(tmp_path: Path, grades: dict[str, Any] | None) -> tuple[Path, list[str], str]:
    """The council people and split, the Merebrook directory as the feed, and these grades."""
    for name in ("people.jsonl", "split.json"):
        shutil.copy(COUNCIL / name, tmp_path / name)
    shutil.copy(DIRECTORY_FILE, tmp_path / "directory.json")
    split = json.loads((COUNCIL / "split.json").read_text(encoding="utf-8"))
    first_service = json.loads(DIRECTORY_FILE.read_text(encoding="utf-8"))[0]["id"]
    if grades is not None:
        (tmp_path / "grades").mkdir()
        (tmp_path / "grades" / "resolved.json").write_text(json.dumps(grades))
    return tmp_path, split["development"], first_service


def test_without_resolved_grades_the_council_set_says_what_is_missing(tmp_path: Path) -> None:
    bench = _bench()
    folder, _, _ = _council_folder(tmp_path, grades=None)
    output = tmp_path / "BENCHMARKS.md"

    with pytest.raises(bench.SetUnavailable, match=r"grades.*not resolved yet"):
        bench.load_council_dev(folder)
    assert (
        bench.run("council-dev", [], threads=1, repeat=1, output=output, council_dir=folder) is None
    )
    assert not output.exists()


def test_the_council_set_gives_only_the_development_people_with_their_grades(
    tmp_path: Path,
) -> None:
    bench = _bench()
    people = [json.loads(line)["id"] for line in (COUNCIL / "people.jsonl").open()]
    folder, development, service = _council_folder(tmp_path, grades={p: {} for p in people})
    grades = {p: ({service: 3} if p == development[0] else {}) for p in people}
    (folder / "grades" / "resolved.json").write_text(json.dumps(grades))

    evaluation = bench.load_council_dev(folder)

    assert sorted(p.id for p in evaluation.people) == sorted(development)
    assert evaluation.judgments[development[0]] == {service: 3}
    assert len(evaluation.people) < len(people)


def test_grades_for_a_listing_the_feed_lacks_are_refused(tmp_path: Path) -> None:
    bench = _bench()
    people = [json.loads(line)["id"] for line in (COUNCIL / "people.jsonl").open()]
    grades = {p: {"not-a-listing": 2} for p in people}
    folder, _, _ = _council_folder(tmp_path, grades=grades)

    with pytest.raises(bench.SetUnavailable, match="not in the feed"):
        bench.load_council_dev(folder)


def test_the_calibrated_cosine_mapping_is_put_back_afterwards() -> None:
    bench = _bench()
    before = engine.SEMANTIC_FLOOR, engine.SEMANTIC_SPAN

    with bench.semantic_mapping(0.7, 0.1) as applied:
        assert applied
        assert (engine.SEMANTIC_FLOOR, engine.SEMANTIC_SPAN) == (0.7, 0.1)
    assert before == (engine.SEMANTIC_FLOOR, engine.SEMANTIC_SPAN)
