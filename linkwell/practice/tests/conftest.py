from __future__ import annotations

import pytest

from linkwell.practice.tests.factories import cover
from tests.personas import Personas


@pytest.fixture
def covered(personas: Personas) -> Personas:
    cover(personas)
    return personas
