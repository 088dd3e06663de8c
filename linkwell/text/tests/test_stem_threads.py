"""Stemming is safe from the server's threads: each thread gets its own Snowball stemmer (one
shared stemmer keeps the word it works on in itself, and a busy server once answered a search
with a 500, "string index out of range")."""

from __future__ import annotations

import sys
import threading

from linkwell.text import analysis

WORDS = [
    "organisational",
    "befriending",
    "walking",
    "bereavement",
    "gardening",
    "loneliness",
    "independence",
    "relationships",
    "generously",
    "conditional",
] * 40


def test_stems_from_many_threads_at_once_are_the_stems_of_one_thread() -> None:
    uncached = analysis.stem.__wrapped__  # the lru cache would hide the stemmer
    expected = [uncached(w) for w in WORDS]
    got: dict[int, list[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            start.wait()
            got[n] = [uncached(w) for w in (WORDS if n % 2 else WORDS[::-1])]
        except BaseException as error:
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    for n, stems in got.items():
        assert stems == (expected if n % 2 else expected[::-1])
