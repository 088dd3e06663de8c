from __future__ import annotations

import pytest
from django.core.cache import cache

from linkwell.grants.tests.factories import GrantsWorld, build_world
from tests.personas import Personas


@pytest.fixture
def world(personas: Personas) -> GrantsWorld:
    return build_world(personas)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """The public form's hourly counts live in the cache, shared by every test in the process."""
    cache.clear()
