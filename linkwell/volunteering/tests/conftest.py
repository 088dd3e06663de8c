from __future__ import annotations

import pytest

from linkwell.volunteering.tests.factories import VolunteerCast, build_cast
from tests.personas import Personas


@pytest.fixture
def cast(personas: Personas) -> VolunteerCast:
    return build_cast(personas)
