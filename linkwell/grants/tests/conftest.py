from __future__ import annotations

import pytest

from linkwell.grants.tests.factories import GrantsWorld, build_world
from tests.personas import Personas


@pytest.fixture
def world(personas: Personas) -> GrantsWorld:
    return build_world(personas)
