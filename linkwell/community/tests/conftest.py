from __future__ import annotations

import pytest

from linkwell.community.ical import FeedError


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never fetch a real feed: a test that needs one stubs `timetables.fetch_url`."""

    def refuse(url: str) -> bytes:
        raise FeedError(f"(test) no network: {url}")

    monkeypatch.setattr("linkwell.community.timetables.fetch_url", refuse)
