"""Every shipped cohort gives the same ranked list (ids, practices, scores, reasons) and the same
summary on a seeded synthetic register as the implementation these figures were taken from,
read from Parquet and from CSV, with and without an exclusions file. A change to validation,
caching or compilation must not change who is found or how they are ranked; a change to a
cohort definition bumps its version and updates its line here."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from linkwell.population import engines

# cohort id -> (rows, sha256 of the list, sha256 of the summary) without and with the exclusions
# file; the hashes are the first 16 hex digits.
PINNED = {
    "frequent-attenders": (
        (161, "f744218cd06655d2", "6a277f532fddc131"),
        (135, "809089565ba564c2", "49ede6db4ce13c9b"),
    ),
    "loneliness-risk": (
        (59, "ab0984c7ff6c785a", "5489799121374229"),
        (49, "acafeec14c2fd6f5", "81fa1e198ca00e1e"),
    ),
    "potential-care-needs": (
        (127, "458352476e3082d7", "08e318fda2621f3d"),
        (103, "0dde78341411df8c", "2499886f4b624046"),
    ),
    "prediabetes": (
        (198, "1b80e6babd7ca39b", "5d5a736ba438e4f6"),
        (172, "2d94a69022018207", "1359e4da97a1f24a"),
    ),
    "top-1pc-emergency-admission-risk": (
        (22, "9cf24269b3e15a3d", "aab16fe1a35d942f"),
        (19, "dba3898ac42912bb", "dee3d84bab7381a6"),
    ),
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("cohort", sorted(PINNED))
def test_the_ranked_list_and_summary_are_unchanged(
    tmp_path: Path, small_register: Path, cohort: str, fmt: str
) -> None:
    people = pd.read_parquet(small_register / "register.parquet")
    source = small_register
    if fmt == "csv":
        source = tmp_path / "register.csv"
        people.to_csv(source, index=False)
    exclude = tmp_path / "exclude.csv"
    pd.DataFrame({"pseudo_id": people["pseudo_id"][:400]}).to_csv(exclude, index=False)
    con = engines.connect("duckdb")
    for files, (rows, listed, summary) in zip(([], [exclude]), PINNED[cohort], strict=True):
        result = engines.run(cohort, source, out=tmp_path / "out.csv", exclude=files, con=con)
        frame = pd.read_csv(result.out, dtype={"pseudo_id": str})
        text = frame[["rank", "pseudo_id", "practice", "score", "reasons"]].to_csv(index=False)
        assert len(frame) == rows, (cohort, files)
        assert _digest(text) == listed, (cohort, files)
        assert _digest(result.summary.render()) == summary, (cohort, files)
