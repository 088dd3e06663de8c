from __future__ import annotations

import pytest

from linkwell.coproduction.tests.factories import Teams, build_teams
from tests.personas import Personas


@pytest.fixture
def teams(personas: Personas) -> Teams:
    return build_teams(personas)
